package plots_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/zoo"
	"github.com/cimkit/cimkit/plots"
)

// Run LeNet-5 whole on a chip of 32x32 crossbars, layer by layer and
// pipelined, and draw its network timeline and the speedup figure from the
// records.
func ExampleNetworkTimeline() {
	net, err := zoo.Get("lenet5", 32)
	if err != nil {
		panic(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 32, 32
	runs, err := netsim.Compare(net, netsim.Config{Arch: a, Scheme: compile.Linear, Images: 1})
	if err != nil {
		panic(err)
	}
	var rs []netsim.Result
	var ls []netsim.LayerResult
	for _, r := range runs {
		rs = append(rs, r.Result)
		ls = append(ls, r.Layers...)
	}
	tl, err := plots.NetworkTimeline(netsim.LayersDataFrame(ls), plots.Select{})
	if err != nil {
		panic(err)
	}
	sp, err := plots.NetworkSpeedup(netsim.DataFrame(rs), plots.Select{})
	if err != nil {
		panic(err)
	}
	fmt.Println(tl.Name, sp.Name)
	fmt.Printf("pipelined: %.2fx faster than layer by layer\n", rs[1].Speedup)
	// Output:
	// network_timeline_lenet5_32 network_speedup
	// pipelined: 1.12x faster than layer by layer
}
