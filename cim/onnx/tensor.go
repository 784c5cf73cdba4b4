package onnx

import (
	"encoding/binary"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// DataType is an ONNX TensorProto element type.
type DataType int

// The element types cimkit decodes.
const (
	Float    DataType = 1
	Uint8    DataType = 2
	Int8     DataType = 3
	Uint16   DataType = 4
	Int16    DataType = 5
	Int32    DataType = 6
	Int64    DataType = 7
	String   DataType = 8
	Bool     DataType = 9
	Float16  DataType = 10
	Double   DataType = 11
	Uint32   DataType = 12
	Uint64   DataType = 13
	BFloat16 DataType = 16
)

// size is the number of bytes of one element in raw_data (0: not decoded).
func (t DataType) size() int {
	switch t {
	case Uint8, Int8, Bool:
		return 1
	case Uint16, Int16, Float16, BFloat16:
		return 2
	case Float, Int32, Uint32:
		return 4
	case Int64, Uint64, Double:
		return 8
	}
	return 0
}

// Tensor is an ONNX TensorProto. Its values are decoded on demand by
// Values; the raw bytes stay shared with the file's buffer.
type Tensor struct {
	Name     string
	Dims     []int64
	Type     DataType
	External bool // data_location EXTERNAL or external_data given: refused by Values

	raw     []byte
	floats  []float64 // float_data
	ints    []int64   // int32_data, int64_data, uint64_data
	doubles []float64 // double_data
}

// Elems is the number of elements (1 for a scalar).
func (t *Tensor) Elems() int64 { return elems(t.Dims) }

// NewTensor returns a float tensor with the given dims and values (for
// tests and for feeding graph inputs as constants).
func NewTensor(name string, dims []int64, values []float64) *Tensor {
	return &Tensor{Name: name, Dims: append([]int64(nil), dims...), Type: Double, doubles: append([]float64(nil), values...)}
}

func (d *decoder) tensor(b []byte, path string) (*Tensor, error) {
	t := &Tensor{}
	max := int(d.lim.MaxTensorElems)
	err := eachField(b, path, func(f field) error {
		var err error
		var v int64
		switch f.num {
		case 1:
			t.Dims, err = appendInts(f, path, "dims", t.Dims, d.lim.MaxRank)
		case 2:
			err = f.int64(path, "data_type", &v)
			t.Type = DataType(v)
		case 3:
			return formatErr(path, "segmented tensors are not supported")
		case 4:
			t.floats, err = appendFloats(f, path, "float_data", t.floats, max)
		case 5, 7, 11:
			t.ints, err = appendInts(f, path, "int_data", t.ints, max)
		case 6:
			return formatErr(path, "string tensors are not supported")
		case 8:
			err = f.str(path, "name", &t.Name)
		case 9:
			if err = f.want(path, "raw_data", protowire.BytesType); err == nil {
				t.raw = f.b
			}
		case 10:
			t.doubles, err = appendDoubles(f, path, t.doubles, max)
		case 13:
			t.External = true
		case 14:
			err = f.int64(path, "data_location", &v)
			t.External = t.External || v == 1
		}
		return err
	})
	if err != nil {
		return t, err
	}
	return t, t.check(path, d.lim)
}

// check validates dims against the limits, before any value is decoded.
func (t *Tensor) check(path string, lim Limits) error {
	n := int64(1)
	for i, v := range t.Dims {
		if v < 0 {
			return formatErr(path, "tensor %q dim %d is %d", t.Name, i, v)
		}
		if v > lim.MaxTensorElems || (v > 0 && n > lim.MaxTensorElems/v) {
			return formatErr(path, "tensor %q dims %v exceed %d elements", t.Name, t.Dims, lim.MaxTensorElems)
		}
		n *= v
	}
	return nil
}

func appendDoubles(f field, path string, dst []float64, max int) ([]float64, error) {
	switch f.typ {
	case protowire.Fixed64Type:
		if len(dst) >= max {
			return nil, formatErr(path, "double_data has more than %d values", max)
		}
		return append(dst, math.Float64frombits(f.v)), nil
	case protowire.BytesType:
		if len(f.b)%8 != 0 || len(dst)+len(f.b)/8 > max {
			return nil, formatErr(path, "double_data: packed length %d is not a multiple of 8 or too long", len(f.b))
		}
		for i := 0; i < len(f.b); i += 8 {
			dst = append(dst, math.Float64frombits(binary.LittleEndian.Uint64(f.b[i:])))
		}
		return dst, nil
	}
	return nil, formatErr(path, "double_data has wire type %d", f.typ)
}

// Values decodes the tensor's elements as float64 (integers converted;
// values above 2^53 lose precision, which only clamped slice bounds reach).
func (t *Tensor) Values() ([]float64, error) {
	if t.External {
		return nil, fmt.Errorf("%w: tensor %q: external data (weights in a separate file) is not supported; save the model with its weights inside", ErrFormat, t.Name)
	}
	n := t.Elems()
	switch {
	case t.raw != nil:
		return t.rawValues(n)
	case t.doubles != nil:
		return t.fromTyped(len(t.doubles), n, func(i int) float64 { return t.doubles[i] })
	case t.floats != nil:
		return t.fromTyped(len(t.floats), n, func(i int) float64 { return t.floats[i] })
	case t.ints != nil:
		return t.fromTyped(len(t.ints), n, func(i int) float64 { return t.intValue(t.ints[i]) })
	case n == 0:
		return []float64{}, nil
	}
	return nil, fmt.Errorf("%w: tensor %q has dims %v but no data", ErrFormat, t.Name, t.Dims)
}

func (t *Tensor) fromTyped(have int, n int64, at func(int) float64) ([]float64, error) {
	if int64(have) != n {
		return nil, fmt.Errorf("%w: tensor %q has %d values for dims %v (%d elements)", ErrFormat, t.Name, have, t.Dims, n)
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = at(i)
	}
	return out, nil
}

// intValue interprets a value of int32_data/int64_data/uint64_data.
func (t *Tensor) intValue(v int64) float64 {
	switch t.Type {
	case Float16:
		return half(uint16(v))
	case BFloat16:
		return bfloat16(uint16(v))
	case Uint64:
		return float64(uint64(v))
	case Int32, Int16, Int8:
		return float64(int32(v))
	}
	return float64(v)
}

func (t *Tensor) rawValues(n int64) ([]float64, error) {
	size := t.Type.size()
	if size == 0 {
		return nil, fmt.Errorf("%w: tensor %q: element type %d is not supported", ErrFormat, t.Name, t.Type)
	}
	if int64(len(t.raw)) != n*int64(size) {
		return nil, fmt.Errorf("%w: tensor %q: raw_data has %d bytes, dims %v of type %d need %d", ErrFormat, t.Name, len(t.raw), t.Dims, t.Type, n*int64(size))
	}
	out := make([]float64, n)
	le := binary.LittleEndian
	for i := range out {
		b := t.raw[i*size:]
		switch t.Type {
		case Float:
			out[i] = float64(math.Float32frombits(le.Uint32(b)))
		case Double:
			out[i] = math.Float64frombits(le.Uint64(b))
		case Int8:
			out[i] = float64(int8(b[0]))
		case Uint8, Bool:
			out[i] = float64(b[0])
		case Int16:
			out[i] = float64(int16(le.Uint16(b)))
		case Uint16:
			out[i] = float64(le.Uint16(b))
		case Float16:
			out[i] = half(le.Uint16(b))
		case BFloat16:
			out[i] = bfloat16(le.Uint16(b))
		case Int32:
			out[i] = float64(int32(le.Uint32(b)))
		case Uint32:
			out[i] = float64(le.Uint32(b))
		case Int64:
			out[i] = float64(int64(le.Uint64(b)))
		case Uint64:
			out[i] = float64(le.Uint64(b))
		}
	}
	return out, nil
}

// half converts an IEEE 754 binary16 value.
func half(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(frac, -24)
	case 0x1f:
		if frac == 0 {
			return math.Inf(int(sign))
		}
		return math.NaN()
	}
	return sign * math.Ldexp(1+frac/1024, exp-15)
}

// bfloat16 converts a bfloat16 value: the top half of a float32.
func bfloat16(h uint16) float64 {
	return float64(math.Float32frombits(uint32(h) << 16))
}

// DecodeTensor parses a serialized TensorProto (such as the input_0.pb and
// output_0.pb files of the ONNX operator tests).
func DecodeTensor(data []byte, lim Limits) (*Tensor, error) {
	d := &decoder{lim: lim.withDefaults()}
	if int64(len(data)) > d.lim.MaxFileBytes {
		return nil, formatErr("tensor", "%d bytes, at most %d are accepted", len(data), d.lim.MaxFileBytes)
	}
	return d.tensor(data, "tensor")
}
