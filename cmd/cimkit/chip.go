package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
)

// The chip flags. Every command that builds a chip (map, compile, verify,
// sim, sweep, report) takes --arch FILE, a JSON file with any of the
// fields of cim/arch; --xbar, --bus and --cores override it when given on
// the command line, and set the chip (with their defaults) without --arch.

// archFlag registers --arch on fs.
func archFlag(fs *flag.FlagSet, file *string) {
	fs.StringVar(file, "arch", "", "JSON `file` with chip parameters (fields of cim/arch: timings, widths); --xbar, --bus, --cores override it")
}

// loadArch returns the chip of the --arch file, or the default chip when
// file is empty. A file that cannot be read or is not a valid chip is a
// usage error naming it.
func loadArch(file string) (arch.Arch, error) {
	if file == "" {
		return arch.Default(), nil
	}
	f, err := openInput("--arch", file)
	if err != nil {
		return arch.Arch{}, err
	}
	defer f.Close()
	a, err := arch.Load(f)
	if err != nil {
		return a, usagef("--arch %s: %v", file, err)
	}
	return a, nil
}

// interconnectFlag registers --interconnect on fs: the interconnect of
// the chip (overriding --arch's), or with list a comma-separated list of
// interconnects to sweep one after the other.
func interconnectFlag(fs *flag.FlagSet, v *string, list bool) {
	names := strings.Join(arch.Interconnects(), "|")
	help := "interconnect: " + names + " (default: --arch's, else " + arch.Default().Interconnect + ")"
	if list {
		help = "interconnects, comma-separated: " + names + " (default: --arch's, else " + arch.Default().Interconnect + ")"
	}
	fs.StringVar(v, "interconnect", "", help)
}

