package onnx

import (
	"fmt"
	"math"

	"github.com/cimkit/cimkit/internal/onnxshape"
)

// konst is a constant tensor: dims, element type and values in row-major
// order. Integer and bool values are held exactly as int64 (uint64 as its
// bits), floating-point values as float64 rounded to their type's
// precision, so that folding follows ONNX semantics per element type.
// Values may be computed on first use (an initializer not decoded yet, a
// deferred fold); views with other dims (Reshape, Squeeze, ...) share them.
type konst struct {
	dims []int64
	*kdata
}

// kdata holds a konst's values.
type kdata struct {
	typ  DataType
	f    []float64 // floating-point types; integer types once floats() was called
	i    []int64   // integer and bool types
	fill func() (f []float64, i []int64)
}

// newFloats returns a floating-point konst of type t (values not rounded).
func newFloats(dims []int64, t DataType, f []float64) *konst {
	return &konst{dims: dims, kdata: &kdata{typ: t, f: f}}
}

// newInts returns an integer or bool konst of type t (values not wrapped).
func newInts(dims []int64, t DataType, i []int64) *konst {
	return &konst{dims: dims, kdata: &kdata{typ: t, i: i}}
}

// intsKonst is a 1-D int64 konst.
func intsKonst(v []int64) *konst { return newInts([]int64{int64(len(v))}, Int64, v) }

// scalarInt is a 0-D int64 konst.
func scalarInt(v int64) *konst { return newInts(nil, Int64, []int64{v}) }

// lazyKonst returns a konst of type t whose values fill computes on first
// use.
func lazyKonst(dims []int64, t DataType, fill func() ([]float64, []int64)) *konst {
	return &konst{dims: dims, kdata: &kdata{typ: t, fill: fill}}
}

// tensorKonst returns a konst of a validated tensor, decoded on first use.
func tensorKonst(t *Tensor) *konst {
	return lazyKonst(append([]int64(nil), t.Dims...), t.Type, t.decode)
}

// view returns k with other dims (same number of elements), sharing its
// values.
func (k *konst) view(dims []int64) *konst { return &konst{dims: dims, kdata: k.kdata} }

// weightValues returns the values of a layer's weights or a digital
// operator's constant operand, or nil when Options.SkipWeights leaves them
// undecoded.
func (c *converter) weightValues(k *konst) []float64 {
	if c.opt.SkipWeights {
		return nil
	}
	return k.floats()
}

// n is the number of elements.
func (k *konst) n() int64 { return onnxshape.Elems(k.dims) }

// loaded reports whether the values are in memory.
func (k *konst) loaded() bool { return k.fill == nil }

func (k *konst) load() {
	if k.fill != nil {
		k.f, k.i = k.fill()
		k.fill = nil
	}
}

// floats returns the values as float64 (integers converted; uint64 above
// 2^53 and int64 beyond +-2^53 lose precision).
func (k *konst) floats() []float64 {
	k.load()
	if k.f == nil {
		k.f = make([]float64, len(k.i))
		for j, v := range k.i {
			k.f[j] = intToFloat(k.typ, v)
		}
	}
	return k.f
}

// exact returns the values of an integer konst; floating-point values are
// truncated toward zero and clamped to the int64 range (NaN is 0).
func (k *konst) exact() []int64 {
	k.load()
	if k.typ.isInt() {
		return k.i
	}
	out := make([]int64, len(k.f))
	for j, x := range k.f {
		out[j] = clampInt(x)
	}
	return out
}

// ints returns the values as int64 for use as sizes, axes and bounds:
// values beyond +-2^62 (Slice's "to the end" is INT64_MAX, uint64 above
// 2^63 included) are clamped to +-2^62, so that index arithmetic on them
// cannot overflow.
func (k *konst) ints() []int64 {
	const lim = 1 << 62
	v := k.exact()
	out := make([]int64, len(v))
	for j, x := range v {
		switch {
		case k.typ == Uint64 && x < 0, x > lim:
			x = lim
		case x < -lim:
			x = -lim
		}
		out[j] = x
	}
	return out
}

// scalar returns the one value of a one-element konst.
func (k *konst) scalar() (float64, bool) {
	if k.n() != 1 {
		return 0, false
	}
	return k.floats()[0], true
}

// clampInt truncates x toward zero into the int64 range (NaN is 0).
func clampInt(x float64) int64 {
	switch {
	case math.IsNaN(x):
		return 0
	case x >= math.MaxInt64:
		return math.MaxInt64
	case x <= math.MinInt64:
		return math.MinInt64
	}
	return int64(x)
}

