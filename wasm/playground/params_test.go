package playground

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/sim"
)

// TestParamsFollowArch: every arch field but the main form's four is a
// Param, with arch's doc, unit and range and arch.Default's value, so that
// a field added to cim/arch reaches the page with no change here.
func TestParamsFollowArch(t *testing.T) {
	ps := Params()
	byName := map[string]Param{}
	for _, p := range ps {
		byName[p.Name] = p
	}
	n := 0
	for _, f := range arch.Fields() {
		p, ok := byName[f.Name]
		if slices.Contains(mainFields, f.Name) {
			if ok {
				t.Errorf("%s is in the main form and a Param", f.Name)
			}
			continue
		}
		n++
		if !ok || p.Group != "chip" || p.Doc != f.Doc || p.Unit != f.Unit || p.Min != f.Min || p.Max != f.Max {
			t.Errorf("%s: Param %+v, arch field %+v", f.Name, p, f)
		}
	}
	if byName["mvm_cycles"].Default != "2000" || byName["shared_mem_bytes"].Default != "67108864" {
		t.Errorf("defaults: mvm_cycles %q, shared_mem_bytes %q", byName["mvm_cycles"].Default, byName["shared_mem_bytes"].Default)
	}
	if len(ps) != n+2 || byName["arbiter"].Default != "oldest" || byName["blocking_mvm"].Default != "no" {
		t.Errorf("simulator options: %+v", ps[n:])
	}
	// Page keys of the URL are the request's JSON names: no Param may
	// take one.
	for _, p := range ps {
		if strings.Contains(`"op" "model" "input" "xbar" "bus" "cores" "scheme" "layer" "core" "from" "to" "workers"`, `"`+p.Name+`"`) {
			t.Errorf("Param %s has the name of a page setting", p.Name)
		}
	}
}

// TestParamsChangeResults: a changed MVM latency and arbiter give what
// sim gives for that chip and those options.
func TestParamsChangeResults(t *testing.T) {
	req := lenet("run")
	req.Layer = "conv2"
	req.Params = map[string]string{"mvm_cycles": "800", "arbiter": "rr", "blocking_mvm": "yes"}
	got := Handle(req, nil)
	if got.Error != "" {
		t.Fatal(got.Error)
	}
	net, a := lenetChip(t)
	a.MVMCycles = 800
	want, err := sim.RunLayerWith(net, "conv2", a, compile.Linear, sim.Options{Arbiter: sim.RoundRobin, BlockingMVM: true})
	if err != nil {
		t.Fatal(err)
	}
	if *got.Data.(*sim.Result) != *want {
		t.Errorf("conv2 with mvm_cycles 800, rr, blocking:\n got %+v\nwant %+v", got.Data, want)
	}
	def := lenet("run")
	def.Layer = "conv2"
	if d := Handle(def, nil).Data.(*sim.Result); d.Cycles == want.Cycles {
		t.Error("the parameters changed nothing")
	}
}

func TestParamErrors(t *testing.T) {
	for _, c := range []struct {
		params map[string]string
		field  string
		msg    string
	}{
		{map[string]string{"mvm_cycles": "0"}, "param-mvm_cycles", "mvm_cycles must be a whole number in 1..16777216 (cycles)"},
		{map[string]string{"mvm_cycles": "fast"}, "param-mvm_cycles", "mvm_cycles must be"},
		{map[string]string{"bus_overhead_cycles": "-1"}, "param-bus_overhead_cycles", "0.."},
		{map[string]string{"arbiter": "lottery"}, "param-arbiter", "arbiter must be one of oldest, rr"},
		{map[string]string{"mvm_cyles": "800"}, "params", `unknown chip or simulator parameter "mvm_cyles"`},
		{map[string]string{"xbar_rows": "32"}, "params", `"xbar_rows"`}, // the main form's: not a Param
	} {
		req := lenet("layers")
		req.Params = c.params
		r := Handle(req, nil)
		if r.Field != c.field || !strings.Contains(r.Error, c.msg) {
			t.Errorf("%v: field %q error %q, want %q and %q", c.params, r.Field, r.Error, c.field, c.msg)
		}
	}
}

// TestRunConfig checks the configuration the page keeps with its results:
// canonical values, only changed Params, a label and a file name, and that
// a request made from it gives the same configuration back.
func TestRunConfig(t *testing.T) {
	req := Request{Op: "layers", Model: "lenet5", Input: 32, Xbar: "32X32", Params: map[string]string{
		"mvm_cycles": " 800", "digital_cycles": "4", "arbiter": "rr"}}
	rc := Handle(req, nil).Data.(*Layers).Config
	want := RunConfig{Model: "lenet5", Input: 32, Xbar: "32x32", Bus: 16, Cores: 1024, Scheme: "cyclic",
		Params: map[string]string{"mvm_cycles": "800", "arbiter": "rr"},
		Label:  "lenet5 at 32 px, 32x32 crossbars, 16 B bus, 1024 cores, cyclic; arbiter=rr, mvm_cycles=800",
		File:   "lenet5-32px-32x32-bus16-cores1024-cyclic-arbiterrr-mvm_cycles800",
		Sim:    "arbiter=rr blocking_mvm=no", Tech: TechDefault, TechName: "cimkit-default-32nm"}
	want.Arch = arch.Default()
	want.Arch.XbarRows, want.Arch.XbarCols, want.Arch.MVMCycles = 32, 32, 800
	gotJSON, _ := json.Marshal(rc)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("config\n got %s\nwant %s", gotJSON, wantJSON)
	}
	again := Request{Op: "layers", Model: rc.Model, Input: rc.Input, Xbar: rc.Xbar, Bus: rc.Bus, Cores: rc.Cores,
		Scheme: rc.Scheme, Params: rc.Params}
	if rc2 := Handle(again, nil).Data.(*Layers).Config; rc2.Label != rc.Label || rc2.File != rc.File {
		t.Errorf("round trip: %+v", rc2)
	}
	if m := regexp.MustCompile(`[^A-Za-z0-9._=-]`).FindString(rc.File); m != "" {
		t.Errorf("file name %q holds %q", rc.File, m)
	}
}

