package onnx

import (
	"errors"
	"fmt"
	"math"
)

// Element-wise semantics of the operators that constant folding evaluates,
// per element type, as ONNX Runtime computes them (C++ on the element
// type): integer arithmetic wraps modulo the type's width, Div truncates
// toward zero, Mod takes the divisor's sign unless fmod=1; floating-point
// results are rounded to their type (float32, float16, bfloat16). Where
// ONNX leaves a result undefined (integer division by zero, 0 to a
// negative power) folding refuses it.

var errDivZero = errors.New("integer division by zero")

// intBinary returns operator op on two integers of type t (uint64 as its
// bits), before wrapping to t; ok is false for an operator that has no
// integer form.
func intBinary(op string, t DataType, n *Node) (f func(x, y int64) (int64, error), ok bool) {
	u := t == Uint64
	switch op {
	case "Add", "Sum":
		return func(x, y int64) (int64, error) { return x + y, nil }, true
	case "Sub":
		return func(x, y int64) (int64, error) { return x - y, nil }, true
	case "Mul":
		return func(x, y int64) (int64, error) { return x * y, nil }, true
	case "Div":
		return func(x, y int64) (int64, error) {
			switch {
			case y == 0:
				return 0, errDivZero
			case u:
				return int64(uint64(x) / uint64(y)), nil
			}
			return x / y, nil // truncated; MinInt64 / -1 wraps to MinInt64
		}, true
	case "Mod":
		fmod := attrs{n}.int("fmod", 0) != 0
		return func(x, y int64) (int64, error) {
			switch {
			case y == 0:
				return 0, errDivZero
			case u:
				return int64(uint64(x) % uint64(y)), nil
			}
			r := x % y // the dividend's sign (C fmod)
			if !fmod && r != 0 && (r < 0) != (y < 0) {
				r += y // the divisor's sign (Python)
			}
			return r, nil
		}, true
	case "Min":
		return func(x, y int64) (int64, error) {
			if compareInts(t, y, x) < 0 {
				return y, nil
			}
			return x, nil
		}, true
	case "Max":
		return func(x, y int64) (int64, error) {
			if compareInts(t, x, y) < 0 {
				return y, nil
			}
			return x, nil
		}, true
	case "Pow":
		return intPow, true
	case "BitShift":
		left := attrs{n}.str("direction", "") == "LEFT"
		return func(x, y int64) (int64, error) {
			s := uint64(y)
			if left {
				return int64(uint64(x) << s), nil // 0 from 64 on
			}
			return int64(uint64(x) >> s), nil // unsigned types only
		}, true
	case "BitwiseAnd":
		return func(x, y int64) (int64, error) { return x & y, nil }, true
	case "BitwiseOr":
		return func(x, y int64) (int64, error) { return x | y, nil }, true
	case "BitwiseXor":
		return func(x, y int64) (int64, error) { return x ^ y, nil }, true
	}
	return nil, false
}

// intPow is x to the integer power y: exact while it fits, wrapping
// beyond (C++ leaves overflow undefined); a negative power truncates
// 1/x^-y toward zero, and 0 to a negative power is refused.
func intPow(x, y int64) (int64, error) {
	if y < 0 {
		switch x {
		case 0:
			return 0, errors.New("0 to a negative power")
		case 1:
			return 1, nil
		case -1:
			return 1 - 2*(-y%2), nil
		}
		return 0, nil
	}
	r := int64(1)
	for ; y > 0; y >>= 1 {
		if y&1 == 1 {
			r *= x
		}
		x *= x
	}
	return r, nil
}

// floatBinary returns operator op on two floating-point values, before
// rounding to the result type.
func floatBinary(op string, n *Node) (func(x, y float64) float64, error) {
	switch op {
	case "Add", "Sum", "Mean":
		return func(x, y float64) float64 { return x + y }, nil
	case "Sub":
		return func(x, y float64) float64 { return x - y }, nil
	case "Mul":
		return func(x, y float64) float64 { return x * y }, nil
	case "Div":
		return func(x, y float64) float64 { return x / y }, nil
	case "Pow":
		return math.Pow, nil
	case "Min":
		return math.Min, nil
	case "Max":
		return math.Max, nil
	case "Mod":
		if (attrs{n}).int("fmod", 0) == 0 {
			return nil, errors.New("Mod of floating-point values needs fmod=1")
		}
		return math.Mod, nil
	}
	return nil, fmt.Errorf("%s is defined for integer types only", op)
}

// comparisons are the operators that compare two values into a bool.
var comparisons = map[string]func(c int) bool{
	"Equal":          func(c int) bool { return c == 0 },
	"Less":           func(c int) bool { return c < 0 },
	"Greater":        func(c int) bool { return c > 0 },
	"LessOrEqual":    func(c int) bool { return c <= 0 },
	"GreaterOrEqual": func(c int) bool { return c >= 0 },
}

// logical are the operators on two bools.
var logical = map[string]func(x, y bool) bool{
	"And": func(x, y bool) bool { return x && y },
	"Or":  func(x, y bool) bool { return x || y },
	"Xor": func(x, y bool) bool { return x != y },
}

// compareInts compares two integers of type t (-1, 0, 1).
func compareInts(t DataType, x, y int64) int {
	if t == Uint64 {
		x, y = x^math.MinInt64, y^math.MinInt64 // unsigned order
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// compareFloats compares two floats; ok is false when one is NaN (every
// comparison is then false).
func compareFloats(x, y float64) (int, bool) {
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	case x == y:
		return 0, true
	}
	return 0, false
}

// floatUnary are the operators defined on floating-point values only.
var floatUnary = map[string]func(float64) float64{
	"Sqrt": math.Sqrt, "Exp": math.Exp, "Log": math.Log, "Floor": math.Floor, "Ceil": math.Ceil,
	"Round": math.RoundToEven, "Erf": math.Erf, "Tanh": math.Tanh, "Sin": math.Sin, "Cos": math.Cos,
	"Reciprocal": func(x float64) float64 { return 1 / x },
	"Sigmoid":    func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
	"Softplus":   func(x float64) float64 { return math.Log1p(math.Exp(x)) },
}

// signedUnary are the operators on any number, as (float form, integer
// form before wrapping).
var signedUnary = map[string]struct {
	f func(float64) float64
	i func(t DataType, x int64) int64
}{
	"Neg": {func(x float64) float64 { return -x }, func(_ DataType, x int64) int64 { return -x }},
	"Abs": {math.Abs, func(t DataType, x int64) int64 {
		if x < 0 && !t.unsigned() {
			return -x // Abs of the most negative value wraps to itself
		}
		return x
	}},
	"Sign": {func(x float64) float64 {
		if x == 0 || math.IsNaN(x) {
			return x
		}
		return math.Copysign(1, x)
	}, func(t DataType, x int64) int64 {
		if t.unsigned() {
			return b2i(x != 0)
		}
		return b2i(x > 0) - b2i(x < 0)
	}},
	"Relu": {func(x float64) float64 { return max(x, 0) }, func(t DataType, x int64) int64 {
		if x < 0 && !t.unsigned() {
			return 0
		}
		return x
	}},
	"BitwiseNot": {nil, func(_ DataType, x int64) int64 { return ^x }},
	"Not":        {nil, func(_ DataType, x int64) int64 { return b2i(x == 0) }},
}
