package playground

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/plots"
)

func TestNiceStep(t *testing.T) {
	for _, c := range []struct {
		span  int64
		ticks int
		step  int64
	}{
		{1, 10, 1}, {9, 10, 1}, {10, 10, 1}, {11, 10, 2}, {35, 10, 5}, {100, 10, 10}, {2500, 10, 500},
		{11181700, 10, 2000000}, {20000, 4, 5000}, {40_000_000, 3, 20_000_000},
	} {
		if got := niceStep(c.span, c.ticks); got != c.step {
			t.Errorf("niceStep(%d, %d) = %d, want %d", c.span, c.ticks, got, c.step)
		}
	}
}

func TestCycleLabels(t *testing.T) {
	for v, want := range map[int64]string{0: "0", 950: "950", 5000: "5k", 20000: "20k", 12500: "12.5k",
		1_500_000: "1.5M", 40_000_000: "40M", 1_250_000: "1250k", 1500: "1.5k"} {
		if got := cycles(v); got != want {
			t.Errorf("cycles(%d) = %q, want %q", v, got, want)
		}
	}
}

// lanes returns each core's control and crossbar lanes as kind indices
// per column (-1 idle).
func lanes(tl *timeline) [][2][]int {
	out := make([][2][]int, tl.rows)
	for c := range out {
		for lane := range 2 {
			out[c][lane] = make([]int, tl.cols)
			for x := range tl.cols {
				out[c][lane][x] = tl.dominant(c, x, lane == 1)
			}
		}
	}
	return out
}

// TestTimelineColumns works one core over cycles 0-10 in 5 columns of 2
// cycles: MVM 0-3 (crossbar lane, columns 0 and 1), a load 3-4 and a wait
// 4-8 (control lane: column 1 is the load, 2 and 3 the wait), nothing
// after 8. Core 1 stores 9-10; core 2 is not drawn (2 rows).
func TestTimelineColumns(t *testing.T) {
	tl := newTimeline(0, 10, 2, 5)
	for _, s := range []sim.Span{
		{Core: 0, Class: sim.ClassMVM, Start: 0, End: 3},
		{Core: 0, Class: sim.ClassLoad, Start: 3, End: 4},
		{Core: 0, Class: sim.ClassWait, Start: 4, End: 8},
		{Core: 1, Class: sim.ClassStore, Start: 9, End: 10},
		{Core: 2, Class: sim.ClassMVM, Start: 0, End: 10},
	} {
		tl.add(s)
	}
	const (
		mvm  = int(plots.MVM)
		bus  = int(plots.Transfer)
		wait = int(plots.WaitOwner)
	)
	want := [][2][]int{
		{{-1, bus, wait, wait, -1}, {mvm, mvm, -1, -1, -1}},
		{{-1, -1, -1, -1, bus}, {-1, -1, -1, -1, -1}},
	}
	if got := lanes(tl); !reflect.DeepEqual(got, want) {
		t.Errorf("lanes = %v, want %v", got, want)
	}
}

// A crossbar being written (PROG, when a whole network is reprogrammed)
// is the crossbar's work: it goes in the crossbar lane, in plots' colour
// for crossbar writes, and the key names it only when the timeline has
// some. Before, every kind but the MVM went to the control lane.
func TestTimelineReprogram(t *testing.T) {
	tl := newTimeline(0, 10, 1, 5)
	tl.add(sim.Span{Core: 0, Class: sim.ClassProg, Start: 0, End: 6})
	tl.add(sim.Span{Core: 0, Class: sim.ClassWait, Start: 0, End: 10})
	prog, wait := int(plots.Reprogram), int(plots.WaitOwner)
	want := [][2][]int{{{wait, wait, wait, wait, wait}, {prog, prog, prog, -1, -1}}}
	if got := lanes(tl); !reflect.DeepEqual(got, want) {
		t.Errorf("lanes = %v, want %v", got, want)
	}
	svg := tl.svg(960, "")
	if !strings.Contains(svg, ">crossbar write</text>") || !strings.Contains(svg, `fill="#d55e00"`) {
		t.Errorf("a timeline with a crossbar write lacks it in the key or its colour")
	}
	plain := newTimeline(0, 10, 1, 5)
	plain.add(sim.Span{Core: 0, Class: sim.ClassMVM, Start: 0, End: 6})
	if strings.Contains(plain.svg(960, ""), "crossbar write") {
		t.Errorf("a layer's timeline names crossbar writes in its key")
	}
}

