package infer

import (
	"fmt"
	"math"
	"sort"
)

// Comparison measures an output against a reference of the same dims.
type Comparison struct {
	Elems  int
	MaxAbs float64 // largest |got - want|; +Inf when either has a NaN
	// MaxRel is MaxAbs relative to the reference's range, max |want|: an
	// element-wise relative error is meaningless for elements near zero.
	MaxRel float64
	// Cosine is the cosine similarity of the two vectors (1: same
	// direction; 1 as well when both are zero).
	Cosine float64
	// Rows is the number of rows along the last dim (the classes of a
	// classifier: one row for [1, 1000], one per time step for a sequence
	// [1, T, classes]); Top1 is how many have their largest element at the
	// same index in both.
	Rows, Top1 int
	// ArgGot and ArgWant are the first row's largest elements.
	ArgGot, ArgWant int
}

// Compare compares got with want, element by element and row by row along
// the last of dims (nil dims: one row).
func Compare(got, want []float64, dims []int64) (Comparison, error) {
	if len(got) != len(want) || len(got) == 0 {
		return Comparison{}, fmt.Errorf("compare: %d values against %d", len(got), len(want))
	}
	last := len(got)
	if len(dims) > 0 && dims[len(dims)-1] > 0 && len(got)%int(dims[len(dims)-1]) == 0 {
		last = int(dims[len(dims)-1])
	}
	c := Comparison{Elems: len(got), Rows: len(got) / last}
	var dot, ng, nw, ref float64
	for i, g := range got {
		w := want[i]
		if d := math.Abs(g - w); math.IsNaN(d) {
			c.MaxAbs = math.Inf(1) // a NaN: no tolerance accepts it
		} else if d > c.MaxAbs {
			c.MaxAbs = d
		}
		ref = math.Max(ref, math.Abs(w))
		dot += g * w
		ng += g * g
		nw += w * w
	}
	switch {
	case math.IsInf(c.MaxAbs, 1):
		c.MaxRel = c.MaxAbs
	case ref > 0:
		c.MaxRel = c.MaxAbs / ref
	case c.MaxAbs > 0:
		c.MaxRel = math.Inf(1)
	}
	switch {
	case ng == 0 && nw == 0:
		c.Cosine = 1
	case ng > 0 && nw > 0:
		c.Cosine = dot / math.Sqrt(ng*nw)
	}
	for r := 0; r < c.Rows; r++ {
		a, b := TopK(got[r*last:(r+1)*last], 1)[0], TopK(want[r*last:(r+1)*last], 1)[0]
		if r == 0 {
			c.ArgGot, c.ArgWant = a, b
		}
		if a == b {
			c.Top1++
		}
	}
	return c, nil
}

// String is a one-line summary.
func (c Comparison) String() string {
	top := fmt.Sprintf("top-1 %d vs %d", c.ArgGot, c.ArgWant)
	if c.Rows > 1 {
		top = fmt.Sprintf("top-1 agrees in %d of %d rows", c.Top1, c.Rows)
	}
	return fmt.Sprintf("max abs error %.3g, max rel error %.3g (of max |ref|), cosine %.6f, %s", c.MaxAbs, c.MaxRel, c.Cosine, top)
}

// TopK returns the indices of the k largest values, largest first (ties:
// lower index first).
func TopK(v []float64, k int) []int {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] > v[idx[b]] })
	return idx[:min(k, len(idx))]
}

// Tolerance is the largest MaxRel (error relative to the reference's
// largest magnitude) that a float64 run may show against ONNX Runtime's
// float32 output. ONNX Runtime rounds every layer's output to float32
// (2^-24 relative) and sums dot products of up to a few thousand terms in
// float32 (an error of about sqrt(n) roundings); the error then passes
// through the 20 to 120 layers of a network. On the tested models the
// measured worst is about 1e-5 (MobileNet v2, EfficientNet-B0): 1e-4 leaves
// a factor of ten, while a semantic error (a wrong padding, layout or
// operator attribute) moves outputs by 1e-2 of their range or more.
const Tolerance = 1e-4

// NetworkTolerance is the largest MaxRel between the float64 output of a
// whole-network run (Options.Network) and that of the layer-by-layer run
// in the same scheme. Both compute the same products with the same
// weights; the outputs are identical unless the whole-network program adds
// some sums in another order: the cyclic scheme in a folded layer's rounds
// or a layer's copies (its rotation runs over a round's or a copy's
// pixels), or a dense layer reading a flattened map in the chip's HWC
// order. float64 rounding then differs in the last bits: at most a few
// 1e-16 of the output's range on the tested networks.
const NetworkTolerance = 1e-12
