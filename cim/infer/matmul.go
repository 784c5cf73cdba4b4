package infer

import (
	"fmt"
	"slices"

	"github.com/cimkit/cimkit/internal/onnxshape"
)

// matmul is numpy's matmul, as ONNX MatMul: 1-D operands are promoted (a
// row for the first, a column for the second) and the promoted axis
// dropped; the batch dims broadcast.
func matmul(c *opCall) (*tensor, error) {
	a := c.args[0]
	b := c.args[1]
	ad, bd := a.dims, b.dims
	if len(ad) == 0 || len(bd) == 0 {
		return nil, fmt.Errorf("scalar operand")
	}
	if len(ad) == 1 {
		ad = []int64{1, ad[0]}
	}
	if len(bd) == 1 {
		bd = []int64{bd[0], 1}
	}
	m, k, n := ad[len(ad)-2], ad[len(ad)-1], bd[len(bd)-1]
	if bd[len(bd)-2] != k {
		return nil, fmt.Errorf("dims %v and %v do not multiply", a.dims, b.dims)
	}
	batch, err := onnxshape.Broadcast(ad[:len(ad)-2], bd[:len(bd)-2])
	if err != nil {
		return nil, err
	}
	nb := onnxshape.Elems(batch)
	out := make([]float64, nb*m*n)
	ba, bb := onnxshape.NewBroadcaster(batch, ad[:len(ad)-2]), onnxshape.NewBroadcaster(batch, bd[:len(bd)-2])
	for i := int64(0); i < nb; i++ {
		am := a.v[ba.Index(i)*m*k:][:m*k]
		bm := b.v[bb.Index(i)*k*n:][:k*n]
		om := out[i*m*n:][:m*n]
		for r := int64(0); r < m; r++ {
			for q := int64(0); q < k; q++ {
				x := am[r*k+q]
				row := bm[q*n : (q+1)*n]
				for j, y := range row {
					om[r*n+int64(j)] += x * y
				}
			}
		}
	}
	dims := append(slices.Clone(batch), m, n)
	if len(a.dims) == 1 {
		dims = slices.Delete(dims, len(dims)-2, len(dims)-1)
	}
	if len(b.dims) == 1 {
		dims = dims[:len(dims)-1]
	}
	return &tensor{dims: dims, v: out}, nil
}

// gemm is alpha * A' * B' + beta * C, A' and B' optionally transposed,
// C broadcast to the product (a Gemm whose B is computed, not weights).
func gemm(c *opCall) (*tensor, error) {
	a := c.args[0]
	b := c.args[1]
	if len(a.dims) != 2 || len(b.dims) != 2 {
		return nil, fmt.Errorf("dims %v and %v: want matrices", a.dims, b.dims)
	}
	if c.op.Int("transA", 0) != 0 {
		a, _ = transposeT(a, []int64{1, 0})
	}
	if c.op.Int("transB", 0) != 0 {
		b, _ = transposeT(b, []int64{1, 0})
	}
	prod, err := matmul(&opCall{l: c.l, op: c.op, args: []*tensor{a, b}})
	if err != nil {
		return nil, err
	}
	alpha, beta := c.op.Float("alpha", 1), c.op.Float("beta", 1)
	for i := range prod.v {
		prod.v[i] *= alpha
	}
	if cc := c.arg(2); cc != nil {
		return zip(prod, cc, func(p, x float64) float64 { return p + beta*x })
	}
	return prod, nil
}
