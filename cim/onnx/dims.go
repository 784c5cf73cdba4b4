package onnx

import (
	"fmt"
	"slices"

	"github.com/cimkit/cimkit/internal/onnxshape"
)

// Shape arithmetic shared by constant folding and the network's tensors.

func reshapeDims(in, shape []int64, allowZero bool) ([]int64, error) {
	out := make([]int64, len(shape))
	infer, known := -1, int64(1)
	for i, s := range shape {
		switch {
		case s == 0 && !allowZero:
			if i >= len(in) {
				return nil, fmt.Errorf("reshape %v of %v: 0 copies a dim that does not exist", shape, in)
			}
			out[i] = in[i]
		case s == -1:
			if infer >= 0 {
				return nil, fmt.Errorf("reshape %v: more than one -1", shape)
			}
			infer = i
			continue
		case s < 0:
			return nil, fmt.Errorf("reshape %v: negative size", shape)
		default:
			out[i] = s
		}
		if out[i] > 0 && known > (1<<62)/out[i] {
			return nil, fmt.Errorf("reshape %v: too many elements", shape)
		}
		known *= out[i]
	}
	total := onnxshape.Elems(in)
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return nil, fmt.Errorf("reshape %v of %v: cannot infer -1", shape, in)
		}
		out[infer] = total / known
	} else if known != total {
		return nil, fmt.Errorf("reshape %v of %v: %d elements become %d", shape, in, total, known)
	}
	return out, nil
}

func squeezeDims(in, axes []int64) ([]int64, error) {
	drop := make([]bool, len(in))
	for _, a := range axes {
		i, err := onnxshape.Axis(a, len(in))
		if err != nil {
			return nil, err
		}
		if in[i] != 1 {
			return nil, fmt.Errorf("squeeze axis %d of %v: size is not 1", a, in)
		}
		drop[i] = true
	}
	var out []int64
	for i, d := range in {
		if (len(axes) == 0 && d == 1) || drop[i] {
			continue
		}
		out = append(out, d)
	}
	return out, nil
}

func unsqueezeDims(in, axes []int64) ([]int64, error) {
	rank := len(in) + len(axes)
	if rank > 16 {
		return nil, fmt.Errorf("unsqueeze to rank %d", rank)
	}
	one := make([]bool, rank)
	for _, a := range axes {
		i, err := onnxshape.Axis(a, rank)
		if err != nil || one[i] {
			return nil, fmt.Errorf("unsqueeze axes %v of %v: bad or repeated axis", axes, in)
		}
		one[i] = true
	}
	out := make([]int64, 0, rank)
	k := 0
	for i := 0; i < rank; i++ {
		if one[i] {
			out = append(out, 1)
		} else {
			out = append(out, in[k])
			k++
		}
	}
	return out, nil
}

func flattenDims(in []int64, a int64) ([]int64, error) {
	if a < 0 {
		a += int64(len(in))
	}
	if a < 0 || a > int64(len(in)) {
		return nil, fmt.Errorf("flatten axis %d of %v", a, in)
	}
	return []int64{onnxshape.Elems(in[:a]), onnxshape.Elems(in[a:])}, nil
}

// reversedPerm is Transpose's default perm: the dims in reverse order.
func reversedPerm(rank int) []int64 {
	perm := make([]int64, rank)
	for i := range perm {
		perm[i] = int64(rank - 1 - i)
	}
	return perm
}

func transposeDims(in, perm []int64) ([]int64, error) {
	if len(perm) == 0 {
		perm = reversedPerm(len(in))
	}
	if len(perm) != len(in) {
		return nil, fmt.Errorf("transpose perm %v of dims %v", perm, in)
	}
	out := make([]int64, len(in))
	seen := make([]bool, len(in))
	for i, p := range perm {
		if p < 0 || p >= int64(len(in)) || seen[p] {
			return nil, fmt.Errorf("transpose perm %v is not a permutation", perm)
		}
		seen[p] = true
		out[i] = in[p]
	}
	return out, nil
}

// movesData reports whether a transpose changes the order of elements in
// memory (moving only size-1 dims does not).
func movesData(in, perm []int64) bool {
	last := int64(-1)
	for _, p := range perm {
		if in[p] == 1 {
			continue
		}
		if p < last {
			return true
		}
		last = p
	}
	return false
}

func concatDims(list [][]int64, a int64) ([]int64, int, error) {
	if len(list) == 0 {
		return nil, 0, fmt.Errorf("concat of nothing")
	}
	i, err := onnxshape.Axis(a, len(list[0]))
	if err != nil {
		return nil, 0, err
	}
	out := slices.Clone(list[0])
	for _, d := range list[1:] {
		if len(d) != len(out) {
			return nil, 0, fmt.Errorf("concat of dims %v and %v", list[0], d)
		}
		for j := range d {
			if j != i && d[j] != out[j] {
				return nil, 0, fmt.Errorf("concat on axis %d of dims %v and %v", a, list[0], d)
			}
		}
		out[i] += d[i]
	}
	return out, i, nil
}
