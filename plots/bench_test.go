package plots

import (
	"io"
	"testing"
)

// BenchmarkWriteSVG measures drawing the speedup figure of a paper-sized
// sweep (10 layers x 3 crossbars) as SVG at two-column width.
func BenchmarkWriteSVG(b *testing.B) {
	df := fakeFrame()
	for b.Loop() {
		f, err := Speedup(df, Select{Bus: 64})
		if err != nil {
			b.Fatal(err)
		}
		if err := f.WriteSVG(io.Discard, TwoColumn.Width); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTimeline measures a Gantt chart of 16 cores x 200 vectors
// (about 13k spans) encoded as SVG.
func BenchmarkTimeline(b *testing.B) {
	spans := fakeTrace(16, 200)
	for b.Loop() {
		f, err := Timeline(spans, TimelineOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := f.WriteSVG(io.Discard, TwoColumn.Width); err != nil {
			b.Fatal(err)
		}
	}
}
