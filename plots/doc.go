// Package plots draws cimkit's figures with gonum/plot, ready for papers.
//
// Every figure of a sweep is built from a gota DataFrame whose columns are
// the simulator's result record (see [Columns]): per-layer speedup next to
// its limit PV ([Speedup]), efficiency versus number of cores ([Efficiency]),
// synchronisation-traffic overhead ([Overhead]) and memory per layer
// ([Memory]). The per-core timeline of one layer ([Timeline]) and the bus
// utilisation over time ([BusUtilization]) are built from a plain list of
// [Span] values taken from the simulator's trace.
//
// Whole-network runs (cim/netsim) have figures of their own, built from
// DataFrames of netsim's records ([ReadNetwork], [ReadNetworkLayers]): the
// layers of one configuration over time, layer by layer next to pipelined
// ([NetworkTimeline]), and the speedup of the pipelined runs over layer by
// layer per model and crossbar size ([NetworkSpeedup]); [NetworkStandard]
// draws both from saved records.
//
// A [Figure] is one or more panels with a shared key, drawn at the width of
// one column (3.5 in) or two columns (7 in) of a paper ([Sizes]); its height
// follows from its aspect ratio. Package plots writes SVG itself
// ([Figure.WriteSVG]); package plots/export encodes and saves PNG, SVG, PDF
// and EPS ([Formats]), so that a program that only shows SVG (the browser
// playground, built with the tag "minimal") links none of gonum/plot's other
// back ends. Fonts are Liberation Sans at 7 to 9 pt, colours come from the
// colour-blind-safe Okabe-Ito palette, and every axis label carries its unit.
//
// Figure builders never panic on bad data: an empty selection, a missing
// column or a value that is not a number gives an error naming it.
//
// # Figures made elsewhere
//
// [NewPanel], [NewSeries], [SeriesColor], [SeriesGlyph] and [Log2Axis] lend
// the style of these figures to a figure built by hand (in a notebook, for
// instance), and [Single] makes a [Figure] of one such panel, so that it is
// drawn with the same fonts. The kernel package's ShowPlot draws any
// *plot.Plot that way.
//
// # Golden figures
//
// Every figure kind has a reference drawing, testdata/golden/NAME.svg, drawn
// from fixed synthetic results; go test compares each figure with it
// (numbers within 0.01 pt, all other text equal), so that a change in a
// figure's look is seen in review. After an intended change, look at the new
// drawings (a failing test writes them to the temporary directory and names
// them) and rewrite the references:
//
//	go test ./plots -run TestGolden -update   (or: make golden)
//
// A new figure kind adds one line to the golden list in golden_test.go
// (name, width, and a func building the figure from fakeFrame or
// fakeTrace), then runs the command above once.
package plots
