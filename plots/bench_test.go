package plots

import (
	"io"
	"testing"
)

// BenchmarkEncode measures drawing and encoding the speedup figure of a
// paper-sized sweep (10 layers x 3 crossbars) at two-column width.
func BenchmarkEncode(b *testing.B) {
	df := fakeFrame()
	for _, format := range Formats() {
		b.Run(string(format), func(b *testing.B) {
			for b.Loop() {
				f, err := Speedup(df, Select{Bus: 64})
				if err != nil {
					b.Fatal(err)
				}
				if err := f.Encode(io.Discard, format, TwoColumn.Width); err != nil {
					b.Fatal(err)
				}
			}
		})
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
		if err := f.Encode(io.Discard, SVG, TwoColumn.Width); err != nil {
			b.Fatal(err)
		}
	}
}
