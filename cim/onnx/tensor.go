package onnx

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/cimkit/cimkit/internal/onnxshape"
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

var typeNames = map[DataType]string{
	Float: "float", Uint8: "uint8", Int8: "int8", Uint16: "uint16", Int16: "int16", Int32: "int32",
	Int64: "int64", String: "string", Bool: "bool", Float16: "float16", Double: "double",
	Uint32: "uint32", Uint64: "uint64", BFloat16: "bfloat16",
}

// String names the type as ONNX does ("float", "int64", ...).
func (t DataType) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("type %d", int(t))
}

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

// isFloat reports a floating-point type.
func (t DataType) isFloat() bool {
	return t == Float || t == Double || t == Float16 || t == BFloat16
}

// isInt reports an integer type or Bool (values held exactly as int64).
func (t DataType) isInt() bool { return t.size() > 0 && !t.isFloat() }

// unsigned reports an unsigned integer type (Bool included).
func (t DataType) unsigned() bool {
	return t == Uint8 || t == Uint16 || t == Uint32 || t == Uint64 || t == Bool
}

// Tensor is an ONNX TensorProto. Its values are decoded on demand (by
// Values, or by the importer when it needs them); the raw bytes and packed
// typed fields stay shared with the file's buffer until then.
type Tensor struct {
	Name     string
	Dims     []int64
	Type     DataType
	External bool // data_location EXTERNAL or external_data given: refused by Values

	raw   []byte
	rawAt *fileData // raw_data left in the model file (ImportFile)
	typed typedData
}

// typedData holds one of the typed value fields of a TensorProto
// (float_data, int32_data, int64_data, double_data, uint64_data) as found
// in the file: packed runs stay bytes until decoded, unpacked values are
// kept as their wire bits.
type typedData struct {
	num  protowire.Number // field number; 0 when the tensor has none
	runs []typedRun
	n    int // values in all runs
}

// typedRun is a packed run of values or a sequence of unpacked ones.
type typedRun struct {
	packed []byte
	vals   []uint64
}

// typedNames names the typed value fields by number.
var typedNames = map[protowire.Number]string{4: "float_data", 5: "int32_data", 7: "int64_data", 10: "double_data", 11: "uint64_data"}

// Elems is the number of elements (1 for a scalar).
func (t *Tensor) Elems() int64 { return onnxshape.Elems(t.Dims) }

// NewTensor returns a double tensor with the given dims and values (for
// tests and for feeding graph inputs as constants).
func NewTensor(name string, dims []int64, values []float64) *Tensor {
	t := &Tensor{Name: name, Dims: append([]int64(nil), dims...), Type: Double}
	if len(values) > 0 {
		raw := make([]byte, 8*len(values))
		for i, v := range values {
			binary.LittleEndian.PutUint64(raw[8*i:], math.Float64bits(v))
		}
		t.raw = raw
	}
	return t
}

func (d *decoder) tensor(b []byte, path string) (*Tensor, error) {
	t := &Tensor{}
	if err := eachField(b, path, func(f field) error { return d.tensorField(t, f, path) }); err != nil {
		return t, err
	}
	return t, t.check(path, d.lim)
}

// tensorFields are the TensorProto fields whose bytes tensorField reads
// (external_data, 13, only marks the tensor).
func tensorFields(num protowire.Number) bool { return num >= 1 && num <= 11 || num == 14 }

// tensorField decodes one field of a TensorProto into t.
func (d *decoder) tensorField(t *Tensor, f field, path string) error {
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
	case 4, 5, 7, 10, 11:
		err = t.typed.add(f, path, d.lim.MaxTensorElems)
	case 6:
		return formatErr(path, "string tensors are not supported")
	case 8:
		err = f.str(path, "name", &t.Name)
	case 9:
		if err = f.want(path, "raw_data", protowire.BytesType); err == nil {
			t.raw = f.b
		}
	case 13:
		t.External = true
	case 14:
		err = f.int64(path, "data_location", &v)
		t.External = t.External || v == 1
	}
	return err
}

// add appends one occurrence of a typed value field, packed or not,
// counting its values without decoding packed runs of fixed-size values.
func (td *typedData) add(f field, path string, max int64) error {
	name := typedNames[f.num]
	if td.num != 0 && td.num != f.num {
		return formatErr(path, "tensor has values in both %s and %s", typedNames[td.num], name)
	}
	td.num = f.num
	want := protowire.VarintType
	width := 0
	switch f.num {
	case 4:
		want, width = protowire.Fixed32Type, 4
	case 10:
		want, width = protowire.Fixed64Type, 8
	}
	var n int
	switch {
	case f.typ == want:
		if k := len(td.runs); k == 0 || td.runs[k-1].packed != nil {
			td.runs = append(td.runs, typedRun{})
		}
		td.runs[len(td.runs)-1].vals = append(td.runs[len(td.runs)-1].vals, f.v)
		n = 1
	case f.typ == protowire.BytesType && width > 0:
		if len(f.b)%width != 0 {
			return formatErr(path, "%s: packed length %d is not a multiple of %d", name, len(f.b), width)
		}
		n = len(f.b) / width
		td.runs = append(td.runs, typedRun{packed: f.b})
	case f.typ == protowire.BytesType:
		var err error
		if n, err = countPacked(f.b, path, name); err != nil {
			return err
		}
		td.runs = append(td.runs, typedRun{packed: f.b})
	default:
		return formatErr(path, "%s (field %d) has wire type %d", name, f.num, f.typ)
	}
	if int64(td.n)+int64(n) > max {
		return formatErr(path, "%s has more than %d values", name, max)
	}
	td.n += n
	return nil
}

