package infer

import (
	"github.com/cimkit/cimkit/cim/nn"
)

// fmap is one layer's output as the chip holds it: the HWC order of its
// (C, H, W) shape, which holds an ONNX tensor in one of two orders
// (nn.TensorOrder).
type fmap struct {
	shape nn.Shape
	order nn.Order
	hwc   []float64 // HWC order; integers in int8 mode
	scale float64   // int8 mode: the real value of one unit (0 in float mode)
}

// maxAbs is the largest |real value| of the map.
func (f *fmap) maxAbs() float64 { return maxAbs(f.hwc) * max(f.scale, b2f(f.scale == 0)) }

// trivialOrder reports whether both orders visit s's elements alike.
func trivialOrder(s nn.Shape) bool { return s.C == 1 || s.H*s.W == 1 }

// rowMajor returns the map's elements in the row-major order of the tensor
// it holds (the HWC slice itself for OrderHWC: do not modify it).
func (f *fmap) rowMajor() []float64 {
	if f.order == nn.OrderHWC || trivialOrder(f.shape) {
		return f.hwc
	}
	return hwcToCHW(f.hwc, f.shape)
}

// newFmap lays the row-major elements of a tensor into a map of shape s
// and order o (v is kept when no data moves).
func newFmap(v []float64, s nn.Shape, o nn.Order) *fmap {
	f := &fmap{shape: s, order: o, hwc: v}
	if o == nn.OrderCHW && !trivialOrder(s) {
		f.hwc = chwToHWC(v, s)
	}
	return f
}

func hwcToCHW(v []float64, s nn.Shape) []float64 {
	out := make([]float64, len(v))
	hw := s.H * s.W
	for i := 0; i < hw; i++ {
		for c := 0; c < s.C; c++ {
			out[c*hw+i] = v[i*s.C+c]
		}
	}
	return out
}

func chwToHWC(v []float64, s nn.Shape) []float64 {
	out := make([]float64, len(v))
	hw := s.H * s.W
	for c := 0; c < s.C; c++ {
		for i := 0; i < hw; i++ {
			out[i*s.C+c] = v[c*hw+i]
		}
	}
	return out
}

// tensor is an ONNX tensor: dims and row-major values.
type tensor struct {
	dims []int64
	v    []float64
}
