package nn

import (
	"errors"
	"testing"
)

// FuzzInfer feeds arbitrary hyper-parameters to a two-layer network: Infer
// must not panic, and either reject them with ErrInvalid or give positive
// shapes within the limits and consistent counts.
func FuzzInfer(f *testing.F) {
	f.Add(3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, uint8(0))
	f.Add(8, 9, 9, 8, 3, 3, 2, 2, 1, 1, 0, 1, 8, 2, true, uint8(1))
	f.Add(1, 1, 1, 1, 0, -1, 0, 0, -1, 0, 0, 0, 0, 0, false, uint8(2))
	f.Fuzz(func(t *testing.T, c, h, w, filters, kh, kw, sh, sw, pt, pb, pl, pr, groups, dil int, ceil bool, kind uint8) {
		kinds := []Kind{Conv2D, MaxPool, AvgPool, Dense}
		l := &Layer{Name: "l", Kind: kinds[int(kind)%len(kinds)], Filters: filters, KernelH: kh, KernelW: kw,
			StrideH: sh, StrideW: sw, PadTop: pt, PadBottom: pb, PadLeft: pl, PadRight: pr,
			Groups: groups, DilationH: dil, DilationW: dil, CeilMode: ceil}
		n := &Network{Name: "f", Input: Shape{c, h, w}, Layers: []*Layer{l, {Name: "g", Kind: GlobalAvgPool}}}
		err := n.Infer()
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not wrapping ErrInvalid: %v", err)
			}
			return
		}
		if checkShape("out", l.Out) != nil || l.MACs() < 0 || l.Params() < 0 {
			t.Fatalf("%+v: out %s, MACs %d, params %d", l, l.Out, l.MACs(), l.Params())
		}
	})
}