// wrapInt reduces v to integer type t the way a C++ conversion does:
// modulo 2^bits, signed types in two's complement; bool is v != 0.
func wrapInt(t DataType, v int64) int64 {
	switch t {
	case Int8:
		return int64(int8(v))
	case Int16:
		return int64(int16(v))
	case Int32:
		return int64(int32(v))
	case Uint8:
		return int64(uint8(v))
	case Uint16:
		return int64(uint16(v))
	case Uint32:
		return int64(uint32(v))
	case Bool:
		if v != 0 {
			return 1
		}
		return 0
	}
	return v
}

// intToFloat converts an integer value of type t to float64.
func intToFloat(t DataType, v int64) float64 {
	if t == Uint64 {
		return float64(uint64(v))
	}
	return float64(v)
}

// roundFloat rounds x to the precision of floating-point type t (ties to
// even; overflow gives an infinity): what storing it in a tensor of that
// type does.
func roundFloat(t DataType, x float64) float64 {
	switch t {
	case Float:
		return float64(float32(x))
	case Float16:
		return roundBinary(x, 10, -14, 15)
	case BFloat16:
		return roundBinary(x, 7, -126, 127)
	}
	return x
}

// roundBinary rounds x to the nearest value (ties to even) of a binary
// floating-point format with mant fraction bits and normal exponents
// emin..emax, subnormals included; beyond its largest value, to +-Inf.
func roundBinary(x float64, mant, emin, emax int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	_, exp := math.Frexp(x) // |x| in [2^(exp-1), 2^exp)
	ulp := math.Ldexp(1, max(exp-1, emin)-mant)
	r := math.RoundToEven(x/ulp) * ulp
	if top := math.Ldexp(2-math.Ldexp(1, -mant), emax); math.Abs(r) > top {
		return math.Copysign(math.Inf(1), x)
	}
	return r
}

// toType converts a float64 to an integer type t as Cast does: truncation
// toward zero; NaN, infinities and values outside t's range are refused
// (C++ leaves them undefined).
func toType(t DataType, x float64) (int64, error) {
	if t == Bool {
		return wrapInt(Bool, b2i(x != 0)), nil
	}
	lo, hi := intRange(t)
	x = math.Trunc(x)
	if math.IsNaN(x) || x < lo || x > hi {
		return 0, fmt.Errorf("value %g does not fit %v", x, t)
	}
	if t == Uint64 && x >= 1<<63 {
		return int64(uint64(x)), nil
	}
	return int64(x), nil
}

// intRange is the range of integer type t, as float64 bounds that x may
// reach (the largest float64 below 2^63, 2^64 for int64, uint64).
func intRange(t DataType) (lo, hi float64) {
	switch t {
	case Int8:
		return math.MinInt8, math.MaxInt8
	case Int16:
		return math.MinInt16, math.MaxInt16
	case Int32:
		return math.MinInt32, math.MaxInt32
	case Uint8:
		return 0, math.MaxUint8
	case Uint16:
		return 0, math.MaxUint16
	case Uint32:
		return 0, math.MaxUint32
	case Uint64:
		return 0, math.Nextafter(1<<64, 0)
	}
	return math.MinInt64, math.Nextafter(1<<63, 0)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// castKonst converts k to type t as ONNX Cast does: integers wrap modulo
// the target width, floating-point values are truncated toward zero into
// an integer type (out of range is an error) and rounded to a
// floating-point type; bool is x != 0. Conversions that cannot fail are
// computed on first use.
func castKonst(k *konst, t DataType) (*konst, error) {
	switch {
	case t.size() == 0:
		return nil, fmt.Errorf("Cast to %v is not supported", t)
	case t.isFloat() && k.typ.isInt():
		return lazyKonst(k.dims, t, func() ([]float64, []int64) {
			out := make([]float64, k.n())
			for j, v := range k.exact() {
				out[j] = intToFloatType(t, k.typ, v)
			}
			return out, nil
		}), nil
	case t.isFloat():
		return lazyKonst(k.dims, t, func() ([]float64, []int64) {
			out := make([]float64, k.n())
			for j, x := range k.floats() {
				out[j] = roundFloat(t, x)
			}
			return out, nil
		}), nil
	case k.typ.isInt():
		return lazyKonst(k.dims, t, func() ([]float64, []int64) {
			out := make([]int64, k.n())
			for j, v := range k.exact() {
				out[j] = wrapInt(t, v)
			}
			return nil, out
		}), nil
	}
	out := make([]int64, 0, k.n())
	for _, x := range k.floats() {
		v, err := toType(t, x)
		if err != nil {
			return nil, fmt.Errorf("Cast to %v: %v", t, err)
		}
		out = append(out, v)
	}
	return newInts(k.dims, t, out), nil
}

// intToFloatType converts integer v of type from to floating-point type t
// with a single rounding.
func intToFloatType(t, from DataType, v int64) float64 {
	if t == Float {
		if from == Uint64 {
			return float64(float32(uint64(v)))
		}
		return float64(float32(v))
	}
	return roundFloat(t, intToFloat(from, v))
}
