package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"strconv"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/functional"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

func init() {
	register(command{
		name:    "verify",
		summary: "run compiled layers on int8 data under random schedules: result, ownership, deadlock",
		run:     runVerify,
	})
}

// verifyRow is one line of "cimkit verify" in JSON.
type verifyRow struct {
	Layer     string `json:"layer"`
	Scheme    string `json:"scheme"`
	PV        int    `json:"pv"`
	Cores     int    `json:"cores"`
	Schedules int    `json:"schedules"`
	Instrs    int64  `json:"instructions"`
	OK        bool   `json:"ok"`
	Result    string `json:"result"`
}

var verifyHeader = []string{"layer", "scheme", "pv", "cores", "schedules", "instructions", "ok", "result"}

// verifyOpts are the parsed flags of verify.
type verifyOpts struct {
	arch    arch.Arch
	schemes []compile.Scheme
	seeds   int
	float   bool
}

func runVerify(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", stderr)
	mf := modelFlags{stderr: stderr}
	var af archFlags
	mf.register(fs)
	af.register(fs)
	layer := fs.String("layer", "", "check only this conv2d or dense layer (default: all)")
	scheme := fs.String("scheme", "all", "synchronisation scheme: "+schemeNames()+"|all")
	seeds := fs.Int("seeds", 3, "random schedules per layer and scheme (1..10000)")
	float := fs.Bool("float", false, "float64 data instead of int8/int32")
	format := formatFlag(fs)
	if err := parseListingFlags(fs, args, format); err != nil {
		return err
	}
	o, err := verifyFlags(fs, &af, *scheme, *seeds)
	if err != nil {
		return err
	}
	o.float = *float
	mf.weights = *float // float runs use an ONNX file's weights
	net, err := mf.load()
	if err != nil {
		return err
	}
	layers := net.CrossbarLayers()
	if *layer != "" {
		l, err := crossbarLayer(net, *layer)
		if err != nil {
			return err
		}
		layers = []*nn.Layer{l}
	}
	rows, text, failed, err := verifyLayers(layers, o)
	if err != nil {
		return err
	}
	if err := emit(stdout, *format, verifyHeader, text, rows); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d checks failed", failed, len(rows))
	}
	return nil
}

// verifyFlags checks the chip, scheme and seed flags. Without --cores the
// core budget is unlimited: a program's correctness does not depend on it.
func verifyFlags(fs *flag.FlagSet, af *archFlags, scheme string, seeds int) (verifyOpts, error) {
	var o verifyOpts
	if !flagGiven(fs, "cores") {
		af.cores = arch.MaxCores
	}
	a, err := af.arch()
	if err != nil {
		return o, err
	}
	o.arch = a
	if scheme == "all" {
		o.schemes = compile.Schemes()
	} else {
		s, err := compile.ParseScheme(scheme)
		if err != nil {
			return o, usagef("--scheme: %v (or all)", err)
		}
		o.schemes = []compile.Scheme{s}
	}
	if seeds < 1 || seeds > 10000 {
		return o, usagef("--seeds %d: want a number in 1..10000", seeds)
	}
	o.seeds = seeds
	return o, nil
}

// verifyLayers checks every layer in every scheme and counts the failures.
func verifyLayers(layers []*nn.Layer, o verifyOpts) ([]verifyRow, [][]string, int, error) {
	var rows []verifyRow
	var text [][]string
	failed := 0
	for _, l := range layers {
		m, err := mapping.Map(l, o.arch)
		if err != nil {
			return nil, nil, 0, err
		}
		for _, s := range o.schemes {
			r := verifyOne(m, s, o)
			runtime.GC() // return a large layer's data before the next one is built
			if !r.OK {
				failed++
			}
			rows = append(rows, r)
			text = append(text, []string{r.Layer, r.Scheme, strconv.Itoa(r.PV), strconv.Itoa(r.Cores),
				strconv.Itoa(r.Schedules), strconv.FormatInt(r.Instrs, 10), strconv.FormatBool(r.OK), r.Result})
		}
	}
	return rows, text, failed, nil
}

// verifyOne compiles and runs one layer in one scheme.
func verifyOne(m *mapping.Layer, s compile.Scheme, o verifyOpts) verifyRow {
	r := verifyRow{Layer: m.Layer.Name, Scheme: string(s), PV: m.PV, Cores: m.Cores}
	p, err := compile.Compile(m, o.arch, s)
	if err != nil {
		r.Result = err.Error()
		return r
	}
	rep, err := functional.Run(p, functional.Options{Seed: 1, Seeds: o.seeds, Float: o.float})
	if err != nil {
		r.Result = err.Error()
		return r
	}
	r.Schedules, r.Instrs, r.OK = rep.Seeds, rep.Steps, rep.OK()
	r.Result = "ok"
	if !r.OK {
		r.Result = rep.String()
	}
	return r
}
