package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/sweep"
)

func init() {
	register(command{
		name:    "sweep",
		summary: "simulate models x crossbars x bus widths x schemes x core budgets in parallel, to CSV or JSON",
		run:     runSweep,
	})
}

// sweepFlags are the flags of "cimkit sweep".
type sweepFlags struct {
	chip                               chipFlags
	models, xbars, buses, schemes, cor string
	input, workers                     int
	out, format                        string
	totals                             bool
	net                                networkFlags // --network and its flags (sweepnet.go)
}

// register adds the sweep's flags (the chip's included) to fs.
func (f *sweepFlags) register(fs *flag.FlagSet) {
	f.chip.register(fs, true)
	fs.StringVar(&f.models, "models", "resnet18,mobilenet_v1", "comma-separated zoo models")
	fs.StringVar(&f.xbars, "xbar", "32,64,128", "comma-separated crossbar sizes (N or RxC)")
	fs.StringVar(&f.buses, "bus", "4,8,16,32,64", "comma-separated bus widths in bytes per beat")
	fs.StringVar(&f.schemes, "schemes", "sequential,linear,cyclic", "comma-separated schemes")
	fs.StringVar(&f.cor, "cores", "1024", "comma-separated core budgets")
	fs.IntVar(&f.input, "input", 224, "input size in pixels, square")
	fs.IntVar(&f.workers, "workers", 0, "parallel simulations (default: one per CPU)")
	fs.StringVar(&f.out, "out", "", "output file (default: standard output)")
	fs.StringVar(&f.format, "format", "", "csv|json (default: from the --out extension, else csv)")
	fs.BoolVar(&f.totals, "totals", false, "add a \"total\" record per model and configuration")
	f.net.register(fs)
}

// parseAxes reads the comma-separated axis flags of sweep and report
// (--xbar, --bus, --cores, --schemes) into sp; bad values, and values out
// of the range cim/arch accepts, are usage errors naming the flag.
func parseAxes(sp *sweep.Spec, xbars, buses, cores, schemes string) error {
	var err error
	if sp.Xbars, err = sweep.ParseXbars(xbars); err != nil {
		return usagef("--xbar: %v", err)
	}
	if sp.Buses, err = sweep.ParseInts("--bus", buses); err != nil {
		return usagef("%v", err)
	}
	if sp.Cores, err = sweep.ParseInts("--cores", cores); err != nil {
		return usagef("%v", err)
	}
	for _, b := range sp.Buses {
		if b > arch.MaxBus {
			return usagef("--bus %d: want widths in 1..%d bytes", b, arch.MaxBus)
		}
	}
	for _, c := range sp.Cores {
		if c > arch.MaxCores {
			return usagef("--cores %d: want budgets in 1..%d", c, arch.MaxCores)
		}
	}
	if sp.Schemes, err = sweep.ParseSchemes(schemes); err != nil {
		return usagef("--schemes: %v", err)
	}
	return nil
}

// spec turns the flags into a sweep; every problem is a usage error.
func (f *sweepFlags) spec() (sweep.Spec, error) {
	var sp sweep.Spec
	var err error
	if err = parseAxes(&sp, f.xbars, f.buses, f.cor, f.schemes); err != nil {
		return sp, err
	}
	if f.workers < 0 {
		return sp, usagef("--workers %d: want 0 (one per CPU) or more", f.workers)
	}
	if sp.Base, sp.Interconnects, err = f.chip.base(); err != nil {
		return sp, err
	}
	if sp.Sim, err = f.chip.options(); err != nil {
		return sp, err
	}
	names := strings.Split(f.models, ",")
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			return sp, usagef("--models %q: empty model name (want e.g. resnet18,mobilenet_v1)", f.models)
		}
		net, err := loadModel(strings.TrimSpace(n), f.input)
		if err != nil {
			return sp, err
		}
		sp.Models = append(sp.Models, net)
	}
	sp.Workers, sp.Totals = f.workers, f.totals
	return sp, nil
}

func runSweep(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sweep", stderr)
	var f sweepFlags
	f.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.format == "" {
		f.format = formatCSV
		if strings.HasSuffix(strings.ToLower(f.out), ".json") {
			f.format = formatJSON
		}
	}
	if f.format != formatCSV && f.format != formatJSON {
		return usagef("--format %q: accepted values are csv|json", f.format)
	}
	sp, err := f.spec()
	if err != nil {
		return err
	}
	if f.out != "" {
		if err := checkOutFile("--out", f.out); err != nil {
			return err
		}
	}
	if err := f.net.check(fs, f.totals); err != nil {
		return err
	}
	ctx, stop := interruptContext()
	defer stop()
	if f.net.on {
		return runNetworkSweep(ctx, sp, &f, sweepPreamble(args, sp), stdout, stderr)
	}
	bar := newProgress(stderr, "cimkit sweep", true)
	sp.Progress = bar.update
	start := time.Now()
	rs, err := sweep.Run(ctx, sp)
	bar.finish()
	if err != nil {
		return err
	}
	err = writeRecords("--out", f.out, f.format, sweepPreamble(args, sp), stdout,
		func(w io.Writer) error { return sim.WriteJSON(w, rs) }, func(w io.Writer) error { return sim.WriteCSV(w, rs) })
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "cimkit sweep: %d records from %d models in %.1f s\n", len(rs), len(sp.Models), time.Since(start).Seconds())
	return nil
}

// sweepPreamble is the preamble of the CSV files of a sweep made with
// args: the base chip, which each row's axes override.
func sweepPreamble(args []string, sp sweep.Spec) []string {
	return append([]string{commandLine("sweep", args),
		"chip: the arch below, with each row's crossbar, bus width, core budget and interconnect"},
		sim.Preamble(sp.Base, sp.Sim)...)
}

// writeRecords writes a sweep's records to file (given by flag), or to
// stdout when file is empty: with writeJSON in the JSON format, else with
// writeCSV after the preamble lines pre.
func writeRecords(flag, file, format string, pre []string, stdout io.Writer, writeJSON, writeCSV func(io.Writer) error) error {
	return writeTo(flag, file, stdout, func(w io.Writer) error {
		if format == formatJSON {
			return writeJSON(w)
		}
		if err := sim.WritePreamble(w, pre...); err != nil {
			return err
		}
		return writeCSV(w)
	})
}
