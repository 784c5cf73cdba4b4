package onnx

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// evalConstants evaluates a graph whose inputs are all given, with the
// importer's constant folding, and returns its outputs.
func evalConstants(m *Model, inputs map[string]*Tensor) ([]*konst, error) {
	c := newConverter(m.Graph, Options{})
	for _, t := range m.Graph.Initializers {
		if err := c.setTensor(t.Name, t); err != nil {
			return nil, err
		}
	}
	for name, t := range inputs {
		if err := c.setTensor(name, t); err != nil {
			return nil, err
		}
	}
	order, err := c.sort()
	if err != nil {
		return nil, err
	}
	for _, n := range order {
		if err := c.node(n); err != nil {
			return nil, err
		}
	}
	if len(c.problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(c.problems, "; "))
	}
	var out []*konst
	for _, o := range m.Graph.Outputs {
		v := c.vals[o.Name]
		if v == nil || v.k == nil {
			return nil, fmt.Errorf("output %q was not computed", o.Name)
		}
		out = append(out, v.k)
	}
	return out, nil
}

// foldable reports whether constant folding handles every node of g.
func foldable(g *Graph) bool {
	for _, n := range g.Nodes {
		if _, ok := folds[n.OpType]; !ok && n.OpType != "Constant" && n.OpType != "Split" {
			return false
		}
	}
	return len(g.Nodes) > 0
}

// TestOperatorFold runs constant folding on every ONNX operator test
// (libonnx-testdata) made only of operators that cimkit folds, with all
// inputs given as constants, and compares each output with the test's
// expected tensor: the element type, the dims, integer and bool values
// exactly, floating-point values to their type's precision. This checks
// the integer semantics (Div, Mod, Pow, BitShift per type), casts,
// comparisons, and the shape operators (Expand, Tile, Range, Where,
// ScatterND, Trilu, Slice with steps, Shape with start/end, ...).
func TestOperatorFold(t *testing.T) {
	checked := map[string]int{}
	for _, path := range testdata(t, "node/*/model.onnx") {
		dir := filepath.Dir(path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Decode(data, Limits{})
		if err != nil || !foldable(m.Graph) || strings.Contains(dir, "STRING") {
			continue
		}
		inputs := map[string]*Tensor{}
		for k, in := range m.Graph.Inputs {
			b, err := os.ReadFile(filepath.Join(dir, "test_data_set_0", fmt.Sprintf("input_%d.pb", k)))
			if err != nil {
				t.Fatal(err)
			}
			tn, err := DecodeTensor(b, Limits{})
			if err != nil || tn.Type != in.ElemType {
				inputs = nil // optional and sequence inputs; bfloat16 test data stored as uint16
				break
			}
			inputs[in.Name] = tn
		}
		if inputs == nil {
			continue
		}
		got, err := evalConstants(m, inputs)
		if strings.Contains(dir, "training_dropout") {
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("%s: Dropout in training mode: error %v", filepath.Base(dir), err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(dir), err)
			continue
		}
		for k, g := range got {
			want := readTensor(t, filepath.Join(dir, "test_data_set_0", fmt.Sprintf("output_%d.pb", k)))
			// Graphs expanded from a function compute in their types'
			// precision, the expected outputs come from the function's
			// reference: ONNX's test tolerance applies.
			rtol := map[bool]float64{false: 0, true: 1e-3}[strings.HasSuffix(dir, "_expanded")]
			if want.Type != m.Graph.Outputs[k].ElemType {
				continue // bfloat16 test data stored as uint16
			}
			if err := sameTensor(g, want, rtol); err != nil {
				t.Errorf("%s output %d: %v", filepath.Base(dir), k, err)
			}
		}
		for _, n := range m.Graph.Nodes {
			checked[n.OpType]++
		}
	}
	for _, op := range []string{"Div", "Mod", "Pow", "BitShift", "Cast", "Expand", "Tile", "Range", "ConstantOfShape",
		"Where", "Equal", "ScatterND", "Gather", "Unsqueeze", "Squeeze", "Shape", "Slice", "Not", "And", "Or", "Less",
		"Greater", "Trilu", "Sum", "Min", "Max", "CumSum", "DequantizeLinear", "Split", "ReduceSum", "Neg", "Abs"} {
		if checked[op] == 0 {
			t.Errorf("no operator test checked %s", op)
		}
	}
	t.Logf("operators checked: %v", checked)
}

// sameTensor compares a folded konst with an expected tensor.
// Floating-point values agree to their type's precision, or within rtol
// (and 1e-7) when rtol > 0.
func sameTensor(got *konst, want *Tensor, rtol float64) error {
	if err := want.validate(); err != nil {
		return err
	}
	if got.typ != want.Type || !slices.Equal(got.dims, want.Dims) && !(got.n() == 1 && want.Elems() == 1 && len(want.Dims) == 0) {
		return fmt.Errorf("got %v %v, want %v %v", got.typ, got.dims, want.Type, want.Dims)
	}
	f, i := want.decode()
	if i != nil {
		if g := got.exact(); !slices.Equal(g, i) {
			return fmt.Errorf("got %v, want %v", clip(g), clip(i))
		}
		return nil
	}
	tol := map[DataType]float64{Float: 1e-6, Double: 1e-12, Float16: 1e-3, BFloat16: 1e-2}[want.Type]
	atol := 0.0
	if rtol > 0 {
		tol, atol = rtol, 1e-7
	}
	for j, w := range f {
		g := got.floats()[j]
		if math.IsNaN(w) != math.IsNaN(g) || !math.IsNaN(w) && math.Abs(g-w) > atol+tol*math.Abs(w) {
			return fmt.Errorf("element %d: got %g, want %g", j, g, w)
		}
	}
	return nil
}

func clip[T any](v []T) []T {
	if len(v) > 12 {
		return v[:12]
	}
	return v
}
