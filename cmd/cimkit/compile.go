package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

func init() {
	register(command{
		name:    "compile",
		summary: "compile one layer for a scheme: one assembly file per core",
		run:     runCompile,
	})
}

// maxListingBytes is the most "cimkit compile" writes without --force:
// 1 GiB. A layer on small crossbars can have hundreds of thousands of cores
// and listings of hundreds of gigabytes.
const maxListingBytes = 1 << 30

// schemeNames lists the schemes for flag help: "sequential|linear|cyclic".
func schemeNames() string {
	var s []string
	for _, sc := range compile.Schemes() {
		s = append(s, string(sc))
	}
	return strings.Join(s, "|")
}

// crossbarLayer returns net's conv or dense layer called name; anything else
// is a usage error listing the accepted names.
func crossbarLayer(net *nn.Network, name string) (*nn.Layer, error) {
	var names []string
	for _, l := range net.CrossbarLayers() {
		if l.Name == name {
			return l, nil
		}
		names = append(names, l.Name)
	}
	return nil, usagef("--layer %q is not a conv2d or dense layer of %s: accepted values are %s", name, net.Name, strings.Join(names, ", "))
}

// compileFlags are the flags of "cimkit compile".
type compileFlags struct {
	model        modelFlags
	chip         archFlags
	layer, out   string
	scheme       string
	netName      string // the model's name, for the summary
	force        bool
	stdout, errw io.Writer
}

func runCompile(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("compile", stderr)
	f := compileFlags{model: modelFlags{stderr: stderr}, stdout: stdout, errw: stderr}
	f.model.register(fs)
	f.chip.register(fs)
	fs.StringVar(&f.layer, "layer", "", "conv2d or dense layer to compile (see cimkit layers)")
	fs.StringVar(&f.scheme, "scheme", string(compile.Cyclic), "synchronisation scheme: "+schemeNames())
	fs.StringVar(&f.out, "out", "", "folder for the core<i>.asm files (created if missing; core<i>.asm files of an earlier, larger compile are removed)")
	fs.BoolVar(&f.force, "force", false, fmt.Sprintf("write the listings even when they would take more than %d MiB", maxListingBytes>>20))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := f.plan()
	if err != nil {
		return err
	}
	if err := checkOutDir("--out", f.out); err != nil {
		return err
	}
	if err := f.checkSize(p); err != nil {
		return err
	}
	return f.write(p)
}

// plan checks the flags and compiles the layer. A layer that does not fit
// the chip is a usage error: the flags (--xbar, --cores, --arch) ask for
// something that cannot be compiled.
func (f *compileFlags) plan() (*compile.Plan, error) {
	s, err := compile.ParseScheme(f.scheme)
	if err != nil {
		return nil, usagef("--scheme: %v", err)
	}
	if f.out == "" || f.layer == "" {
		return nil, usagef("--layer and --out are required")
	}
	a, err := f.chip.arch()
	if err != nil {
		return nil, err
	}
	net, err := f.model.load()
	if err != nil {
		return nil, err
	}
	l, err := crossbarLayer(net, f.layer)
	if err != nil {
		return nil, err
	}
	f.netName = net.Name
	m, err := mapping.Map(l, a)
	if err != nil {
		return nil, err
	}
	p, err := compile.Compile(m, a, s)
	var fe *compile.FitError
	if errors.As(err, &fe) {
		return nil, usagef("layer %s does not fit the chip: %s (see --xbar, --cores, --arch)", l.Name, fe.Reason)
	}
	return p, err
}

// checkSize refuses listings of more than maxListingBytes without --force.
func (f *compileFlags) checkSize(p *compile.Plan) error {
	est, instrs, err := estimateListings(p)
	if err != nil {
		return err
	}
	if est > maxListingBytes && !f.force {
		return usagef("%s: %d listings of about %s in all (%.3g instructions), more than the %d MiB limit: use larger crossbars, or --force to write them",
			p.Map.Layer.Name, p.Cores(), byteSize(est), instrs, maxListingBytes>>20)
	}
	return nil
}

