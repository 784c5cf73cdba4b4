package plots_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/cimkit/cimkit/plots"
)

// A results CSV with two layers of one model, on one crossbar size.
const results = `model,layer,kind,xbar_rows,xbar_cols,bus_bytes,cores_budget,scheme,fits,pv,ph,cores,vectors,cycles,seq_cycles,speedup,limit,bus_limit,efficiency,bus_bytes_total,sync_bytes,overhead,bus_utilization,sync_mem_bytes,puma_attr_bytes,ifm_bytes,ofm_bytes,psum_bytes,xbar_utilization
tiny,conv1,conv,32,32,16,1024,sequential,true,2,1,2,100,20000,20000,1,2,8,0.5,9000,400,0.044,0.3,8,3200,1600,3200,12800,0.9
tiny,conv1,conv,32,32,16,1024,linear,true,2,1,2,100,10100,20000,1.98,2,8,0.99,9000,400,0.044,0.6,8,3200,1600,3200,12800,0.9
tiny,conv2,conv,32,32,16,1024,sequential,true,4,2,8,50,40000,40000,1,4,6,0.25,30000,1200,0.04,0.5,32,6400,3200,1600,6400,0.8
tiny,conv2,conv,32,32,16,1024,linear,true,4,2,8,50,10600,40000,3.77,4,6,0.94,30000,1200,0.04,0.9,32,6400,3200,1600,6400,0.8
`

// Read saved results, draw the per-layer speedup figure and encode it as
// SVG at the width of one paper column.
func Example() {
	df, err := plots.ReadResults(strings.NewReader(results), "results.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.Speedup(df, plots.Select{Model: "tiny", Bus: 16})
	if err != nil {
		fmt.Println(err)
		return
	}
	var svg bytes.Buffer
	if err := fig.WriteSVG(&svg, plots.OneColumn.Width); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fig.FileName(plots.SVG, plots.OneColumn))
	fmt.Println(strings.Contains(svg.String(), `<svg width="252pt"`))

	pts, _ := plots.EfficiencyPoints(df, plots.Select{Scheme: "linear"})
	for _, p := range pts {
		fmt.Printf("bus %d B, up to %d cores: efficiency %.3f over %d layers\n", p.Bus, p.Cores, p.Efficiency, p.Layers)
	}
	// Output:
	// speedup_tiny_1col.svg
	// true
	// bus 16 B, up to 2 cores: efficiency 0.990 over 1 layers
	// bus 16 B, up to 8 cores: efficiency 0.940 over 1 layers
}
