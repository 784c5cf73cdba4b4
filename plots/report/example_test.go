package report_test

import (
	"context"
	"fmt"

	"github.com/cimkit/cimkit/cim/sweep"
	"github.com/cimkit/cimkit/plots/report"
)

// Reproduce part of the paper's evaluation (ResNet-18 on 128x128 crossbars
// with a 64 B bus, on the default interconnect and, for the comparison,
// the other one) and list the claims it checks.
func Example() {
	cfg := report.Default()
	cfg.Models = []string{"resnet18"}
	cfg.Xbars = []sweep.Xbar{{Rows: 128, Cols: 128}}
	cfg.Buses = []int{64}
	cfg.Interconnects = cfg.AllInterconnects()
	r, err := report.Run(context.Background(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(r.Results), "results,", len(r.Figures), "figures")
	for _, c := range r.Claims {
		fmt.Println(c.ID)
	}
	// Output:
	// 120 results, 10 figures
	// limit
	// sync32
	// sync64
	// cyclic
	// xbar
	// bus
	// memory
}
