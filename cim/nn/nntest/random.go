// Package nntest makes random layers for the property tests of the stages
// that consume cim/nn networks (mapping, compiler, executors).
package nntest

import (
	"math/rand/v2"

	"github.com/cimkit/cimkit/cim/nn"
)

// RandomLayer returns a random crossbar layer and the input shape it reads:
// one time in six a Dense layer, otherwise a Conv2D with odd sizes, kernels of
// 1 to 3, strides 1 or 2, padding 0 or 1 on each side, dilation 1 or 2, and 1,
// 2, 3 or C groups (depthwise) where they divide C; activation none, ReLU or
// ReLU6 and a bias half of the time. Input H and W are in 1..maxHW. The layer
// is valid for its input: a kernel that would not fit is reduced to 1.
func RandomLayer(rng *rand.Rand, maxHW int) (*nn.Layer, nn.Shape) {
	in := nn.Shape{C: 1 + rng.IntN(12), H: 1 + rng.IntN(maxHW), W: 1 + rng.IntN(maxHW)}
	act := []nn.Act{nn.ActNone, nn.ActReLU, nn.ActReLU6}[rng.IntN(3)]
	if rng.IntN(6) == 0 {
		return &nn.Layer{Name: "fc", Kind: nn.Dense, Filters: 1 + rng.IntN(20), Bias: rng.IntN(2) == 0, Act: act}, in
	}
	g := 1
	if d := []int{1, 2, 3, in.C}[rng.IntN(4)]; in.C%d == 0 {
		g = d
	}
	l := &nn.Layer{Name: "conv", Kind: nn.Conv2D, Groups: g, Filters: g * (1 + rng.IntN(5)), Act: act,
		KernelH: 1 + rng.IntN(3), KernelW: 1 + rng.IntN(3), StrideH: 1 + rng.IntN(2), StrideW: 1 + rng.IntN(2),
		DilationH: 1 + rng.IntN(2), DilationW: 1 + rng.IntN(2), PadTop: rng.IntN(2), PadBottom: rng.IntN(2),
		PadLeft: rng.IntN(2), PadRight: rng.IntN(2), Bias: rng.IntN(2) == 0}
	if l.DilationH*(l.KernelH-1)+1 > in.H+l.PadTop+l.PadBottom {
		l.KernelH, l.DilationH = 1, 1
	}
	if l.DilationW*(l.KernelW-1)+1 > in.W+l.PadLeft+l.PadRight {
		l.KernelW, l.DilationW = 1, 1
	}
	return l, in
}
