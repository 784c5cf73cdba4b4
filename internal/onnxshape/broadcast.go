package onnxshape

import (
	"fmt"
	"slices"
	"strings"
)

// Broadcast returns the dims that tensors of the given dims broadcast to
// (ONNX's multidirectional broadcasting: dims are right-aligned, a missing
// or size-1 dim stretches to the others' size), or an error when two sizes
// other than 1 differ.
func Broadcast(list ...[]int64) ([]int64, error) {
	r := 0
	for _, d := range list {
		r = max(r, len(d))
	}
	out := make([]int64, r)
	for i := range out {
		out[i] = 1
	}
	for _, d := range list {
		off := r - len(d)
		for i, x := range d {
			switch o := &out[off+i]; {
			case *o == 1:
				*o = x
			case x != 1 && x != *o:
				parts := make([]string, len(list))
				for k, d := range list {
					parts[k] = fmt.Sprint(d)
				}
				return nil, fmt.Errorf("dims %s do not broadcast", strings.Join(parts, " and "))
			}
		}
	}
	return out, nil
}

// Broadcaster maps the flat index of an element of a broadcast result to
// the flat index of the operand element it comes from.
type Broadcaster struct {
	out, os, ds []int64 // result dims and strides; operand strides aligned to the result (0 where broadcast)
	same        bool    // the operand's dims are the result's
}

// NewBroadcaster returns the map from a result of dims out to an operand
// of dims d that broadcasts to it (see [Broadcast]).
func NewBroadcaster(out, d []int64) Broadcaster {
	b := Broadcaster{out: out, os: Strides(out), ds: make([]int64, len(out)), same: slices.Equal(out, d)}
	sd := Strides(d)
	off := len(out) - len(d)
	for i := range d {
		if d[i] != 1 {
			b.ds[off+i] = sd[i]
		}
	}
	return b
}

// Index returns the operand's flat index for the result's flat index i.
func (b Broadcaster) Index(i int64) int64 {
	if b.same {
		return i
	}
	var j int64
	for a := range b.out {
		j += (i / b.os[a] % b.out[a]) * b.ds[a]
	}
	return j
}
