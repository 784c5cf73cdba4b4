package plots

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/sim"
)

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
	var buf bytes.Buffer
	if err := sim.WriteTrace(&buf, in); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTrace(&buf, "trace.csv")
	if err != nil {
		t.Fatal(err)
	}
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
