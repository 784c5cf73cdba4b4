package nn

import "testing"

// TestDigitalMACs counts the matrix products on the digital units from
// the operands' dims: attention's Q*K^T for 12 heads of 197 tokens and 64
// features is 12*197*64*197; batch dims broadcast (2x1 with 5 gives 10
// products of 3x4 by 4x6, 72 MACs each); a rank-1 operand is a row or a
// column; mismatched inner dims and other operators count nothing.
func TestDigitalMACs(t *testing.T) {
	mm := func(op string, a, b []int64) *Layer {
		return &Layer{Kind: Digital, Op: op, Operator: &Operator{Args: []Operand{{Dims: a}, {Dims: b}}}}
	}
	cases := []struct {
		l    *Layer
		want int64
	}{
		{mm("MatMul", []int64{1, 12, 197, 64}, []int64{1, 12, 64, 197}), 12 * 197 * 64 * 197},
		{mm("MatMul", []int64{2, 1, 3, 4}, []int64{5, 4, 6}), 10 * 3 * 4 * 6},
		{mm("MatMul", []int64{4}, []int64{4, 6}), 4 * 6},
		{mm("MatMul", []int64{3, 4}, []int64{4}), 3 * 4},
		{mm("MatMulInteger", []int64{3, 4}, []int64{4, 2}), 24},
		{mm("MatMul", []int64{3, 4}, []int64{5, 2}), 0},
		{mm("Add", []int64{3, 4}, []int64{3, 4}), 0},
		{&Layer{Kind: Digital, Op: "MatMul"}, 0},
		{&Layer{Kind: Conv2D, Op: "MatMul"}, 0},
	}
	net := &Network{}
	var total int64
	for i, c := range cases {
		if got := c.l.DigitalMACs(); got != c.want {
			t.Errorf("case %d (%s): %d MACs, want %d", i, c.l.Op, got, c.want)
		}
		net.Layers = append(net.Layers, c.l)
		total += c.want
	}
	if net.DigitalMACs() != total {
		t.Errorf("network: %d digital MACs, want %d", net.DigitalMACs(), total)
	}
}

// TestKindName: a layer's kind, with the operator of a digital layer.
func TestKindName(t *testing.T) {
	for _, c := range []struct {
		l    Layer
		want string
	}{
		{Layer{Kind: Conv2D}, "conv2d"}, {Layer{Kind: Add}, "add"},
		{Layer{Kind: Digital, Op: "Add"}, "digital:Add"}, {Layer{Kind: Digital}, "digital"},
	} {
		if got := c.l.KindName(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.l, got, c.want)
		}
	}
}
