// Package onnxshape is the shape arithmetic of ONNX tensors, shared by the
// ONNX reader's constant folding (cim/onnx) and the inference executor's
// reference operators (cim/infer), so that both read a tensor's dims the
// same way: element counts, row-major strides and axes that may count from
// the end.
package onnxshape

import "fmt"

// Elems returns the number of elements of a tensor with dims (1 for a
// scalar, whose dims are empty).
func Elems(dims []int64) int64 {
	n := int64(1)
	for _, d := range dims {
		n *= d
	}
	return n
}

// Strides returns the row-major strides of dims: how far apart in the flat
// values two neighbours along each axis are (the last axis is 1).
func Strides(dims []int64) []int64 {
	s := make([]int64, len(dims))
	acc := int64(1)
	for i := len(dims) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= dims[i]
	}
	return s
}

// Axis returns axis a of a tensor of the given rank as an index in
// 0..rank-1; a negative a counts from the end (-1 is the last axis).
func Axis(a int64, rank int) (int, error) {
	if a < 0 {
		a += int64(rank)
	}
	if a < 0 || a >= int64(rank) {
		return 0, fmt.Errorf("axis %d out of range for rank %d", a, rank)
	}
	return int(a), nil
}
