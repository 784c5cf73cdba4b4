package arch_test

import (
	"fmt"
	"strings"

	"github.com/cimkit/cimkit/cim/arch"
)

// A chip with 32x32 crossbars and a 4-byte bus; every other field keeps
// its default.
func ExampleLoad() {
	a, err := arch.Load(strings.NewReader(`{"xbar_rows": 32, "xbar_cols": 32, "bus_bytes": 4}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%dx%d crossbars, %d cores, %d B bus\n", a.XbarRows, a.XbarCols, a.Cores, a.BusBytes)
	fmt.Println("a 32-byte load holds the bus for", a.BusCycles(32), "cycles")
	// Output:
	// 32x32 crossbars, 1024 cores, 4 B bus
	// a 32-byte load holds the bus for 10 cycles
}

// Fields describes every JSON field of an Arch: a form or a help text can
// be generated from it.
func ExampleFields() {
	for _, f := range arch.Fields()[5:8] {
		fmt.Printf("%s (%s, %d..%d): %s\n", f.Name, f.Unit, f.Min, f.Max, f.Doc)
	}
	// Output:
	// mvm_cycles (cycles, 1..16777216): Latency of one crossbar MVM (bit-serial reads and ADC conversions).
	// bus_overhead_cycles (cycles, 0..16777216): Fixed cost of each bus burst: address phase and write response or read turnaround.
	// burst_beats (beats, 1..65536): Most beats in one burst (AXI4 allows 256); longer transfers pay the overhead again.
}
