package export_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cimkit/cimkit/plots"
	"github.com/cimkit/cimkit/plots/export"
)

// Draw the per-core timeline of a two-core layer and save it as PDF and
// PNG, one paper column wide.
func Example() {
	fig, err := plots.Timeline([]plots.Span{
		{Core: 0, Start: 0, End: 10, Kind: plots.MVM},
		{Core: 1, Start: 4, End: 14, Kind: plots.MVM},
		{Core: 1, Start: 14, End: 20, Kind: plots.Transfer},
	}, plots.TimelineOptions{Title: "conv1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "figures")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	paths, err := export.SaveAll([]*plots.Figure{fig}, dir,
		[]plots.Format{plots.PDF, plots.PNG}, []plots.Size{plots.OneColumn})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range paths {
		fmt.Println(filepath.Base(p))
	}
	// Output:
	// timeline_1col.pdf
	// timeline_1col.png
}
