package onnxshape_test

import (
	"fmt"

	"github.com/cimkit/cimkit/internal/onnxshape"
)

// A 2x3x4 tensor holds 24 values; stepping one along the first axis skips
// 12 of them, along the last one. Axis -1 is the last axis.
func Example() {
	dims := []int64{2, 3, 4}
	last, _ := onnxshape.Axis(-1, len(dims))
	_, err := onnxshape.Axis(3, len(dims))
	fmt.Println(onnxshape.Elems(dims), onnxshape.Strides(dims), last)
	fmt.Println(err)
	// Output:
	// 24 [12 4 1] 2
	// axis 3 out of range for rank 3
}
