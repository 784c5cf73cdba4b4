package onnx

import (
	"errors"
	"fmt"
	"io"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// ErrFormat is wrapped by every error about malformed or refused bytes
// (truncated data, wrong wire types, limits exceeded, external data).
var ErrFormat = errors.New("onnx: malformed or refused file")

// formatErr builds an error about the bytes at path (e.g. "graph.node[3]").
func formatErr(path, format string, a ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrFormat, path, fmt.Sprintf(format, a...))
}

// field is one decoded protobuf field: its number, wire type and value
// (v for varint and fixed types, b for length-delimited ones).
type field struct {
	num protowire.Number
	typ protowire.Type
	v   uint64
	b   []byte
}

// eachField walks the fields of one message. Group wire types are refused:
// ONNX never uses them, and refusing them keeps decoding non-recursive.
func eachField(b []byte, path string, fn func(f field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return formatErr(path, "bad field tag: %s", wireErr(n))
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			f.v = uint64(v)
		case protowire.Fixed64Type:
			f.v, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b)
		default:
			return formatErr(path, "field %d has wire type %d (groups are not accepted)", num, typ)
		}
		if n < 0 {
			return formatErr(path, "field %d: %s", num, wireErr(n))
		}
		b = b[n:]
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

func (f field) want(path, name string, t protowire.Type) error {
	if f.typ != t {
		return formatErr(path, "%s (field %d) has wire type %d, want %d", name, f.num, f.typ, t)
	}
	return nil
}

func (f field) str(path, name string, dst *string) error {
	if err := f.want(path, name, protowire.BytesType); err != nil {
		return err
	}
	if len(f.b) > maxString {
		return formatErr(path, "%s is %d bytes long, at most %d are accepted", name, len(f.b), maxString)
	}
	*dst = string(f.b)
	return nil
}

func (f field) int64(path, name string, dst *int64) error {
	if err := f.want(path, name, protowire.VarintType); err != nil {
		return err
	}
	*dst = int64(f.v)
	return nil
}

// wireErr describes a protowire error code; a cut-off file says so.
func wireErr(n int) string {
	err := protowire.ParseError(n)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "truncated (the data ends inside a field)"
	}
	return err.Error()
}

// maxString bounds names and other strings kept from the file.
const maxString = 1 << 16

// appendInts appends a repeated int64/int32 field, packed or not, keeping at
// most max values in dst.
func appendInts(f field, path, name string, dst []int64, max int) ([]int64, error) {
	switch f.typ {
	case protowire.VarintType:
		if len(dst) >= max {
			return nil, formatErr(path, "%s has more than %d values", name, max)
		}
		return append(dst, int64(f.v)), nil
	case protowire.BytesType:
		if n := countVarints(f.b); len(dst)+n > max {
			return nil, formatErr(path, "%s has %d values, at most %d are accepted", name, len(dst)+n, max)
		}
		b := f.b
		for len(b) > 0 {
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, formatErr(path, "%s: %s", name, wireErr(n))
			}
			dst = append(dst, int64(v))
			b = b[n:]
		}
		return dst, nil
	}
	return nil, formatErr(path, "%s (field %d) has wire type %d, want varint or packed", name, f.num, f.typ)
}

// appendFloats appends a repeated float field (fixed32), packed or not.
func appendFloats(f field, path, name string, dst []float64, max int) ([]float64, error) {
	switch f.typ {
	case protowire.Fixed32Type:
		if len(dst) >= max {
			return nil, formatErr(path, "%s has more than %d values", name, max)
		}
		return append(dst, float64(math.Float32frombits(uint32(f.v)))), nil
	case protowire.BytesType:
		if len(f.b)%4 != 0 {
			return nil, formatErr(path, "%s: packed length %d is not a multiple of 4", name, len(f.b))
		}
		if len(dst)+len(f.b)/4 > max {
			return nil, formatErr(path, "%s has %d values, at most %d are accepted", name, len(dst)+len(f.b)/4, max)
		}
		for i := 0; i < len(f.b); i += 4 {
			v, _ := protowire.ConsumeFixed32(f.b[i:])
			dst = append(dst, float64(math.Float32frombits(v)))
		}
		return dst, nil
	}
	return nil, formatErr(path, "%s (field %d) has wire type %d, want fixed32 or packed", name, f.num, f.typ)
}

// countVarints counts the varints in a packed field (bytes without the
// continuation bit), so that a length can be checked before allocating.
func countVarints(b []byte) int {
	n := 0
	for _, c := range b {
		if c < 0x80 {
			n++
		}
	}
	return n
}
