package infer

import (
	"fmt"
	"math"
	"slices"

	"github.com/cimkit/cimkit/cim/functional"
	"github.com/cimkit/cimkit/cim/nn"
)

// The layers of package nn that run on the digital units, computed on the
// chip's HWC feature maps (real values).

// sameOrder checks that every input is held in order o (or in a shape
// where both orders agree): element-wise layers and images need it.
func sameOrder(l *nn.Layer, ins []*fmap, o nn.Order) error {
	for i, f := range ins {
		if f.order != o && !trivialOrder(f.shape) {
			return fmt.Errorf("layer %q (%s): input %d is held in %s order, the layer works in %s", l.Name, l.Kind, i, f.order, o)
		}
	}
	return nil
}

// add sums its inputs and applies the layer's activation.
func add(l *nn.Layer, ins [][]float64) []float64 {
	out := slices.Clone(ins[0])
	for _, in := range ins[1:] {
		for i, v := range in {
			out[i] += v
		}
	}
	for i, v := range out {
		out[i] = functional.Activate(l.Act, v)
	}
	return out
}

// concatHWC joins images along channels: each output pixel is the
// inputs' channel vectors of that pixel, one after the other.
func concatHWC(ins []*fmap, vals [][]float64, out nn.Shape) []float64 {
	res := make([]float64, 0, out.Elems())
	for p := 0; p < out.H*out.W; p++ {
		for i, f := range ins {
			c := f.shape.C
			res = append(res, vals[i][p*c:(p+1)*c]...)
		}
	}
	return res
}

// pool computes MaxPool and AvgPool over an HWC image. Padding is ignored
// by the max (implicit -inf); the average divides by the taps inside the
// input, or, with count_include_pad, by the taps inside the padded input.
func pool(l *nn.Layer, in []float64, s nn.Shape) []float64 {
	o := l.Out
	sh, sw := l.Stride()
	dh, dw := l.Dilation()
	withPad := l.Operator.Int("count_include_pad", 0) != 0
	out := make([]float64, o.Elems())
	acc := make([]float64, s.C)
	for oy := 0; oy < o.H; oy++ {
		for ox := 0; ox < o.W; ox++ {
			first, count, padded := true, 0, 0
			for ky := 0; ky < l.KernelH; ky++ {
				iy := oy*sh - l.PadTop + ky*dh
				for kx := 0; kx < l.KernelW; kx++ {
					ix := ox*sw - l.PadLeft + kx*dw
					if iy >= -l.PadTop && iy < s.H+l.PadBottom && ix >= -l.PadLeft && ix < s.W+l.PadRight {
						padded++
					}
					if iy < 0 || iy >= s.H || ix < 0 || ix >= s.W {
						continue
					}
					px := in[(iy*s.W+ix)*s.C:][:s.C]
					for c, v := range px {
						switch {
						case first:
							acc[c] = v
						case l.Kind == nn.MaxPool:
							acc[c] = math.Max(acc[c], v)
						default:
							acc[c] += v
						}
					}
					first = false
					count++
				}
			}
			dst := out[(oy*o.W+ox)*s.C:][:s.C]
			div := float64(count)
			if withPad {
				div = float64(padded)
			}
			for c := range dst {
				switch {
				case count == 0:
					dst[c] = 0
				case l.Kind == nn.MaxPool:
					dst[c] = acc[c]
				default:
					dst[c] = acc[c] / div
				}
			}
		}
	}
	return out
}

// globalAvg averages an HWC image over H and W.
func globalAvg(in []float64, s nn.Shape) []float64 {
	out := make([]float64, s.C)
	for p := 0; p < s.H*s.W; p++ {
		for c, v := range in[p*s.C : (p+1)*s.C] {
			out[c] += v
		}
	}
	for c := range out {
		out[c] /= float64(s.H * s.W)
	}
	return out
}