// parseInterconnects reads the value of --interconnect; an empty value is
// none.
func parseInterconnects(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if !slices.Contains(arch.Interconnects(), f) {
			return nil, usagef("--interconnect %q: want %s", s, strings.Join(arch.Interconnects(), " or "))
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// chipOverrides are the values of --xbar, --bus and --cores, nil for a flag
// the command does not have.
type chipOverrides struct {
	xbar       *string
	bus, cores *int
}

// apply sets the overrides on a (base chip of --arch file): each flag when
// it was given on the command line, or when there is no file. Values out
// of range are usage errors naming the flag; so is a chip that then fails
// arch.Validate.
func (o chipOverrides) apply(fs *flag.FlagSet, file string, a *arch.Arch) error {
	use := func(name string) bool { return file == "" || flagGiven(fs, name) }
	if o.xbar != nil && use("xbar") {
		r, c, err := arch.ParseXbar(*o.xbar)
		if err != nil {
			return usagef("--xbar: %v", err)
		}
		a.XbarRows, a.XbarCols = r, c
	}
	if o.bus != nil && use("bus") {
		if *o.bus < 1 || *o.bus > arch.MaxBus {
			return usagef("--bus %d: want a width in 1..%d bytes", *o.bus, arch.MaxBus)
		}
		a.BusBytes = *o.bus
	}
	if o.cores != nil && use("cores") {
		if *o.cores < 1 || *o.cores > arch.MaxCores {
			return usagef("--cores %d: want a number in 1..%d", *o.cores, arch.MaxCores)
		}
		a.Cores = *o.cores
	}
	if err := a.Validate(); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// archFlags holds the chip flags of the mapping commands (map, compile,
// verify): --arch, --xbar and --cores.
type archFlags struct {
	fs    *flag.FlagSet
	file  string
	xbar  string
	cores int
}

// register adds --arch, --xbar and --cores to fs.
func (f *archFlags) register(fs *flag.FlagSet) {
	d := arch.Default()
	f.fs = fs
	archFlag(fs, &f.file)
	fs.StringVar(&f.xbar, "xbar", fmt.Sprintf("%dx%d", d.XbarRows, d.XbarCols), "crossbar size ROWSxCOLS, e.g. 32x32")
	fs.IntVar(&f.cores, "cores", d.Cores, "core budget of the chip")
}

// arch returns the chip of the flags; bad values are usage errors.
func (f *archFlags) arch() (arch.Arch, error) {
	a, err := loadArch(f.file)
	if err != nil {
		return a, err
	}
	return a, chipOverrides{xbar: &f.xbar, cores: &f.cores}.apply(f.fs, f.file, &a)
}

// chipFlags are the chip flags of sim, sweep and net: --arch, --tech,
// --interconnect, and the simulator's model options --arbiter and
// --blocking-mvm.
type chipFlags struct {
	fs           *flag.FlagSet
	file         string
	tech         string
	interconnect string
	arbiter      string
	blocking     bool
}

// register adds --arch, --tech, --interconnect (a list when list is set),
// --arbiter and --blocking-mvm to fs.
func (c *chipFlags) register(fs *flag.FlagSet, list bool) {
	c.fs = fs
	archFlag(fs, &c.file)
	techFlag(fs, &c.tech)
	interconnectFlag(fs, &c.interconnect, list)
	fs.StringVar(&c.arbiter, "arbiter", sim.Options{}.Arbiter.String(), "bus arbitration: rr|oldest")
	fs.BoolVar(&c.blocking, "blocking-mvm", false, "cores wait for their own MVM (default: the crossbar overlaps the WAIT and partial-sum load)")
}

// options returns the simulator options of the flags (with the technology
// of --tech).
func (c *chipFlags) options() (sim.Options, error) {
	arb, err := sim.ParseArbiter(c.arbiter)
	if err != nil {
		return sim.Options{}, usagef("--arbiter: %v", err)
	}
	tech, err := loadTech(c.tech)
	if err != nil {
		return sim.Options{}, err
	}
	return sim.Options{Arbiter: arb, BlockingMVM: c.blocking, Tech: tech}, nil
}

// base returns the chip of --arch, or the default one, with the first
// interconnect of --interconnect, and all of them.
func (c *chipFlags) base() (arch.Arch, []string, error) {
	a, err := loadArch(c.file)
	if err != nil {
		return a, nil, err
	}
	ics, err := parseInterconnects(c.interconnect)
	if err != nil {
		return a, nil, err
	}
	if len(ics) > 0 {
		a.Interconnect = ics[0]
	}
	return a, ics, nil
}

// chip is the base chip with --xbar, --bus and --cores applied (when given,
// or always without --arch), for a command that simulates one chip.
func (c *chipFlags) chip(xbar string, bus, cores int) (arch.Arch, error) {
	a, ics, err := c.base()
	if err != nil {
		return a, err
	}
	if len(ics) > 1 {
		return a, usagef("--interconnect %q: this command simulates one chip; give one interconnect", c.interconnect)
	}
	return a, chipOverrides{xbar: &xbar, bus: &bus, cores: &cores}.apply(c.fs, c.file, &a)
}

// oneChipFlags are the flags of the commands that simulate a model on one
// chip (sim, net): the model, the chip flags, --xbar, --bus, --cores and
// --scheme.
type oneChipFlags struct {
	model        modelFlags
	chip         chipFlags
	xbar, scheme string
	bus, cores   int
}

// register adds the flags to fs; schemeHelp says what the scheme
// synchronises.
func (f *oneChipFlags) register(fs *flag.FlagSet, stderr io.Writer, schemeHelp string) {
	f.model.stderr = stderr
	f.model.register(fs)
	f.chip.register(fs, false)
	fs.StringVar(&f.xbar, "xbar", "64x64", "crossbar size ROWSxCOLS")
	fs.IntVar(&f.bus, "bus", 16, "bus width in bytes per beat")
	fs.IntVar(&f.cores, "cores", 1024, "core budget of the chip")
	fs.StringVar(&f.scheme, "scheme", string(compile.Linear), schemeHelp+": "+schemeNames())
}

// parseScheme returns the scheme of --scheme.
func (f *oneChipFlags) parseScheme() (compile.Scheme, error) {
	s, err := compile.ParseScheme(f.scheme)
	if err != nil {
		return s, usagef("--scheme: %v", err)
	}
	return s, nil
}

// load returns the chip, the simulator's options and the model of the
// flags; bad values are usage errors naming the flag.
func (f *oneChipFlags) load() (arch.Arch, sim.Options, *nn.Network, error) {
	a, err := f.chip.chip(f.xbar, f.bus, f.cores)
	if err != nil {
		return a, sim.Options{}, nil, err
	}
	opt, err := f.chip.options()
	if err != nil {
		return a, opt, nil, err
	}
	net, err := f.model.load()
	return a, opt, net, err
}
