package kernel_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/kernel"
)

// Outside a notebook Show prints the plain-text form; inside gonb the same
// call shows an HTML table.
func ExampleShow() {
	type result struct {
		Layer      string
		PV         int
		Speedup    float64
		Efficiency float64
	}
	kernel.Show([]result{
		{"conv1", 3, 2.99, 0.99667},
		{"layer1.0.conv1", 9, 8.9123, 0.99026},
	})
	// Output:
	// Layer           PV  Speedup  Efficiency
	// conv1           3   2.990    0.9967
	// layer1.0.conv1  9   8.912    0.9903
}

// Table builds a table by hand; its HTML method gives the markup.
func ExampleTable() {
	t := kernel.Table([]string{"bus", "cores"}, [][]string{{"16 B", "128"}})
	fmt.Print(t.HTML())
	// Output:
	// <table class="cimkit" data-rows="1">
	// <thead><tr><th>bus</th><th>cores</th></tr></thead>
	// <tbody>
	// <tr><td style="text-align:left">16 B</td><td style="text-align:right">128</td></tr>
	// </tbody>
	// </table>
}

// ShowFields shows a configuration one field per row: a notebook prints the
// chip it simulates instead of stating its numbers in prose.
func ExampleShowFields() {
	type chip struct {
		XbarRows, XbarCols int
		MVMCycles          int `table:"MVM cycles"`
		ClockGHz           float64
	}
	kernel.ShowFields(chip{64, 64, 3200, 1})
	kernel.ShowFields(42)
	// Output:
	// field       value
	// XbarRows    64
	// XbarCols    64
	// MVM cycles  3200
	// ClockGHz    1
	// kernel.Fields: int is not a struct
}

// Interconnect prints the timing of a chip's interconnect from its fields:
// notebooks print it rather than state it in prose.
func ExampleInterconnect() {
	a := arch.Default()
	fmt.Println(kernel.Interconnect(a))
	a.Interconnect = arch.Shared
	fmt.Println(kernel.Interconnect(a))
	// Output:
	// interconnect axi4: 16 B per beat, separate read and write channels, up to 4 transactions in flight per core, 1 cycle of latency; a lone 64 B transfer takes 6 cycles while its core goes on
	// interconnect shared: 16 B per beat, one transaction at a time (reads and writes alike), 2 cycles of overhead per burst; a lone 64 B transfer takes 6 cycles while its core waits
}
