package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
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

func runCompile(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("compile", stderr)
	mf := modelFlags{stderr: stderr}
	var af archFlags
	mf.register(fs)
	af.register(fs)
	layer := fs.String("layer", "", "conv2d or dense layer to compile (see cimkit layers)")
	scheme := fs.String("scheme", string(compile.Cyclic), "synchronisation scheme: "+schemeNames())
	out := fs.String("out", "", "directory for the core<i>.asm files (created if missing)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := compile.ParseScheme(*scheme)
	if err != nil {
		return usagef("--scheme: %v", err)
	}
	if *out == "" || *layer == "" {
		return usagef("--layer and --out are required")
	}
	a, err := af.arch()
	if err != nil {
		return err
	}
	net, err := mf.load()
	if err != nil {
		return err
	}
	l, err := crossbarLayer(net, *layer)
	if err != nil {
		return err
	}
	m, err := mapping.Map(l, a)
	if err != nil {
		return err
	}
	p, err := compile.Compile(m, a, s)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	total, err := writeListings(p, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s %s: %d cores (PV %d, PH %d), %s scheme: wrote %s/core0.asm .. core%d.asm, %d instructions\n",
		net.Name, l.Name, p.Cores(), m.PV, m.PH, s, *out, p.Cores()-1, total)
	return nil
}

// writeListings writes one listing per core into dir and returns the total
// number of instructions.
func writeListings(p *compile.Plan, dir string) (int64, error) {
	var total int64
	for c := 0; c < p.Cores(); c++ {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("core%d.asm", c)))
		if err != nil {
			return total, err
		}
		err = p.Listing(c, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return total, err
		}
		total += p.Stats(c).Instrs
	}
	return total, nil
}