// TestTimelineWindow draws cycles 4-8 of the same core in 2 columns: the
// MVM (0-3) falls outside, the wait (4-8) fills both columns, a bus wait
// 7-12 is cut at 8 and loses column 1 (1 cycle) to the wait (2 cycles).
func TestTimelineWindow(t *testing.T) {
	tl := newTimeline(4, 8, 1, 100) // 4 cycles: 4 columns at most
	if tl.cols != 4 {
		t.Fatalf("%d columns for 4 cycles", tl.cols)
	}
	tl = newTimeline(4, 8, 1, 2)
	tl.add(sim.Span{Core: 0, Class: sim.ClassMVM, Start: 0, End: 3})
	tl.add(sim.Span{Core: 0, Class: sim.ClassWait, Start: 4, End: 7})
	tl.add(sim.Span{Core: 0, Class: sim.ClassBusWait, Start: 7, End: 12})
	want := [][2][]int{{{int(plots.WaitOwner), int(plots.WaitOwner)}, {-1, -1}}}
	if got := lanes(tl); !reflect.DeepEqual(got, want) {
		t.Errorf("lanes = %v, want %v", got, want)
	}
}

// TestTimelineSVG checks the drawing: plots' colours and names in the key,
// text at the page's font size, the key wrapped on a phone, a title.
func TestTimelineSVG(t *testing.T) {
	tl := newTimeline(0, 10, 3, 500)
	tl.add(sim.Span{Core: 0, Class: sim.ClassMVM, Start: 0, End: 10})
	tl.add(sim.Span{Core: 2, Class: sim.ClassCall, Start: 5, End: 10})
	svg := tl.svg(960, "conv1 & co")
	for _, want := range []string{"core 0", "core 2", `fill="#0072b2"`, `fill="#e69f00"`, "waiting for ownership",
		"time (cycles)", ">10</text>", "<title>conv1 &amp; co</title>", `font-size="11"`, `width="960"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("timeline lacks %q", want)
		}
	}
	keyLines := func(svg string) int {
		ys := map[string]bool{}
		for _, m := range regexp.MustCompile(`<rect x="\d+" y="(\d+)" width="11" height="11"`).FindAllStringSubmatch(svg, -1) {
			ys[m[1]] = true
		}
		return len(ys)
	}
	if n := keyLines(svg); n != 1 {
		t.Errorf("desktop key on %d lines", n)
	}
	phone := tl.svg(tlMinWidth, "")
	if n := keyLines(phone); n < 2 {
		t.Errorf("phone key on %d line: it overflows 300 px", n)
	}
	for _, m := range regexp.MustCompile(`<rect x="([\d.]+)" y="\d+" width="([\d.]+)"`).FindAllStringSubmatch(phone, -1) {
		if x, w := atof(m[1]), atof(m[2]); x+w > tlMinWidth {
			t.Errorf("a rectangle ends at %v, past the %d px drawing", x+w, tlMinWidth)
		}
	}
}

// TestTimelineRowsThinForManyCores: 64 cores share 320 px (5 px each, drawn
// at the 6 px minimum), labelled every third core.
func TestTimelineRowsThinForManyCores(t *testing.T) {
	svg := newTimeline(0, 100, 64, 500).svg(960, "")
	if !strings.Contains(svg, ">core 3<") || strings.Contains(svg, ">core 1<") {
		t.Errorf("64-core timeline:\n%.600s", svg)
	}
}

func atof(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}
