package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cimkit/cimkit/plots"
)

func init() {
	register(command{
		name:    "plot",
		summary: "redraw the report's figures from a saved results.csv",
		run:     runPlot,
	})
}

func runPlot(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("plot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "results CSV written by cimkit report or cimkit sweep (required)")
	out := fs.String("out", "figures", "output directory")
	format := fs.String("format", "png,svg,pdf,eps", "figure formats: png,svg,pdf,eps")
	size := fs.String("size", "1col,2col", "figure widths: 1col (3.5 in), 2col (7 in)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" {
		return usagef("--in is required: a results CSV (e.g. report/results.csv)")
	}
	formats, err := plots.ParseFormats(*format)
	if err != nil {
		return usagef("--format: %v", err)
	}
	sizes, err := parseSizes(*size)
	if err != nil {
		return err
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	df, err := plots.ReadResults(f, *in)
	if err != nil {
		return err
	}
	figs, err := plots.Standard(df)
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	paths, err := plots.SaveAll(figs, *out, formats, sizes)
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
