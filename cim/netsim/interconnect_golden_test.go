package netsim

import (
	"encoding/binary"
	"flag"
	"fmt"
	"hash/fnv"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/zoo"
	"github.com/cimkit/cimkit/internal/golden"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/interconnect_golden.txt (go test ./cim/netsim -run TestInterconnectGolden -update)")

// interconnectGoldenFile holds whole-network runs on both interconnects as
// the simulator gave them when the file was written: a change that should
// only make the engine faster must not move any of them. A change of the
// compilers (cim/netprog, cim/compile, cim/place) that moves them on
// purpose re-records the file with -update and says so in its commit.
const interconnectGoldenFile = "testdata/interconnect_golden.txt"

// TestInterconnectGolden simulates ResNet-18 and MobileNet v1 at 32x32
// input, two images, on 64x64 crossbars with a 4-byte bus (the most
// contention), on the shared bus and on AXI4 with 1 and 4 outstanding
// transactions, linear scheme pipelined and cyclic scheme layer by layer,
// under both arbiters; with the default 1024 cores and with 96 (then the
// networks run in segments and reprogram their crossbars: PROGs, several
// sequence registers). Each
// run is one line: cycles, bus figures, and hashes of every core's
// statistics, of the trace (every span) and of the MARKs.
func TestInterconnectGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("golden set skipped in -short mode")
	}
	var got []string
	for _, model := range []string{"resnet18", "mobilenet_v1"} {
		net, err := zoo.Get(model, 32)
		if err != nil {
			t.Fatal(err)
		}
		for _, cores := range []int{1024, 96} {
			for _, ic := range []struct {
				name string
				k    int
			}{{arch.Shared, 0}, {arch.AXI4, 1}, {arch.AXI4, 4}} {
				for _, run := range []struct {
					s    compile.Scheme
					mode netprog.Mode
				}{{compile.Linear, netprog.Pipelined}, {compile.Cyclic, netprog.LayerByLayer}} {
					for _, arb := range []sim.Arbiter{sim.Oldest, sim.RoundRobin} {
						a := arch.Default()
						a.XbarRows, a.XbarCols, a.Cores, a.BusBytes, a.Interconnect = 64, 64, cores, 4, ic.name
						if ic.k > 0 {
							a.AXIOutstanding = ic.k
						}
						name := fmt.Sprintf("%s cores=%d %s k=%d %s %s %s", model, cores, ic.name, a.AXIOutstanding, run.s, run.mode, arb)
						cfg := Config{Arch: a, Scheme: run.s, Mode: run.mode, Images: 2, Segments: true,
							Sim: sim.Options{Arbiter: arb, Trace: true, MaxSpans: 1 << 30}}
						r, err := Simulate(net, cfg)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						got = append(got, name+" "+goldenLine(r.Timing))
					}
				}
			}
		}
	}
	golden.Lines(t, interconnectGoldenFile, got, *updateGolden)
}

// goldenLine describes a timed run: cycles, bus figures and hashes of the
// cores' statistics (every field), of the trace (every span, in the order
// recorded) and of the MARKs.
func goldenLine(tm *sim.Timing) string {
	stats, marks := fnv.New64a(), fnv.New64a()
	fmt.Fprint(stats, tm.Cores)
	fmt.Fprint(marks, tm.Marks)
	trace := fnv.New64a()
	var buf []byte
	for _, s := range tm.Trace {
		buf = binary.LittleEndian.AppendUint32(buf[:0], uint32(s.Core))
		buf = append(buf, byte(s.Class))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(s.Start))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(s.End))
		trace.Write(buf)
	}
	return fmt.Sprintf("cycles=%d busbusy=%d read=%d write=%d trans=%d instrs=%d stats=%x trace=%x marks=%x truncated=%v",
		tm.Cycles, tm.BusBusy, tm.ReadBusy, tm.WriteBusy, tm.Transactions, tm.Instrs,
		stats.Sum64(), trace.Sum64(), marks.Sum64(), tm.Truncated)
}
