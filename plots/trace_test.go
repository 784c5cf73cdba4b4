package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/zoo"
)

// roundTrip writes spans as "cimkit sim --trace" does and reads them back.
func roundTrip(t *testing.T, spans []sim.Span) []Span {
	t.Helper()
	var buf bytes.Buffer
	if err := sim.WriteTrace(&buf, spans); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTrace(&buf, "trace.csv")
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestReadTraceRoundTrip(t *testing.T) {
	in := []sim.Span{
		{Core: 0, Class: sim.ClassLoad, Start: 0, End: 10},
		{Core: 1, Class: sim.ClassBusWait, Start: 0, End: 10},
		{Core: 0, Class: sim.ClassMVM, Start: 10, End: 810},
		{Core: 1, Class: sim.ClassWait, Start: 20, End: 30},
		{Core: 1, Class: sim.ClassMOV, Start: 30, End: 34},
		{Core: 1, Class: sim.ClassCall, Start: 34, End: 37},
		{Core: 0, Class: sim.ClassStore, Start: 810, End: 816},
	}
	got := roundTrip(t, in)
	want := FromSim(in)
	if len(got) != len(want) {
		t.Fatalf("%d spans, want %d", len(got), len(want))
	}
	kinds := []SpanKind{Transfer, WaitBus, MVM, WaitOwner, Digital, Transfer, Transfer}
	for i := range want {
		if want[i].Kind != kinds[i] {
			t.Errorf("FromSim: span %d (%v) is %v, want %v", i, in[i].Class, want[i].Kind, kinds[i])
		}
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("span %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReadTraceErrors(t *testing.T) {
	const head = "core,start,end,class\n"
	for _, c := range []struct{ in, want string }{
		{"", "t.csv: empty trace"},
		{"a,b\n", "t.csv: not a trace CSV"},
		{"core,begin,end,class\n", `header "core,begin,end,class"`},
		{head, "t.csv: trace figure: no spans"},
		{head + "x,0,1,mvm\n", `line 2: core "x" is not a core number`},
		{head + "0,0,-1,mvm\n", `line 2: end "-1" is not a cycle count`},
		{head + "0,5,1,mvm\n", "line 2: end 1 before start 5"},
		{head + "0,0,1,nap\n", `line 2: unknown class "nap"`},
		{head + "0,0,1\n", "wrong number of fields"},
	} {
		_, err := ReadTrace(strings.NewReader(c.in), "t.csv")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ReadTrace(%q): %v, want %q", c.in, err, c.want)
		}
	}
}

// Every class the simulator writes in a trace is read back, as FromSim
// converts it. ReadTrace knew the classes up to bus_wait only, so a trace
// of a whole network reprogrammed between segments (PROG: prog spans)
// could not be read at all, and FromSim drew its row writes as digital
// ops.
func TestReadTraceEveryClass(t *testing.T) {
	var in []sim.Span
	for i, c := range sim.Classes() {
		in = append(in, sim.Span{Core: int32(i), Class: c, Start: int64(i), End: int64(2*i + 1)})
	}
	for i, s := range roundTrip(t, in) {
		if want := KindOf(in[i].Class); s.Kind != want || s.Core != i {
			t.Errorf("class %v read as %v on core %d, want %v", in[i].Class, s.Kind, s.Core, want)
		}
	}
	if k := KindOf(sim.ClassProg); k != Reprogram || !k.Crossbar() || k.String() != "crossbar write" {
		t.Errorf("prog is %v (crossbar lane %v)", k, k.Crossbar())
	}
	if _, err := ReadTrace(strings.NewReader("core,start,end,class\n0,0,1,nap\n"), "t.csv"); err == nil ||
		!strings.Contains(err.Error(), "bus_wait or prog") {
		t.Errorf("unknown class: %v, want the list of classes", err)
	}
}

// A real trace: LeNet-5 on eight 32x32 crossbars does not fit, so it runs
// in segments and the chip is reprogrammed between them. Its trace, written
// as "cimkit sim --trace" writes traces, reads back with every PROG span a
// crossbar write, and the timeline draws them in the crossbar lane in
// their colour and names them in the key.
func TestReadTraceReprogrammed(t *testing.T) {
	net, err := zoo.Get("lenet5", 32)
	if err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.Cores = 32, 32, 8
	r, err := netsim.Simulate(net, netsim.Config{Arch: a, Scheme: compile.Linear, Mode: netprog.LayerByLayer, Images: 1,
		Segments: true, Sim: sim.Options{Trace: true}})
	if err != nil {
		t.Fatal(err)
	}
	spans := roundTrip(t, r.Timing.Trace)
	progs, first := 0, -1
	for i, s := range r.Timing.Trace {
		if s.Class == sim.ClassProg {
			progs++
			if first < 0 {
				first = i
			}
			if spans[i].Kind != Reprogram {
				t.Errorf("span %d (prog) read as %v", i, spans[i].Kind)
			}
		}
	}
	if r.Result.Segments < 2 || progs == 0 {
		t.Fatalf("%d segments, %d prog spans: want a reprogrammed run", r.Result.Segments, progs)
	}
	p := spans[first]
	fig, err := Timeline(spans, TimelineOptions{From: p.Start, To: p.End, Cores: 8})
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := fig.WriteSVG(&svg, OneColumn.Width); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg.String(), "crossbar write") || !strings.Contains(svg.String(), hexOf(Reprogram.Color())) {
		t.Errorf("timeline of a reprogramming window has no crossbar write in the key or in %s", hexOf(Reprogram.Color()))
	}
}

func hexOf(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02X%02X%02X", r>>8, g>>8, b>>8)
}