// TestTotalsSayWhatIsLeftOut: ResNet-18 on 32x32 crossbars with 256 cores
// leaves out the layers that need more (layer3 and layer4 3x3 convs:
// 3x3x256 = 2304 rows -> PV 72 x PH 8 = 576 cores and more); the totals
// say so and never claim to be the model's.
func TestTotalsSayWhatIsLeftOut(t *testing.T) {
	req := Request{Op: "model", Model: "resnet18", Input: 32, Xbar: "32x32", Bus: 16, Cores: 256, Scheme: "linear"}
	got := Handle(req, nil)
	if got.Error != "" {
		t.Fatal(got.Error)
	}
	tot := got.Data.(*ModelResult).Totals
	var names []string
	for _, l := range tot.LeftOut {
		names = append(names, l.Layer)
		if l.Cores <= 256 {
			t.Errorf("%s needs %d cores and is left out", l.Layer, l.Cores)
		}
	}
	if tot.Complete || tot.Fitting+len(tot.LeftOut) != tot.Layers || !slices.Contains(names, "layer4.1.conv2") ||
		slices.Contains(names, "conv1") {
		t.Errorf("totals %+v", tot)
	}
	req.Cores = 4096
	if tot := Handle(req, nil).Data.(*ModelResult).Totals; !tot.Complete || tot.LeftOut != nil || tot.Fitting != tot.Layers {
		t.Errorf("all fit: %+v", tot)
	}
}

// TestFiguresFitTheirRoom: figures are drawn at the page's width within
// the paper's one- and two-column widths (in points: 3/4 of a CSS pixel).
func TestFiguresFitTheirRoom(t *testing.T) {
	widthOf := regexp.MustCompile(`<svg[^>]* width="([\d.]+)pt"`)
	for _, c := range []struct {
		px   int
		want string
	}{{0, "504"}, {350, "262.5"}, {100, "252"}, {2000, "504"}} {
		req := lenet("model")
		req.Width = c.px
		figs := Handle(req, nil).Data.(*ModelResult).Figures
		m := widthOf.FindStringSubmatch(figs[0].SVG)
		if m == nil || m[1] != c.want {
			t.Errorf("width %d px: svg %v, want %s pt", c.px, m, c.want)
		}
		if !strings.Contains(figs[0].SVG, "<title>Speedup per layer next to its limit PV: lenet5 at 32 px") || figs[0].Caption == "" {
			t.Errorf("figure without title or caption: %q %.200s", figs[0].Caption, figs[0].SVG)
		}
	}
}

// TestRunReportsProgressInsideALayer: ResNet-18's conv1 at 128x128 on
// 32x32 crossbars has 10 cores x 4096 vectors = 40,960 MVMs per run, and
// "run" simulates it twice (cyclic, then the sequential baseline): the
// simulator reports every 16,384 MVMs, at 16,384 and 32,768 of each run,
// so progress counts 16,384, 32,768, 57,344 and 73,728 of 81,920, the
// Work that "layers" announced.
func TestRunReportsProgressInsideALayer(t *testing.T) {
	req := Request{Op: "layers", Model: "resnet18", Input: 128, Xbar: "32x32", Scheme: "cyclic"}
	ls := Handle(req, nil).Data.(*Layers).Layers
	if ls[0].Name != "conv1" || ls[0].Work != 81920 {
		t.Fatalf("layer 0: %+v", ls[0])
	}
	req.Op, req.Layer = "run", "conv1"
	var done []int
	r := Handle(req, func(d, total int, item any) {
		if total != 81920 || item != nil {
			t.Errorf("progress %d of %d, want of 81920", d, total)
		}
		done = append(done, d)
	})
	if r.Error != "" {
		t.Fatal(r.Error)
	}
	if !slices.Equal(done, []int{16384, 32768, 57344, 73728}) {
		t.Errorf("progress reports %v", done)
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"resnet18-224px-64x64": "resnet18-224px-64x64",
		"onnx:my net (v2)":     "onnx_my_net_v2_",
		"a/../b":               "a_.._b",
		"ünï":                  "_n_",
		"x=1.5":                "x=1.5",
	} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEveryChipParamReachesTheChip sets each chip Param to each of its
// choices, or to its largest value, and finds it in the run's chip: a
// field another package adds to cim/arch works on the page with no change
// here.
func TestEveryChipParamReachesTheChip(t *testing.T) {
	for _, p := range Params() {
		if p.Group != "chip" {
			continue
		}
		values := p.Choices
		if values == nil {
			values = []string{strconv.FormatInt(p.Max, 10)}
		}
		for _, v := range values {
			req := lenet("layers")
			req.Params = map[string]string{p.Name: v}
			r := Handle(req, nil)
			if r.Error != "" {
				// A value at its limit may break another rule of the
				// chip (Validate); it must say so, naming the field.
				t.Logf("%s = %s: %s", p.Name, v, r.Error)
				if !strings.Contains(r.Error, p.Name) && r.Field != paramField(p.Name) {
					t.Errorf("%s = %s: %s", p.Name, v, r.Error)
				}
				continue
			}
			got := archValues(r.Data.(*Layers).Config.Arch)[p.Name]
			if got != v {
				t.Errorf("%s = %s: the chip has %s", p.Name, v, got)
			}
		}
	}
}
