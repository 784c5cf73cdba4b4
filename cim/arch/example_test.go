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
