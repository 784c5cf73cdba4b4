package playground

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/zoo"
)

// lenet is a small, quick configuration used by most tests.
func lenet(op string) Request {
	return Request{Op: op, Model: "lenet5", Input: 32, Xbar: "32x32", Bus: 16, Cores: 64, Scheme: "linear"}
}

// lenetChip is the network and chip that lenet's requests describe.
func lenetChip(t *testing.T) (*nn.Network, arch.Arch) {
	t.Helper()
	net, err := zoo.Get("lenet5", 32)
	if err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.BusBytes, a.Cores = 32, 32, 16, 64
	return net, a
}

func TestFieldErrors(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Request)
		field string
		msg   string
	}{
		{"crossbar 0", func(r *Request) { r.Xbar = "0" }, "xbar", `crossbar "0"`},
		{"crossbar text", func(r *Request) { r.Xbar = "big" }, "xbar", `crossbar "big"`},
		{"crossbar too large", func(r *Request) { r.Xbar = "8192x8192" }, "xbar", "1..4096"},
		{"bus negative", func(r *Request) { r.Bus = -1 }, "bus", "bus width"},
		{"bus too wide", func(r *Request) { r.Bus = 5000 }, "bus", "1..4096"},
		{"cores negative", func(r *Request) { r.Cores = -1 }, "cores", "core budget"},
		{"cores too many", func(r *Request) { r.Cores = MaxCores + 1 }, "cores", "core budget"},
		{"scheme", func(r *Request) { r.Scheme = "zigzag" }, "scheme", "zigzag"},
		{"model", func(r *Request) { r.Model = "gpt" }, "model", `model "gpt" is not in the zoo`},
		{"input small", func(r *Request) { r.Input = 8 }, "input", "16..1024"},
		{"input large", func(r *Request) { r.Input = 4096 }, "input", "16..1024"},
		{"input too small for the model", func(r *Request) { r.Model, r.Input = "alexnet", 16 }, "input", "too small"},
		{"layer", func(r *Request) { r.Op, r.Layer = "layer", "nope" }, "layer", `no conv or dense layer "nope"`},
		{"pool is not a crossbar layer", func(r *Request) { r.Op, r.Layer = "layer", "pool1" }, "layer", `"pool1"`},
		{"core", func(r *Request) { r.Op, r.Layer, r.Core = "listing", "conv1", 1 }, "core", "0..0"},
		{"core negative", func(r *Request) { r.Op, r.Layer, r.Core = "listing", "conv1", -1 }, "core", "0..0"},
	}
	for _, c := range cases {
		req := lenet("model")
		c.edit(&req)
		resp := Handle(req, nil)
		if resp.Field != c.field || !strings.Contains(resp.Error, c.msg) || resp.Data != nil {
			t.Errorf("%s: got field %q error %q, want field %q and a message with %q", c.name, resp.Field, resp.Error, c.field, c.msg)
		}
	}
}

// TestListingOfLayerThatDoesNotFit: the message is about the layer (the
// page shows it by the listing), not about the core budget field of a run
// that succeeded.
func TestListingOfLayerThatDoesNotFit(t *testing.T) {
	req := lenet("listing")
	req.Model, req.Input, req.Layer, req.Cores = "resnet18", 224, "layer4.1.conv2", 4
	resp := Handle(req, nil)
	if resp.Field != "layer" || !strings.Contains(resp.Error, "needs 2304 cores and the budget is 4: it does not fit") {
		t.Errorf("got %+v", resp)
	}
}

func TestRequestErrorsWithoutField(t *testing.T) {
	if r := Handle(Request{Op: "fly"}, nil); r.Field != "" || !strings.Contains(r.Error, `unknown operation "fly"`) {
		t.Errorf("unknown op: %+v", r)
	}
	for _, in := range []string{`{`, `{"op":"info","colour":"red"}`, `[]`, ``} {
		var r Response
		if err := json.Unmarshal(HandleJSON([]byte(in), nil), &r); err != nil || !strings.HasPrefix(r.Error, "malformed request") {
			t.Errorf("%q: %+v (%v)", in, r, err)
		}
	}
}

func TestInfo(t *testing.T) {
	d := Handle(Request{Op: "info"}, nil).Data.(Info)
	if !reflect.DeepEqual(d.Models, zoo.Names()) || !reflect.DeepEqual(d.Schemes, []string{"sequential", "linear", "cyclic"}) || !d.ONNX ||
		!reflect.DeepEqual(d.Params, Params()) {
		t.Errorf("info: %+v", d)
	}
}