// countPacked counts the varints of a packed run and checks that each is
// complete.
func countPacked(b []byte, path, name string) (int, error) {
	n := 0
	for len(b) > 0 {
		_, k := protowire.ConsumeVarint(b)
		if k < 0 {
			return 0, formatErr(path, "%s: %s", name, wireErr(k))
		}
		b = b[k:]
		n++
	}
	return n, nil
}

// each calls fn with the wire bits of every value, in order.
func (td *typedData) each(fn func(i int, bits uint64)) {
	i := 0
	for _, r := range td.runs {
		for _, v := range r.vals {
			fn(i, v)
			i++
		}
		b := r.packed
		for len(b) > 0 {
			var v uint64
			switch td.num {
			case 4:
				v, b = uint64(binary.LittleEndian.Uint32(b)), b[4:]
			case 10:
				v, b = binary.LittleEndian.Uint64(b), b[8:]
			default:
				var k int
				v, k = protowire.ConsumeVarint(b)
				b = b[k:]
			}
			fn(i, v)
			i++
		}
	}
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

// validate checks, without decoding, that the tensor's values can be
// decoded: a supported type, data in the file, as many values as elements.
// After it, decode cannot fail.
func (t *Tensor) validate() error {
	if t.External {
		return fmt.Errorf("%w: tensor %q: external data (weights in a separate file) is not supported; save the model with its weights inside", ErrFormat, t.Name)
	}
	size := t.Type.size()
	if size == 0 {
		return fmt.Errorf("%w: tensor %q: element type %v is not supported", ErrFormat, t.Name, t.Type)
	}
	n := t.Elems()
	switch {
	case t.raw != nil || t.rawAt != nil:
		if have := t.rawLen(); have != n*int64(size) {
			return fmt.Errorf("%w: tensor %q: raw_data has %d bytes, dims %v of type %v need %d", ErrFormat, t.Name, have, t.Dims, t.Type, n*int64(size))
		}
	case t.typed.num != 0:
		if int64(t.typed.n) != n {
			return fmt.Errorf("%w: tensor %q has %d values for dims %v (%d elements)", ErrFormat, t.Name, t.typed.n, t.Dims, n)
		}
		if !typedFits(t.typed.num, t.Type) {
			return fmt.Errorf("%w: tensor %q of type %v has its values in %s", ErrFormat, t.Name, t.Type, typedNames[t.typed.num])
		}
	case n != 0:
		return fmt.Errorf("%w: tensor %q has dims %v but no data", ErrFormat, t.Name, t.Dims)
	}
	return nil
}

// typedFits reports whether typed field num may hold values of type t
// (as onnx.proto says, with int32_data also accepted for int64 and the
// unsigned types, which some writers use).
func typedFits(num protowire.Number, t DataType) bool {
	switch num {
	case 4:
		return t == Float
	case 10:
		return t == Double
	case 7:
		return t == Int64
	case 11:
		return t == Uint32 || t == Uint64
	}
	return t.isInt() || t == Float16 || t == BFloat16
}

// Values decodes the tensor's elements as float64 (integers converted;
// values above 2^53 lose precision).
func (t *Tensor) Values() ([]float64, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	f, i := t.decode()
	if f == nil {
		f = make([]float64, len(i))
		for k, v := range i {
			f[k] = intToFloat(t.Type, v)
		}
	}
	return f, nil
}

// decode returns the values of a validated tensor: floating-point types
// in f, integer and bool types exactly in i (uint64 as its bits, bool as
// 0 or 1).
func (t *Tensor) decode() (f []float64, i []int64) {
	n := int(t.Elems())
	if t.Type.isFloat() {
		f = make([]float64, n)
	} else {
		i = make([]int64, n)
	}
	set := func(k int, bits uint64) {
		switch t.Type {
		case Float:
			f[k] = float64(math.Float32frombits(uint32(bits)))
		case Double:
			f[k] = math.Float64frombits(bits)
		case Float16:
			f[k] = half(uint16(bits))
		case BFloat16:
			f[k] = bfloat16(uint16(bits))
		default:
			i[k] = wrapInt(t.Type, int64(bits))
		}
	}
	if t.raw == nil && t.rawAt == nil {
		t.typed.each(set)
		return f, i
	}
	size := t.Type.size()
	t.rawChunks(size, func(raw []byte, first int) {
		le := binary.LittleEndian
		switch {
		case t.Type == Float: // the common case, without the per-element switch
			for k := range len(raw) / 4 {
				f[first+k] = float64(math.Float32frombits(le.Uint32(raw[4*k:])))
			}
		case size == 1:
			for k, b := range raw {
				set(first+k, uint64(b))
			}
		case size == 2:
			for k := range len(raw) / 2 {
				set(first+k, uint64(le.Uint16(raw[2*k:])))
			}
		case size == 4:
			for k := range len(raw) / 4 {
				set(first+k, uint64(le.Uint32(raw[4*k:])))
			}
		default:
			for k := range len(raw) / 8 {
				set(first+k, le.Uint64(raw[8*k:]))
			}
		}
	})
	return f, i
}

// rawLen is the length of raw_data.
func (t *Tensor) rawLen() int64 {
	if t.rawAt != nil {
		return t.rawAt.rg.n
	}
	return int64(len(t.raw))
}

// rawChunks calls fn with raw_data in pieces of whole elements of size
// bytes: all of it when in memory, else read from the file piece by piece.
func (t *Tensor) rawChunks(size int, fn func(raw []byte, first int)) {
	if t.rawAt != nil {
		t.rawAt.chunks(size, fn)
		return
	}
	fn(t.raw, 0)
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
