package playground

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/zoo"
)

// "network" gives cimkit net's records (netsim.Runs on the same chip), the
// layers of every run and the timeline; its JSON round-trips.
func TestNetwork(t *testing.T) {
	req := Request{Op: "network", Model: "lenet5", Input: 32, Xbar: "32x32", Bus: 16, Cores: 1024, Scheme: "linear",
		Mode: "pipelined", Duplicate: true, Images: 2}
	resp := Handle(req, nil)
	if resp.Error != "" {
		t.Fatal(resp.Error)
	}
	got := resp.Data.(*NetworkResult)
	net, err := zoo.Get("lenet5", 32)
	if err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 32, 32
	runs, err := netsim.Runs(net, netsim.Config{Arch: a, Scheme: compile.Linear, Mode: netprog.Pipelined, Images: 2, Duplicate: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Runs) != 2 || !reflect.DeepEqual(got.Runs[0], runs[0].Result) || !reflect.DeepEqual(got.Runs[1], runs[1].Result) {
		t.Errorf("runs\n got %+v\nwant %+v %+v", got.Runs, runs[0].Result, runs[1].Result)
	}
	if len(got.Layers) != len(runs[0].Layers)+len(runs[1].Layers) || !reflect.DeepEqual(got.Copies, runs[1].Copies) {
		t.Errorf("%d layers, copies %v (want %v)", len(got.Layers), got.Copies, runs[1].Copies)
	}
	if svg := got.Timeline.SVG; !strings.Contains(svg, "<svg") || !strings.Contains(svg, "pipelined, duplicated") ||
		!strings.Contains(svg, "<title>Network timeline: lenet5 at 32 px, 32x32 crossbars") {
		t.Errorf("timeline %.200s", svg)
	}
	if got.Config.Label == "" || got.Runs[0].Images != 2 {
		t.Errorf("config %+v, images %d", got.Config, got.Runs[0].Images)
	}
	out := HandleJSON(mustJSON(t, req), nil)
	var back struct{ Data NetworkResult }
	if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back.Data.Runs, got.Runs) {
		t.Errorf("JSON: %v", err)
	}
}

// Bad network input names its field; a network too large for the chip
// asks for segments and runs with them.
func TestNetworkBadInput(t *testing.T) {
	base := Request{Op: "network", Model: "lenet5", Input: 32, Xbar: "32x32", Scheme: "linear"}
	for _, c := range []struct {
		edit  func(*Request)
		field string
	}{
		{func(r *Request) { r.Mode = "zigzag" }, "net-mode"},
		{func(r *Request) { r.Images = MaxNetworkImages + 1 }, "net-images"},
		{func(r *Request) { r.Images = -1 }, "net-images"},
		{func(r *Request) { r.Cores = 3 }, "net-segments"},
		{func(r *Request) { r.Xbar = "0x4" }, "xbar"},
	} {
		req := base
		c.edit(&req)
		if resp := Handle(req, nil); resp.Field != c.field || resp.Error == "" {
			t.Errorf("%+v: field %q (%s), want %q", req, resp.Field, resp.Error, c.field)
		}
	}
	req := base
	req.Cores, req.Segments, req.Mode = 3, true, "layer"
	if resp := Handle(req, nil); resp.Error != "" || resp.Data.(*NetworkResult).Runs[0].Segments < 2 {
		t.Errorf("segments: %s", resp.Error)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// "network" reports its progress in MVMs, ending at the total.
func TestNetworkProgress(t *testing.T) {
	var last, total, calls int
	resp := Handle(Request{Op: "network", Model: "resnet18", Xbar: "128x128", Scheme: "linear", Mode: "pipelined"},
		func(done, tot int, _ any) { last, total, calls = done, tot, calls+1 })
	if resp.Error != "" || calls < 2 || last != total || total < 1 {
		t.Errorf("%s: %d calls, last %d of %d", resp.Error, calls, last, total)
	}
}
