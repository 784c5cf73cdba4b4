package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

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
	bar := newProgress(stderr, "cimkit verify", false)
	rows, text, err := verifyLayers(layers, o, bar)
	bar.finish()
	if err != nil {
		return err
	}
	err = verdict(rows)
	var ue usageError
	if errors.As(err, &ue) {
		return err // nothing ran: no table
	}
	if err := emit(stdout, *format, verifyHeader, text, rows); err != nil {
		return err
	}
	return err
}

// verdict sums up the checks: nil when every one ran and passed. When none
// ran (no layer fits the chip the flags describe) it is a usage error;
// failures and checks that could not run are errors that count them.
func verdict(rows []verifyRow) error {
	failed, notRun := 0, 0
	for _, r := range rows {
		switch {
		case r.Schedules == 0:
			notRun++
		case !r.OK:
			failed++
		}
	}
	ran := len(rows) - notRun
	switch {
	case ran == 0:
		return usagef("nothing verified: no layer fits the chip (%s; see --xbar, --cores, --arch)", strings.TrimPrefix(rows[0].Result, "not run: "))
	case failed > 0 && notRun > 0:
		return fmt.Errorf("%d of %d checks failed; %d more not run (their layers do not fit the chip)", failed, ran, notRun)
	case failed > 0:
		return fmt.Errorf("%d of %d checks failed", failed, ran)
	case notRun > 0:
		return fmt.Errorf("%d checks passed, %d not run (their layers do not fit the chip)", ran, notRun)
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

// verifyLayers checks every layer in every scheme, showing progress on bar.
func verifyLayers(layers []*nn.Layer, o verifyOpts, bar *progress) ([]verifyRow, [][]string, error) {
	var rows []verifyRow
	var text [][]string
	total := len(layers) * len(o.schemes)
	for _, l := range layers {
		m, err := mapping.Map(l, o.arch)
		if err != nil {
			return nil, nil, err
		}
		for _, s := range o.schemes {
			r := verifyOne(m, s, o)
			runtime.GC() // return a large layer's data before the next one is built
			rows = append(rows, r)
			text = append(text, []string{r.Layer, r.Scheme, strconv.Itoa(r.PV), strconv.Itoa(r.Cores),
				strconv.Itoa(r.Schedules), strconv.FormatInt(r.Instrs, 10), strconv.FormatBool(r.OK), r.Result})
			bar.update(len(rows), total)
		}
	}
	return rows, text, nil
}

// verifyOne compiles and runs one layer in one scheme. A layer that does
// not fit the chip is not run (0 schedules) and says why.
func verifyOne(m *mapping.Layer, s compile.Scheme, o verifyOpts) verifyRow {
	r := verifyRow{Layer: m.Layer.Name, Scheme: string(s), PV: m.PV, Cores: m.Cores}
	p, err := compile.Compile(m, o.arch, s)
	var fe *compile.FitError
	if errors.As(err, &fe) {
		r.Result = "not run: " + fe.Reason
		return r
	}
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
