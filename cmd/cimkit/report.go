package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/sweep"
	"github.com/cimkit/cimkit/plots"
	"github.com/cimkit/cimkit/plots/report"
)

func init() {
	register(command{
		name:    "report",
		summary: "reproduce the paper's evaluation: sweep, results.csv, figures, index.html",
		run:     reportCommand("report"),
	})
}

// reportFlags are the flags of "cimkit report" (and the defaults of
// "cimkit run").
type reportFlags struct {
	out, formats, models, xbars, buses, schemes, cores string
	arch, tech, interconnect                           string
	network                                            string // --network (reportnet.go)
	input                                              int
	quiet                                              bool
}

// register adds the report's flags to fs, with report.Default's models and
// input size as defaults.
func (f *reportFlags) register(fs *flag.FlagSet) {
	d := report.Default()
	fs.StringVar(&f.out, "out", "report", "output directory")
	fs.StringVar(&f.formats, "format", "png,svg,pdf,eps", "figure formats: png,svg,pdf,eps")
	fs.StringVar(&f.models, "models", strings.Join(d.Models, ","), "zoo models")
	fs.StringVar(&f.xbars, "xbar", "32,64,128", "crossbar sizes (N or RxC)")
	fs.StringVar(&f.buses, "bus", "4,8,16,32,64", "bus widths in bytes")
	fs.StringVar(&f.schemes, "schemes", "sequential,linear,cyclic", "synchronisation schemes")
	fs.StringVar(&f.cores, "cores", "1024", "core budgets")
	fs.IntVar(&f.input, "input", d.Input, "input size in pixels (square)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar")
	archFlag(fs, &f.arch)
	techFlag(fs, &f.tech)
	fs.StringVar(&f.interconnect, "interconnect", "", "interconnects to sweep, comma-separated, the claims' one first: "+
		strings.Join(arch.Interconnects(), "|")+" (default: --arch's, then the other)")
	networkFlag(fs, &f.network)
}

// config turns the flags into a report configuration; bad values are
// usage errors naming the flag.
func (f *reportFlags) config() (report.Config, error) {
	c := report.Default()
	var err error
	if c.Formats, err = plots.ParseFormats(f.formats); err != nil {
		return c, usagef("--format: %v", err)
	}
	var axes sweep.Spec
	if err := parseAxes(&axes, f.xbars, f.buses, f.cores, f.schemes); err != nil {
		return c, err
	}
	c.Xbars, c.Buses, c.Cores, c.Schemes = axes.Xbars, axes.Buses, axes.Cores, axes.Schemes
	if c.Base, err = loadArch(f.arch); err != nil {
		return c, err
	}
	if c.Interconnects, err = parseInterconnects(f.interconnect); err != nil {
		return c, err
	}
	if len(c.Interconnects) == 0 {
		c.Interconnects = c.AllInterconnects()
	}
	if c.Tech, err = loadTech(f.tech); err != nil {
		return c, err
	}
	c.Models = nil
	for _, m := range strings.Split(f.models, ",") {
		if m = strings.TrimSpace(m); m != "" {
			if _, err := loadModel(m, f.input); err != nil {
				return c, err
			}
			c.Models = append(c.Models, m)
		}
	}
	if len(c.Models) == 0 {
		return c, usagef("--models: empty list")
	}
	c.Input = f.input
	return c, f.networkConfig(&c)
}

// reportCommand returns the body of "cimkit report" (and of "cimkit run",
// which is the report with its defaults) under the given command name.
func reportCommand(name string) func(args []string, stdout, stderr io.Writer) error {
	return func(args []string, stdout, stderr io.Writer) error {
		fs := newFlagSet(name, stderr)
		var f reportFlags
		f.register(fs)
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		return makeReport(f, commandLine(name, args), stdout, stderr)
	}
}

// makeReport runs the report, writes it (its CSV files naming command, the
// command line) and prints the summary.
func makeReport(f reportFlags, command string, stdout, stderr io.Writer) error {
	cfg, err := f.config()
	if err != nil {
		return err
	}
	cfg.Command = command
	if err := checkOutDir("--out", f.out); err != nil {
		return err
	}
	var bar *progress
	if !f.quiet {
		bar = newProgress(stderr, "sweep", true)
		cfg.Progress = bar.update
	}
	ctx, stop := interruptContext()
	defer stop()
	r, err := report.Run(ctx, cfg)
	bar.finish()
	if err != nil {
		return err
	}
	index, err := r.Write(f.out)
	if err != nil {
		return err
	}
	if abs, err := filepath.Abs(index); err == nil {
		index = abs
	}
	if err := r.WriteSummary(stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d results, %d figures in %d formats, in %s.\nReport: %s\n",
		len(r.Results), len(r.Figures)+len(r.NetworkFigures), len(cfg.Formats), r.Elapsed.Round(100*time.Millisecond), index)
	return nil
}
