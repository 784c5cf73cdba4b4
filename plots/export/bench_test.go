package export

import (
	"io"
	"testing"

	"github.com/cimkit/cimkit/plots"
)

// BenchmarkEncode measures encoding a small speedup figure in each format
// at two-column width.
func BenchmarkEncode(b *testing.B) {
	f := testFigures(b)[0]
	for _, format := range plots.Formats() {
		b.Run(string(format), func(b *testing.B) {
			for b.Loop() {
				if err := Encode(io.Discard, f, format, plots.TwoColumn.Width); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
