package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/cimkit/cimkit/plots"
	"github.com/cimkit/cimkit/plots/export"
)

func init() {
	register(command{
		name:    "plot",
		summary: "redraw the report's figures from a saved results.csv (and network records), or a timeline from a trace",
		run:     runPlot,
	})
}

func runPlot(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plot", stderr)
	in := fs.String("in", "", "results CSV written by cimkit report or cimkit sweep")
	trace := fs.String("trace", "", "trace CSV written by cimkit sim --trace: timeline and bus utilisation")
	from := fs.Float64("from", 0, "with --trace: first cycle of the timeline")
	to := fs.Float64("to", 0, "with --trace: last cycle of the timeline (0: the end)")
	cores := fs.Int("cores", 16, "with --trace: cores shown in the timeline")
	out := fs.String("out", "figures", "output directory")
	format := fs.String("format", "png,svg,pdf,eps", "figure formats: png,svg,pdf,eps")
	size := fs.String("size", "1col,2col", "figure widths: 1col (3.5 in), 2col (7 in)")
	var nf networkPlotFlags
	nf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" && *trace == "" && !nf.set() {
		return usagef("--in (a results CSV, e.g. report/results.csv), --trace (a trace CSV) or --network/--network-layers " +
			"(whole-network records) is required")
	}
	nf.beside(*in)
	if *cores < 1 || *cores > plots.MaxTimelineCores {
		return usagef("--cores %d: want 1..%d", *cores, plots.MaxTimelineCores)
	}
	if *from < 0 || *to < 0 || (*to != 0 && *to <= *from) {
		return usagef("--from %g --to %g: want 0 <= from < to (to 0: the end of the trace)", *from, *to)
	}
	formats, err := plots.ParseFormats(*format)
	if err != nil {
		return usagef("--format: %v", err)
	}
	sizes, err := parseSizes(*size)
	if err != nil {
		return err
	}
	if err := checkOutDir("--out", *out); err != nil {
		return err
	}
	var figs []*plots.Figure
	if *in != "" {
		if figs, err = resultFigures(*in); err != nil {
			return err
		}
	}
	nfigs, err := nf.figures()
	if err != nil {
		return err
	}
	figs = append(figs, nfigs...)
	if *trace != "" {
		tf, err := traceFigures(*trace, plots.TimelineOptions{From: *from, To: *to, Cores: *cores})
		if err != nil {
			return err
		}
		figs = append(figs, tf...)
	}
	paths, err := export.SaveAll(figs, *out, formats, sizes)
	if err != nil {
		return err
	}
	for _, p := range paths {
		fmt.Fprintln(stdout, p)
	}
	return nil
}

// parseSizes reads a list of paper widths such as "1col,2col".
func parseSizes(s string) ([]plots.Size, error) {
	var out []plots.Size
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		found := false
		for _, sz := range plots.Sizes() {
			if sz.Name == name {
				out, found = append(out, sz), true
			}
		}
		if !found {
			return nil, usagef("--size: unknown size %q (accepted: 1col, 2col)", name)
		}
	}
	return out, nil
}

// resultFigures draws the standard figures of a results CSV.
func resultFigures(file string) ([]*plots.Figure, error) {
	f, err := openInput("--in", file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	df, err := plots.ReadResults(f, file)
	if err != nil {
		return nil, err
	}
	figs, err := plots.Standard(df)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return figs, nil
}

// traceFigures draws the timeline and the bus utilisation of a trace CSV.
func traceFigures(file string, opt plots.TimelineOptions) ([]*plots.Figure, error) {
	f, err := openInput("--trace", file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	spans, err := plots.ReadTrace(f, file)
	if err != nil {
		return nil, err
	}
	opt.Title = filepath.Base(file)
	tl, err := plots.Timeline(spans, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	bu, err := plots.BusUtilization(spans, 100, opt.Title)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return []*plots.Figure{tl, bu}, nil
}
