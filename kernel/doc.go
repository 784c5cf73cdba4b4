// Package kernel shows cimkit's results inside Jupyter notebooks that run the
// Go kernel gonb: tables as HTML, gota DataFrames as HTML tables, gonum/plot
// figures as inline SVG or PNG, one call each.
//
//	kernel.Show(results)          // a slice of structs: one row per element
//	kernel.Show(df)               // a gota DataFrame
//	kernel.Show(p)                // a *plot.Plot, as SVG (ShowPlot sets size and format)
//	kernel.Show(fig)              // a *plots.Figure, as SVG (ShowFigure sets width and format)
//	kernel.Show(kernel.Table(...)) // any hand-made table
//
// The values that the package builds follow the convention of the Go kernels
// (gophernotes renders any value with one of these methods): HTML has
// HTML() string, SVG has SVG() string and PNG has PNG() []byte. Show accepts
// any value with one of those methods too.
//
// Inside gonb (the GONB_PIPE environment variable is set) Show sends a
// Jupyter display_data message with the rich form and a text/plain fallback;
// anywhere else (go run, go test) it writes the plain-text form to standard
// output, so notebook code also runs as an ordinary program.
//
// The kernelspec that runs these notebooks, and the Makefile targets that
// build and register it, are described in mk/jupyter.mk and kernel/spec.
package kernel
