package onnx

import (
	"fmt"
	"math"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// Model is the part of an ONNX ModelProto that cimkit reads.
type Model struct {
	IRVersion int64
	Producer  string           // producer_name
	Opsets    map[string]int64 // operator set version per domain ("" is the default domain)
	Graph     *Graph
}

// Graph is an ONNX GraphProto.
type Graph struct {
	Name         string
	Nodes        []*Node
	Initializers []*Tensor
	Inputs       []ValueInfo
	Outputs      []ValueInfo
	ValueInfo    []ValueInfo // shapes of intermediate values, when the exporter gave them
}

// Node is an ONNX NodeProto: one operator application.
type Node struct {
	Name    string
	OpType  string
	Domain  string
	Inputs  []string // value names; "" is an omitted optional input
	Outputs []string
	Attrs   []*Attribute
}

// AttrType is an AttributeProto type.
type AttrType int

// The attribute types cimkit reads (others are kept by name only).
const (
	AttrFloat   AttrType = 1
	AttrInt     AttrType = 2
	AttrString  AttrType = 3
	AttrTensor  AttrType = 4
	AttrGraph   AttrType = 5
	AttrFloats  AttrType = 6
	AttrInts    AttrType = 7
	AttrStrings AttrType = 8
	AttrTensors AttrType = 9
	AttrGraphs  AttrType = 10
)

// Attribute is an ONNX AttributeProto.
type Attribute struct {
	Name   string
	Type   AttrType
	F      float64
	I      int64
	S      string
	T      *Tensor
	G      *Graph
	Floats []float64
	Ints   []int64
	Graphs []*Graph
}

// ValueInfo is an ONNX ValueInfoProto for a tensor: its name, element type
// and dims; a symbolic or missing dim is -1. HasShape is false (and Dims
// nil) when the file gives no shape.
type ValueInfo struct {
	Name     string
	ElemType DataType
	Dims     []int64
	HasShape bool
}

// decoder carries the limits and running totals of one decode.
type decoder struct {
	lim   Limits
	nodes int
}

// Decode parses the bytes of an ONNX model file. Zero fields of lim take
// the DefaultLimits values.
func Decode(data []byte, lim Limits) (*Model, error) {
	d := &decoder{lim: lim.withDefaults()}
	if int64(len(data)) > d.lim.MaxFileBytes {
		return nil, formatErr("model", "%d bytes, at most %d are accepted", len(data), d.lim.MaxFileBytes)
	}
	m := &Model{Opsets: map[string]int64{}}
	err := eachField(data, "model", func(f field) error {
		if f.num == 7 {
			if err := f.want("model", "graph", protowire.BytesType); err != nil {
				return err
			}
			g, err := d.graph(f.b, "graph", 0)
			m.Graph = g
			return err
		}
		return d.modelField(m, f)
	})
	return finishModel(m, err)
}

// modelField decodes one field of a ModelProto other than its graph.
func (d *decoder) modelField(m *Model, f field) error {
	switch f.num {
	case 1:
		return f.int64("model", "ir_version", &m.IRVersion)
	case 2:
		return f.str("model", "producer_name", &m.Producer)
	case 8:
		return d.opset(f, m)
	}
	return nil
}

// modelFields are the ModelProto fields that modelField reads.
func modelFields(num protowire.Number) bool { return num == 1 || num == 2 || num == 8 }

// finishModel checks a decoded model: an error at the top level, or no
// graph, hints that the file is not an ONNX model.
func finishModel(m *Model, err error) (*Model, error) {
	if err != nil {
		if strings.HasPrefix(err.Error(), ErrFormat.Error()+": model:") {
			err = fmt.Errorf("%w (is this an ONNX model file?)", err)
		}
		return nil, err
	}
	if m.Graph == nil {
		return nil, formatErr("model", "no graph (is this an ONNX model file?)")
	}
	return m, nil
}

func (d *decoder) opset(f field, m *Model) error {
	if err := f.want("model", "opset_import", protowire.BytesType); err != nil {
		return err
	}
	var dom string
	var ver int64
	err := eachField(f.b, "model.opset_import", func(g field) error {
		switch g.num {
		case 1:
			return g.str("model.opset_import", "domain", &dom)
		case 2:
			return g.int64("model.opset_import", "version", &ver)
		}
		return nil
	})
	if len(m.Opsets) > 1000 {
		return formatErr("model", "too many opset imports")
	}
	m.Opsets[dom] = ver
	return err
}

func (d *decoder) graph(b []byte, path string, depth int) (*Graph, error) {
	if depth > d.lim.MaxDepth {
		return nil, formatErr(path, "sub-graphs nested more than %d deep", d.lim.MaxDepth)
	}
	g := &Graph{}
	err := eachField(b, path, func(f field) error { return d.graphField(g, f, path, depth) })
	return g, err
}

// graphFields are the GraphProto fields that graphField reads.
func graphFields(num protowire.Number) bool {
	return num == 1 || num == 2 || num == 5 || (num >= 11 && num <= 13) || num == 15
}

// graphField decodes one field of a GraphProto into g.
func (d *decoder) graphField(g *Graph, f field, path string, depth int) error {
	if f.num == 2 {
		return f.str(path, "name", &g.Name)
	}
	if !graphFields(f.num) {
		return nil
	}
	if err := f.want(path, fmt.Sprintf("field %d", f.num), protowire.BytesType); err != nil {
		return err
	}
	switch f.num {
	case 1:
		n, err := d.node(f.b, fmt.Sprintf("%s.node[%d]", path, len(g.Nodes)), depth)
		g.Nodes = append(g.Nodes, n)
		return err
	case 5:
		t, err := d.tensor(f.b, fmt.Sprintf("%s.initializer[%d]", path, len(g.Initializers)))
		g.Initializers = append(g.Initializers, t)
		return err
	case 11, 12, 13:
		list, name := &g.Inputs, "input"
		if f.num == 12 {
			list, name = &g.Outputs, "output"
		} else if f.num == 13 {
			list, name = &g.ValueInfo, "value_info"
		}
		vi, err := d.valueInfo(f.b, fmt.Sprintf("%s.%s[%d]", path, name, len(*list)))
		*list = append(*list, vi)
		return err
	}
	return formatErr(path, "sparse initializers are not supported")
}

func (d *decoder) node(b []byte, path string, depth int) (*Node, error) {
	d.nodes++
	if d.nodes > d.lim.MaxNodes {
		return nil, formatErr(path, "more than %d nodes", d.lim.MaxNodes)
	}
	n := &Node{}
	err := eachField(b, path, func(f field) error {
		var s string
		switch f.num {
		case 1, 2:
			if err := f.str(path, "input/output", &s); err != nil {
				return err
			}
			if len(n.Inputs)+len(n.Outputs) >= maxNodeIO {
				return formatErr(path, "more than %d inputs and outputs", maxNodeIO)
			}
			if f.num == 1 {
				n.Inputs = append(n.Inputs, s)
			} else {
				n.Outputs = append(n.Outputs, s)
			}
		case 3:
			return f.str(path, "name", &n.Name)
		case 4:
			return f.str(path, "op_type", &n.OpType)
		case 7:
			return f.str(path, "domain", &n.Domain)
		case 5:
			if err := f.want(path, "attribute", protowire.BytesType); err != nil {
				return err
			}
			if len(n.Attrs) >= maxNodeIO {
				return formatErr(path, "more than %d attributes", maxNodeIO)
			}
			a, err := d.attribute(f.b, fmt.Sprintf("%s.attribute[%d]", path, len(n.Attrs)), depth)
			n.Attrs = append(n.Attrs, a)
			return err
		}
		return nil
	})
	return n, err
}

// maxNodeIO bounds the inputs, outputs and attributes of one node.
const maxNodeIO = 1 << 12

func (d *decoder) attribute(b []byte, path string, depth int) (*Attribute, error) {
	a := &Attribute{}
	const maxVals = 1 << 16
	err := eachField(b, path, func(f field) error {
		var err error
		var i int64
		switch f.num {
		case 1:
			return f.str(path, "name", &a.Name)
		case 20:
			err = f.int64(path, "type", &i)
			a.Type = AttrType(i)
		case 2:
			if err = f.want(path, "f", protowire.Fixed32Type); err == nil {
				a.F = float64(math.Float32frombits(uint32(f.v)))
			}
		case 3:
			err = f.int64(path, "i", &a.I)
		case 4:
			err = f.str(path, "s", &a.S)
		case 5:
			if err = f.want(path, "t", protowire.BytesType); err == nil {
				a.T, err = d.tensor(f.b, path+".t")
			}
		case 6, 11:
			if err = f.want(path, "g", protowire.BytesType); err == nil {
				var g *Graph
				g, err = d.graph(f.b, path+".g", depth+1)
				if f.num == 6 {
					a.G = g
				} else {
					a.Graphs = append(a.Graphs, g)
				}
			}
		case 7:
			a.Floats, err = appendFloats(f, path, "floats", a.Floats, maxVals)
		case 8:
			a.Ints, err = appendInts(f, path, "ints", a.Ints, maxVals)
		}
		return err
	})
	return a, err
}

func (d *decoder) valueInfo(b []byte, path string) (ValueInfo, error) {
	var vi ValueInfo
	err := eachField(b, path, func(f field) error {
		switch f.num {
		case 1:
			return f.str(path, "name", &vi.Name)
		case 2:
			if err := f.want(path, "type", protowire.BytesType); err != nil {
				return err
			}
			return d.typeProto(f.b, path+".type", &vi)
		}
		return nil
	})
	return vi, err
}

// typeProto reads TypeProto.tensor_type (field 1): elem_type and shape.
func (d *decoder) typeProto(b []byte, path string, vi *ValueInfo) error {
	return eachField(b, path, func(f field) error {
		if f.num != 1 {
			return nil // sequences, maps and the like: no shape
		}
		if err := f.want(path, "tensor_type", protowire.BytesType); err != nil {
			return err
		}
		return eachField(f.b, path+".tensor_type", func(g field) error {
			switch g.num {
			case 1:
				var t int64
				err := g.int64(path, "elem_type", &t)
				vi.ElemType = DataType(t)
				return err
			case 2:
				if err := g.want(path, "shape", protowire.BytesType); err != nil {
					return err
				}
				vi.HasShape = true
				return d.shape(g.b, path+".shape", vi)
			}
			return nil
		})
	})
}

func (d *decoder) shape(b []byte, path string, vi *ValueInfo) error {
	return eachField(b, path, func(f field) error {
		if f.num != 1 {
			return nil
		}
		if err := f.want(path, "dim", protowire.BytesType); err != nil {
			return err
		}
		if len(vi.Dims) >= d.lim.MaxRank {
			return formatErr(path, "rank above %d", d.lim.MaxRank)
		}
		dim := int64(-1)
		err := eachField(f.b, path+".dim", func(g field) error {
			if g.num == 1 {
				return g.int64(path, "dim_value", &dim)
			}
			return nil
		})
		if dim < 0 {
			dim = -1
		}
		vi.Dims = append(vi.Dims, dim)
		return err
	})
}
