package nn

// KindName names what a layer computes, the one way every table, page and
// notebook shows it: its Kind ("conv2d", "add", "maxpool", ...), and for
// a Digital layer the operator it runs, "digital:" + Op ("digital:Softmax",
// "digital:Add"). An "add" is the residual sum of tensors of one shape
// that cimkit models itself; other additions (a constant operand,
// broadcasting) are "digital:Add".
func (l *Layer) KindName() string {
	if l.Kind == Digital && l.Op != "" {
		return string(Digital) + ":" + l.Op
	}
	return string(l.Kind)
}

// matmulOperands locates the two multiplied operands of the matrix
// products that run on the digital units.
var matmulOperands = map[string][2]int{"MatMul": {0, 1}, "MatMulInteger": {0, 1}, "QLinearMatMul": {0, 3}}

// DigitalMACs is the number of multiply-accumulates of a Digital layer
// that multiplies two matrices on the digital units, as attention's
// products of two computed tensors (Q*K^T, A*V) do: batch*M*K*N, from the
// operands' dims recorded by the ONNX importer (Operator), with numpy's
// rules for rank-1 operands and broadcast batch dims. It is 0 for every
// other layer, and for layers without operand dims. MACs counts the
// crossbar work only: the two are kept apart because the paper's figures
// are about crossbars.
func (l *Layer) DigitalMACs() int64 {
	ops, ok := matmulOperands[l.Op]
	if l.Kind != Digital || !ok || l.Operator == nil || len(l.Operator.Args) <= ops[1] {
		return 0
	}
	a, b := l.Operator.Args[ops[0]].Dims, l.Operator.Args[ops[1]].Dims
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) == 1 {
		a = []int64{1, a[0]}
	}
	if len(b) == 1 {
		b = []int64{b[0], 1}
	}
	m, k, n := a[len(a)-2], a[len(a)-1], b[len(b)-1]
	if b[len(b)-2] != k {
		return 0
	}
	macs := m * k * n
	for i := 3; i <= max(len(a), len(b)); i++ { // batch dims, broadcast
		d := int64(1)
		if j := len(a) - i; j >= 0 {
			d = a[j]
		}
		if j := len(b) - i; j >= 0 && b[j] != 1 {
			d = b[j]
		}
		macs *= d
	}
	return macs
}

// DigitalMACs is the network's total of multiply-accumulates on the
// digital units (see Layer.DigitalMACs); MACs is the crossbar total.
func (n *Network) DigitalMACs() int64 {
	var s int64
	for _, l := range n.Layers {
		s += l.DigitalMACs()
	}
	return s
}