func TestLayersLeNet(t *testing.T) {
	resp := Handle(lenet("layers"), nil)
	ls := resp.Data.(*Layers).Layers
	if len(ls) != 5 {
		t.Fatalf("lenet5 has %d crossbar layers, want 5: %+v", len(ls), ls)
	}
	// conv1: 6 filters 5x5 on 1x32x32: 28*28*25*6 MACs, 25*6+6 params;
	// 25 rows and 6 columns on one 32x32 crossbar, 784 output vectors: the
	// linear run and its sequential baseline simulate 784 MVMs each.
	want := LayerInfo{Name: "conv1", Kind: "conv2d", In: "1x32x32", Out: "6x28x28", Kernel: "5x5", Stride: 1, Groups: 1,
		MACs: 28 * 28 * 25 * 6, Params: 25*6 + 6, Same: 0, Cores: 1, Fits: true, Work: 2 * 784}
	if ls[0] != want {
		t.Errorf("conv1: got %+v, want %+v", ls[0], want)
	}
}

// TestModelMatchesSim checks that "model" gives exactly sim.RunModel's
// records, reports every layer through progress in order, and fills the
// summary from the total.
func TestModelMatchesSim(t *testing.T) {
	req := lenet("model")
	var seen []sim.Result
	resp := Handle(req, func(done, total int, item any) {
		if done != len(seen)+1 || total != 5 {
			t.Errorf("progress %d of %d after %d items", done, total, len(seen))
		}
		seen = append(seen, *item.(*sim.Result))
	})
	if resp.Error != "" {
		t.Fatal(resp.Error)
	}
	got := resp.Data.(*ModelResult)
	net, a := lenetChip(t)
	want, err := sim.RunModel(net, a, compile.Linear)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Rows, want[:len(want)-1]) || !reflect.DeepEqual(got.Total, want[len(want)-1]) {
		t.Errorf("rows differ from sim.RunModel:\n got %+v\nwant %+v", got.Rows, want)
	}
	if !reflect.DeepEqual(seen, got.Rows) {
		t.Error("progress items differ from the rows")
	}
	tot := got.Totals
	if tot.Layers != 5 || tot.Fitting != 5 || tot.Cycles != got.Total.Cycles || tot.Speedup != got.Total.Speedup ||
		tot.Seconds != float64(tot.Cycles)/1e9 || tot.ClockMHz != 1000 {
		t.Errorf("totals %+v from total %+v", tot, got.Total)
	}
	if names := figureNames(got.Figures); !reflect.DeepEqual(names, []string{"speedup", "overhead", "memory"}) {
		t.Errorf("figures %v", names)
	}
	for _, f := range got.Figures {
		if !strings.Contains(f.SVG, "<svg") || f.Title == "" {
			t.Errorf("figure %s is not SVG: %.60q", f.Name, f.SVG)
		}
	}
}

func TestModelSequentialHasNoFigure(t *testing.T) {
	req := lenet("model")
	req.Scheme = "sequential"
	got := Handle(req, nil).Data.(*ModelResult)
	if names := figureNames(got.Figures); !reflect.DeepEqual(names, []string{"overhead", "memory"}) || got.Totals.Speedup != 1 {
		t.Errorf("sequential: figures %v, speedup %v", names, got.Totals.Speedup)
	}
}

// TestLayerTimeline checks "layer": the run's cycles are sim.RunLayer's,
// the cores' time adds up to cycles x cores, the whole layer is drawn when
// To is 0 and a window when it is given, and a bad window is named.
func TestLayerTimeline(t *testing.T) {
	req := lenet("layer")
	req.Layer = "conv2"
	net, a := lenetChip(t)
	want, err := sim.RunLayer(net, "conv2", a, compile.Linear)
	if err != nil {
		t.Fatal(err)
	}
	resp := Handle(req, nil)
	if resp.Error != "" {
		t.Fatal(resp.Error)
	}
	got := resp.Data.(*LayerResult)
	tm := got.Time
	if got.Cycles != want.Cycles || got.Cores != want.Cores || !got.Fits || got.From != 0 || got.To != want.Cycles ||
		tm.Busy+tm.Bus+tm.WaitBus+tm.WaitOwner+tm.Idle != got.Cycles*int64(got.Cores) {
		t.Errorf("layer %+v, want %d cycles on %d cores", got, want.Cycles, want.Cores)
	}
	if !strings.Contains(got.TimelineSVG, "<title>Per-core timeline of conv2, cycles 0 to") ||
		!strings.Contains(got.TimelineSVG, "lenet5 at 32 px, 32x32 crossbars") || !strings.Contains(got.Note, "on 5 cores") {
		t.Errorf("note %q, timeline %.300s", got.Note, got.TimelineSVG)
	}
	req.From, req.To = 1000, 5000
	w := Handle(req, nil).Data.(*LayerResult)
	if w.From != 1000 || w.To != 5000 || w.Cycles != want.Cycles || w.TimelineSVG == got.TimelineSVG ||
		!strings.Contains(w.TimelineSVG, ">5k</text>") {
		t.Errorf("window 1000-5000: %d-%d", w.From, w.To)
	}
	for _, bad := range [][2]int64{{-1, 10}, {10, 10}, {20, 10}} {
		req.From, req.To = bad[0], bad[1]
		if r := Handle(req, nil); r.Field != "window" {
			t.Errorf("window %v: %+v", bad, r)
		}
	}
}