// estimateListings estimates the size and instruction count of every
// core's listing from the exact instruction counts of the first column
// block's cores (the other blocks run the same programs on other columns)
// and the bytes per instruction of core 0's listing.
func estimateListings(p *compile.Plan) (bytes, instrs float64, err error) {
	var cw countWriter
	if err := p.Listing(0, &cw); err != nil {
		return 0, 0, err
	}
	block := p.Map.Block(0)
	var n int64
	for i := range block {
		n += p.Stats(i).Instrs
	}
	instrs = float64(n) / float64(len(block)) * float64(p.Cores())
	return float64(cw.bytes) * instrs / float64(max(cw.instrs, 1)), instrs, nil
}

// write removes stale listings and writes one listing per core into --out,
// through an os.Root of the folder, with progress on a terminal.
func (f *compileFlags) write(p *compile.Plan) error {
	root, err := os.OpenRoot(f.out)
	if err != nil {
		return err
	}
	defer root.Close()
	stale, err := removeStale(root, p.Cores())
	if err != nil {
		return err
	}
	if stale > 0 {
		fmt.Fprintf(f.errw, "cimkit compile: removed %d core<i>.asm files of an earlier compile from %s\n", stale, f.out)
	}
	bar := newProgress(f.errw, "cimkit compile", false)
	var total countWriter
	for c := 0; c < p.Cores(); c++ {
		if err := writeListing(root, p, c, &total); err != nil {
			bar.finish()
			return fmt.Errorf("--out %s: %w", f.out, err)
		}
		bar.update(c+1, p.Cores())
	}
	bar.finish()
	m := p.Map
	fmt.Fprintf(f.stdout, "%s %s: %d cores (PV %d, PH %d), %s scheme: wrote %s/core0.asm .. core%d.asm, %d instructions, %s\n",
		escape(f.netName), escape(m.Layer.Name), p.Cores(), m.PV, m.PH, p.Scheme, f.out, p.Cores()-1, total.instrs, byteSize(float64(total.bytes)))
	return nil
}

// writeListing writes core c's listing to core<c>.asm in root, counting
// into total.
func writeListing(root *os.Root, p *compile.Plan, c int, total *countWriter) error {
	f, err := root.Create("core" + strconv.Itoa(c) + ".asm")
	if err != nil {
		return err
	}
	err = p.Listing(c, io.MultiWriter(f, total))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

var listingName = regexp.MustCompile(`^core([0-9]+)\.asm$`)

// removeStale removes the core<i>.asm files with i >= cores (left by an
// earlier compile of a layer with more cores) from root and returns how
// many it removed. Other files are left alone.
func removeStale(root *os.Root, cores int) (int, error) {
	dir, err := root.Open(".")
	if err != nil {
		return 0, err
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, name := range names {
		m := listingName.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		i, err := strconv.Atoi(m[1])
		if err != nil || m[1] != strconv.Itoa(i) || i < cores {
			continue // not a name compile writes, or about to be overwritten
		}
		if err := root.Remove(name); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// countWriter counts the bytes and the instruction lines (lines that are
// not ';' comments) of listings written to it.
type countWriter struct {
	bytes, instrs int64
	midLine       bool // the last byte written was not a newline
}

func (w *countWriter) Write(b []byte) (int, error) {
	for _, c := range b {
		if !w.midLine && c != ';' && c != '\n' {
			w.instrs++
		}
		w.midLine = c != '\n'
	}
	w.bytes += int64(len(b))
	return len(b), nil
}

// byteSize writes n bytes in B, KiB, MiB, GiB or TiB.
func byteSize(n float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for n >= 1024 && i < len(units)-1 {
		n /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f B", n)
	}
	return fmt.Sprintf("%.1f %s", n, units[i])
}
