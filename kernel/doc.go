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
// # Writing a notebook for the cimkit-go kernel
//
// The kernelspec (kernel/spec/install.sh, registered by make kernel) starts
// gonb with a go.work that uses this working tree, so cells import
// github.com/cimkit/cimkit/... and every module cimkit requires (gota,
// gonum/plot) straight from the sources. Start the first cell with
// %noautoget: gonb would otherwise run "go get" for every import, which asks
// the module proxy for "latest" versions, and the proxy here refuses that.
//
// gonb runs every cell as a new program: functions and types declared in a
// cell are kept for the cells after it, statements after %% run once. A
// value that is expensive to compute (a sweep) is kept across cells with
// Results, under a key that Key derives from the sweep's configuration.
// Tag a cell "table" or "figure" (or "contains=TEXT") in its metadata and
// make test-notebooks checks that its output shows one; "rows=N",
// "every=COL=A|B" and "column=COL=A|B|C" check what a table holds (see
// kernel/nbcheck).
//
// A notebook's prose states no number that the code decides (a default
// timing, a count that a model change would move): a cell prints it
// (ShowFields(arch.Default()), a Printf), and the text points at it. Plots
// drawn by hand take package plots' style: ShowPlot draws them as a
// plots.Figure, and plots.NewPanel and plots.NewSeries give the panel and
// the lines.
//
// The Makefile targets (kernel, kernel-user, notebook, test-notebooks) are
// described in mk/jupyter.mk.
package kernel