func TestLayerThatDoesNotFit(t *testing.T) {
	req := lenet("layer")
	req.Model, req.Input, req.Layer, req.Cores = "resnet18", 224, "layer4.1.conv2", 4
	got := Handle(req, nil).Data.(*LayerResult)
	// 3x3x512 rows x 512 cols on 32x32 crossbars: PV 144, PH 16.
	if got.Fits || got.Cores != 2304 || got.TimelineSVG != "" || !strings.Contains(got.Note, "needs 2304 cores (PV 144 x PH 16)") {
		t.Errorf("got %+v", got)
	}
}

func TestListingCut(t *testing.T) {
	req := lenet("listing")
	req.Layer, req.MaxLines = "conv1", 12
	got := Handle(req, nil).Data.(*Listing)
	lines := strings.Split(strings.TrimSuffix(got.Text, "\n"), "\n")
	if !got.Cut || len(lines) != 13 || lines[12] != "; ... cut after 12 lines" || !strings.HasPrefix(lines[0], `; layer "conv1"`) {
		t.Errorf("cut listing: cut=%v, %d lines:\n%s", got.Cut, len(lines), got.Text)
	}
	req.MaxLines = MaxListingLines
	req.Layer = "fc3" // dense 84 -> 10: one vector, a short program
	if full := Handle(req, nil).Data.(*Listing); full.Cut || !strings.Contains(full.Text, "MVM") {
		t.Errorf("full listing: cut=%v\n%s", full.Cut, full.Text)
	}
}

