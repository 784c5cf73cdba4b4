package infer

import (
	"slices"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/nn"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestOrders: a [1,2,1,3] image (CHW) is stored HWC, so its row-major
// elements 0..5 (channel 0: 0 1 2, channel 1: 3 4 5) lie as 0 3 1 4 2 5; a
// [1,3,2] sequence (HWC order) is stored as it is.
func TestOrders(t *testing.T) {
	img := newFmap([]float64{0, 1, 2, 3, 4, 5}, nn.Shape{C: 2, H: 1, W: 3}, nn.OrderCHW)
	if !slices.Equal(img.hwc, []float64{0, 3, 1, 4, 2, 5}) || !slices.Equal(img.rowMajor(), []float64{0, 1, 2, 3, 4, 5}) {
		t.Errorf("image: hwc %v, row-major %v", img.hwc, img.rowMajor())
	}
	seq := newFmap([]float64{0, 1, 2, 3, 4, 5}, nn.Shape{C: 2, H: 3, W: 1}, nn.OrderHWC)
	if !slices.Equal(seq.hwc, []float64{0, 1, 2, 3, 4, 5}) {
		t.Errorf("sequence: hwc %v", seq.hwc)
	}
}
