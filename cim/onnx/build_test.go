package onnx

import (
	"encoding/binary"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// A tiny protobuf writer for hand-built test models (ONNX field numbers).

type pb []byte

func (b pb) bytes(num protowire.Number, v []byte) pb {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func (b pb) str(num protowire.Number, s string) pb { return b.bytes(num, []byte(s)) }

func (b pb) varint(num protowire.Number, v int64) pb {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

func (b pb) f32(num protowire.Number, v float64) pb {
	b = protowire.AppendTag(b, num, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, math.Float32bits(float32(v)))
}

// rawTensorPB is a TensorProto of the given type with raw_data.
func rawTensorPB(name string, typ DataType, dims []int64, raw []byte) pb {
	var t pb
	for _, d := range dims {
		t = t.varint(1, d)
	}
	return t.varint(2, int64(typ)).str(8, name).bytes(9, raw)
}

// tensorPB is a float TensorProto with raw_data.
func tensorPB(name string, dims []int64, v []float64) pb {
	raw := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(float32(x)))
	}
	return rawTensorPB(name, Float, dims, raw)
}

// int64PB is an int64 TensorProto with raw_data.
func int64PB(name string, dims []int64, v ...int64) pb {
	raw := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(x))
	}
	return rawTensorPB(name, Int64, dims, raw)
}

// constPB is a Constant node named after its output.
func constPB(name string, t pb) pb {
	return nodePB("Constant", name, nil, []string{name}, tensorAttr("value", t))
}

type attrPB = pb

func intsAttr(name string, v ...int64) attrPB {
	a := pb{}.str(1, name).varint(20, int64(AttrInts))
	for _, x := range v {
		a = a.varint(8, x)
	}
	return a
}

func intAttr(name string, v int64) attrPB {
	return pb{}.str(1, name).varint(20, int64(AttrInt)).varint(3, v)
}

func floatAttr(name string, v float64) attrPB {
	return pb{}.str(1, name).varint(20, int64(AttrFloat)).f32(2, v)
}

func tensorAttr(name string, t pb) attrPB {
	return pb{}.str(1, name).varint(20, int64(AttrTensor)).bytes(5, t)
}

func nodePB(op, name string, ins, outs []string, attrs ...attrPB) pb {
	n := pb{}.str(4, op).str(3, name)
	for _, s := range ins {
		n = n.str(1, s)
	}
	for _, s := range outs {
		n = n.str(2, s)
	}
	for _, a := range attrs {
		n = n.bytes(5, a)
	}
	return n
}

// valueInfoPB is a float tensor ValueInfoProto; a negative dim is symbolic.
func valueInfoPB(name string, dims ...int64) pb {
	var shape pb
	for _, d := range dims {
		if d < 0 {
			shape = shape.bytes(1, pb{}.str(2, "N"))
		} else {
			shape = shape.bytes(1, pb{}.varint(1, d))
		}
	}
	tt := pb{}.varint(1, int64(Float)).bytes(2, shape)
	return pb{}.str(1, name).bytes(2, pb{}.bytes(1, tt))
}

// modelPB wraps nodes, initializers, one input and one output in a model.
func modelPB(nodes, inits []pb, in, out pb) []byte {
	g := pb{}.str(2, "test")
	for _, n := range nodes {
		g = g.bytes(1, n)
	}
	for _, t := range inits {
		g = g.bytes(5, t)
	}
	g = g.bytes(11, in).bytes(12, out)
	m := pb{}.varint(1, 8).str(2, "cimkit-test")
	m = m.bytes(8, pb{}.str(1, "").varint(2, 13))
	return m.bytes(7, g)
}