func TestHandleJSONProgress(t *testing.T) {
	var items []string
	out := HandleJSON([]byte(`{"op":"model","model":"lenet5","input":32,"xbar":"32x32","cores":64}`),
		func(done, total int, item []byte) { items = append(items, string(item)) })
	var resp struct {
		Data struct {
			Rows []sim.Result `json:"rows"`
		} `json:"data"`
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	if len(items) != 5 || len(resp.Data.Rows) != 5 || !strings.Contains(items[0], `"layer":"conv1"`) {
		t.Errorf("%d progress items, %d rows", len(items), len(resp.Data.Rows))
	}
}

// TestRunAndSummaryEqualModel checks the multi-worker path: "run" per layer
// and then "summary" give what "model" gives.
func TestRunAndSummaryEqualModel(t *testing.T) {
	model := Handle(lenet("model"), nil).Data.(*ModelResult)
	var rows []sim.Result
	for _, l := range Handle(lenet("layers"), nil).Data.(*Layers).Layers {
		req := lenet("run")
		req.Layer = l.Name
		resp := Handle(req, nil)
		if resp.Error != "" {
			t.Fatal(resp.Error)
		}
		rows = append(rows, *resp.Data.(*sim.Result))
	}
	req := lenet("summary")
	req.Rows = rows
	got := Handle(req, nil)
	if got.Error != "" {
		t.Fatal(got.Error)
	}
	if !reflect.DeepEqual(got.Data.(*ModelResult), model) {
		t.Error("run + summary differ from model")
	}
	// Rows of another configuration, or too few, are refused.
	req.Bus = 8
	if r := Handle(req, nil); !strings.Contains(r.Error, "row 0 (lenet5 conv1) is not layer conv1 of this configuration") {
		t.Errorf("other bus: %q", r.Error)
	}
	req.Bus, req.Rows = 16, rows[:2]
	if r := Handle(req, nil); !strings.Contains(r.Error, "2 rows for the 5 conv and dense layers") {
		t.Errorf("too few rows: %q", r.Error)
	}
}

func figureNames(fs []*Figure) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// TestSweepAndEfficiencyFigure sweeps two bus widths and draws the
// efficiency figure from the rows.
func TestSweepAndEfficiencyFigure(t *testing.T) {
	req := lenet("sweep")
	req.Xbar, req.Buses = "16x16", []int{4, 64}
	calls := 0
	resp := Handle(req, func(done, total int, item any) { calls++ })
	if resp.Error != "" {
		t.Fatal(resp.Error)
	}
	rows := resp.Data.([]sim.Result)
	if len(rows) != 10 || rows[0].BusBytes != 4 || rows[5].BusBytes != 64 || calls == 0 {
		t.Fatalf("%d rows, %d progress calls", len(rows), calls)
	}
	// The rows at 64 B equal a model run at 64 B.
	m := lenet("model")
	m.Xbar, m.Bus = "16x16", 64
	if model := Handle(m, nil).Data.(*ModelResult); !reflect.DeepEqual(model.Rows, rows[5:]) {
		t.Errorf("sweep rows at 64 B differ from the model run:\n%+v\n%+v", rows[5:], model.Rows)
	}
	f := lenet("figure")
	f.Xbar, f.Figure, f.Rows = "16x16", "efficiency", rows
	fig := Handle(f, nil)
	if fig.Error != "" || !strings.Contains(fig.Data.(*Figure).SVG, "<svg") {
		t.Errorf("efficiency figure: %+v", fig.Error)
	}
	f.Figure = "pie"
	if r := Handle(f, nil); r.Field != "figure" || !strings.Contains(r.Error, `figure "pie"`) {
		t.Errorf("unknown figure: %+v", r)
	}
	for _, buses := range [][]int{nil, {0}, {4, 5000}} {
		req.Buses = buses
		if r := Handle(req, nil); r.Field != "buses" {
			t.Errorf("buses %v: %+v", buses, r)
		}
	}
}

// TestSameShapeSameResult: layers that "layers" marks as the same shape get
// the same Result but for the name (ResNet-18's repeated blocks).
func TestSameShapeSameResult(t *testing.T) {
	req := Request{Op: "layers", Model: "resnet18", Input: 64, Xbar: "64x64", Bus: 16, Cores: 1024, Scheme: "cyclic"}
	ls := Handle(req, nil).Data.(*Layers).Layers
	model := req
	model.Op = "model"
	rows := Handle(model, nil).Data.(*ModelResult).Rows
	shared := 0
	for i, l := range ls {
		if l.Same > i || ls[l.Same].Same != l.Same {
			t.Fatalf("%s: same %d", l.Name, l.Same)
		}
		if l.Same == i {
			continue
		}
		shared++
		r := rows[l.Same]
		r.Layer = l.Name
		if r != rows[i] {
			t.Errorf("%s shares the shape of %s but not its result", l.Name, ls[l.Same].Name)
		}
	}
	// The fused ReLU is part of the shape: conv1 of a block has it, conv2
	// (whose ReLU follows the residual add) has not. layer1: 1.1.conv1 and
	// 1.1.conv2 repeat 1.0's; layer2-4: X.1.conv2 repeats X.0.conv2.
	if shared != 5 {
		t.Errorf("%d layers share a shape, want 5", shared)
	}
}

// TestMapMobileNet checks "map" on hand-worked layers of MobileNet v1 at
// 224 on 32x32 crossbars.
func TestMapMobileNet(t *testing.T) {
	req := Request{Op: "map", Model: "mobilenet_v1", Input: 224, Xbar: "32x32", Cores: 1024}
	ms := Handle(req, nil).Data.([]Mapping)
	byName := map[string]Mapping{}
	for _, m := range ms {
		byName[m.Layer] = m
	}
	// conv1: 3x3x3 = 27 rows, 32 filters: one crossbar, 27/32 rows used.
	// conv_dw_1: depthwise 3x3 on 32 channels: 9x1 blocks, 3 per crossbar
	// (32/9 = 3 rows-wise, 32/1 columns-wise), 11 cores.
	// conv_pw_13: 1024 rows x 1024 cols: PV 32, PH 32, 1024 cores.
	want := map[string]Mapping{
		"conv1":      {Layer: "conv1", Rows: 27, Cols: 32, PV: 1, PH: 1, Cores: 1, Fits: true, GroupsPerTile: 1, Vectors: 112 * 112, Utilization: 27.0 / 32},
		"conv_dw_1":  {Layer: "conv_dw_1", Rows: 288, Cols: 32, PV: 1, PH: 11, Cores: 11, Fits: true, GroupsPerTile: 3, Vectors: 112 * 112, Utilization: 288.0 / (11 * 1024)},
		"conv_pw_13": {Layer: "conv_pw_13", Rows: 1024, Cols: 1024, PV: 32, PH: 32, Cores: 1024, Fits: true, GroupsPerTile: 1, Vectors: 49, Utilization: 1},
	}
	for name, w := range want {
		if got := byName[name]; got != w {
			t.Errorf("%s: got %+v, want %+v", name, got, w)
		}
	}
}
