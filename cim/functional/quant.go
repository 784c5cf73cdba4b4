package functional

import (
	"fmt"
	"math"

	"github.com/cimkit/cimkit/cim/nn"
)

// Quant runs integer mode on a layer's real, quantised parameters instead
// of random ones, with the requantisation of an int8 inference engine
// (as TFLite or ONNX QLinearConv): an accumulator unit is worth Scale[f]
// (the input scale times filter f's weight scale), an output unit OutScale.
// The last writer of a vector computes, in the digital unit,
//
//	y = (acc + Bias[f]) * Scale[f]          acc: the exact integer sum
//	y = activation(y)                       any activation of package nn
//	q = clamp(roundHalfEven(y / OutScale), lo, hi)
//
// in float64, where a chip would use a fixed-point multiplier (31 bits
// approximate the real one within 2^-31 relative). The reference computes
// the same from the direct integer convolution, so programs must still
// match it bit for bit.
type Quant struct {
	Weights  []float64 // integers in the weight range, layer order (F, C/Groups, KH, KW)
	Bias     []float64 // integers in accumulator units, one per filter; nil for none
	Scale    []float64 // per filter: the real value of one accumulator unit (> 0)
	OutScale float64   // the real value of one output unit (> 0)
}

// check validates q against a layer of f filters and nW weights, whose
// weights have bits bits.
func (q *Quant) check(f int, nW int64, bits int) error {
	if int64(len(q.Weights)) != nW || len(q.Scale) != f || (q.Bias != nil && len(q.Bias) != f) {
		return fmt.Errorf("quantised parameters: %d weights, %d scales, %d biases; the layer needs %d, %d and %d (or no bias)",
			len(q.Weights), len(q.Scale), len(q.Bias), nW, f, f)
	}
	wmax := math.Ldexp(1, bits-1)
	for i, w := range q.Weights {
		if w != math.Trunc(w) || w < -wmax || w >= wmax {
			return fmt.Errorf("quantised weight %d = %g is not a %d-bit integer", i, w, bits)
		}
	}
	for i, b := range q.Bias {
		if b != math.Trunc(b) || math.Abs(b) > 1<<52 {
			return fmt.Errorf("quantised bias %d = %g is not an integer", i, b)
		}
	}
	for i, s := range q.Scale {
		if !(s > 0) || math.IsInf(s, 0) {
			return fmt.Errorf("scale %d = %g must be positive", i, s)
		}
	}
	if !(q.OutScale > 0) || math.IsInf(q.OutScale, 0) {
		return fmt.Errorf("output scale %g must be positive", q.OutScale)
	}
	return nil
}

// maxBias is the largest |bias| of the quantised parameters.
func (q *Quant) maxBias() float64 {
	m := 0.0
	for _, b := range q.Bias {
		m = math.Max(m, math.Abs(b))
	}
	return m
}

// requant is the digital unit's final step for filter f (see Quant).
func (d *data) requant(y float64, f int) float64 {
	v := Activate(d.act, y*d.quant.Scale[f])
	q := math.RoundToEven(v / d.quant.OutScale)
	return math.Min(math.Max(q, d.lo), d.hi)
}

// Activate applies activation a to y with the functions of float mode:
// ReLU6 = min(max(y, 0), 6), HardSigmoid = ReLU6(y+3)/6, HardSwish =
// y*HardSigmoid(y), LeakyReLU slope 0.01, Sigmoid = 1/(1+exp(-y)), SiLU =
// y*Sigmoid(y), GELU = y*(1+erf(y/sqrt(2)))/2.
func Activate(a nn.Act, y float64) float64 {
	relu6 := func(x float64) float64 { return math.Min(math.Max(x, 0), 6) }
	switch a {
	case nn.ActReLU:
		return math.Max(y, 0)
	case nn.ActReLU6:
		return relu6(y)
	case nn.ActSigmoid:
		return 1 / (1 + math.Exp(-y))
	case nn.ActHardSigm:
		return relu6(y+3) / 6
	case nn.ActHardSwish:
		return y * relu6(y+3) / 6
	case nn.ActSiLU:
		return y / (1 + math.Exp(-y))
	case nn.ActGELU:
		return y * (1 + math.Erf(y/math.Sqrt2)) / 2
	case nn.ActLeakyReLU:
		if y < 0 {
			return 0.01 * y
		}
	}
	return y
}
