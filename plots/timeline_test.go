package plots

import (
	"math"
	"strings"
	"testing"
)

func TestUtilization(t *testing.T) {
	spans := []Span{
		{0, 0, 10, MVM},       // not bus
		{0, 10, 15, Transfer}, // bin 1: 5 of 10
		{1, 14, 25, Transfer}, // overlaps: union 10..25
		{1, 30, 40, WaitBus},  // not bus
		{2, 35, 38, Transfer}, // bin 3: 3 of 10
	}
	xs, busy, err := Utilization(spans, 0, 40, 4)
	if err != nil {
		t.Fatal(err)
	}
	wantX := []float64{5, 15, 25, 35}
	wantB := []float64{0, 1, 0.5, 0.3}
	for i := range wantX {
		if xs[i] != wantX[i] || math.Abs(busy[i]-wantB[i]) > 1e-12 {
			t.Errorf("bin %d: (%v, %v), want (%v, %v)", i, xs[i], busy[i], wantX[i], wantB[i])
		}
	}
	if _, _, err := Utilization(spans, 0, 40, 0); err == nil {
		t.Error("0 bins: no error")
	}
	if _, _, err := Utilization(spans, 5, 5, 3); err == nil {
		t.Error("empty window: no error")
	}
}

func TestTimelineErrors(t *testing.T) {
	cases := []struct {
		spans []Span
		opt   TimelineOptions
		want  string
	}{
		{nil, TimelineOptions{}, "no spans"},
		{[]Span{{0, 5, 2, MVM}}, TimelineOptions{}, "bad interval"},
		{[]Span{{0, 0, math.NaN(), MVM}}, TimelineOptions{}, "bad interval"},
		{[]Span{{-1, 0, 1, MVM}}, TimelineOptions{}, "negative core"},
		{[]Span{{0, 0, 1, SpanKind(9)}}, TimelineOptions{}, "unknown kind 9"},
		{[]Span{{100, 0, 1, MVM}}, TimelineOptions{}, "101 cores"},
		{[]Span{{0, 0, 1, MVM}}, TimelineOptions{From: 5, To: 3}, "empty window"},
	}
	for _, c := range cases {
		if _, err := Timeline(c.spans, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Timeline(%v): %v, want %q", c.spans, err, c.want)
		}
	}
	if _, err := BusUtilization(nil, 10, ""); err == nil {
		t.Error("bus utilisation without spans: no error")
	}
}

func TestTimelineWindow(t *testing.T) {
	f, err := Timeline(fakeTrace(6, 2), TimelineOptions{Cores: 3, From: 10, To: 50})
	if err != nil {
		t.Fatal(err)
	}
	p := f.Panels[0]
	if p.X.Min != 10 || p.X.Max != 50 || p.Y.Max != 2.5 {
		t.Errorf("window x [%v,%v], y max %v; want [10,50], 2.5", p.X.Min, p.X.Max, p.Y.Max)
	}
	if SpanKind(2).String() != "waiting for ownership" || SpanKind(7).String() != "SpanKind(7)" {
		t.Error("SpanKind names")
	}
}
