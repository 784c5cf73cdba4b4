package playground

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/sim"
)

func TestNiceStep(t *testing.T) {
	for _, c := range []struct{ cycles, step int64 }{
		{1, 1}, {9, 1}, {10, 1}, {11, 2}, {35, 5}, {100, 10}, {1000, 100}, {2500, 500}, {11181700, 2000000},
	} {
		if got := niceStep(c.cycles); got != c.step {
			t.Errorf("niceStep(%d) = %d, want %d", c.cycles, got, c.step)
		}
	}
}

// TestDominant works one core over 10 cycles in 5 columns of 2 cycles:
// MVM 0-3, load 3-4, wait 4-8, nothing 8-10.
func TestDominant(t *testing.T) {
	spans := []sim.Span{
		{Core: 0, Class: sim.ClassMVM, Start: 0, End: 3},
		{Core: 0, Class: sim.ClassLoad, Start: 3, End: 4},
		{Core: 0, Class: sim.ClassWait, Start: 4, End: 8},
		{Core: 1, Class: sim.ClassStore, Start: 9, End: 10},
		{Core: 2, Class: sim.ClassMVM, Start: 0, End: 10}, // not drawn: n = 2
	}
	got := dominant(spans, 2, 10, 5)
	// Column 1 (cycles 2-3) has 1 cycle of MVM and 1 of load: the tie goes
	// to MVM, listed first.
	want := [][]int{{0, 0, 5, 5, -1}, {-1, -1, -1, -1, 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("dominant = %v, want %v", got, want)
	}
}

func TestTimelineSVG(t *testing.T) {
	tm := &sim.Timing{Cycles: 10, Cores: make([]sim.CoreStats, 3), Trace: []sim.Span{
		{Core: 0, Class: sim.ClassMVM, Start: 0, End: 10},
		{Core: 2, Class: sim.ClassCall, Start: 5, End: 10},
	}}
	svg := timelineSVG(tm, 2)
	for _, want := range []string{"core 0", "core 1", `fill="#0072b2"`, "time (cycles)", ">10</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("timeline lacks %q", want)
		}
	}
	// 10 cycles over 10 columns of 90 px; core 0 one MVM rectangle; core 2
	// is past the 2 rows drawn.
	if strings.Contains(svg, "core 2") || !strings.Contains(svg, `<rect x="62.0" y="27" width="900.0" height="12" fill="#0072b2"/>`) {
		t.Errorf("unexpected timeline:\n%s", svg)
	}
	if timelineSVG(&sim.Timing{}, 4) != "" {
		t.Error("an empty run has a timeline")
	}
}

func TestTimelineRowsThinForManyCores(t *testing.T) {
	tm := &sim.Timing{Cycles: 100, Cores: make([]sim.CoreStats, 64)}
	svg := timelineSVG(tm, 64)
	// 64 rows of 5 px (320/64), labelled every third core (11 px apart).
	if !strings.Contains(svg, `height="380"`) || !strings.Contains(svg, ">core 3<") || strings.Contains(svg, ">core 1<") {
		t.Errorf("64-core timeline:\n%.400s", svg)
	}
}
