package onnx

import (
	"fmt"
	"io"
	"os"
)

// Limits bound what the reader accepts, so that a hostile or broken file
// gets a clear error instead of exhausting memory or time. A zero field
// takes its DefaultLimits value.
type Limits struct {
	MaxFileBytes   int64 // size of the model file
	MaxNodes       int   // nodes, sub-graphs included
	MaxTensorElems int64 // elements of one tensor (and of one folded constant)
	MaxTotalElems  int64 // elements of all constants decoded by Import together
	MaxDepth       int   // nesting of sub-graphs (If, Loop bodies) in attributes
	MaxRank        int   // dims of one tensor
}

// DefaultLimits are generous for real CNNs (the largest ImageNet models are
// a few hundred MB with a few thousand nodes) and small enough that a
// float64 copy of every weight stays within a few GB.
var DefaultLimits = Limits{
	MaxFileBytes:   512 << 20,
	MaxNodes:       1 << 16,
	MaxTensorElems: 1 << 28,
	MaxTotalElems:  1 << 28,
	MaxDepth:       4,
	MaxRank:        8,
}

// withDefaults returns l with every field that is zero or less taken from
// DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	d.MaxFileBytes = orDefault(l.MaxFileBytes, d.MaxFileBytes)
	d.MaxNodes = orDefault(l.MaxNodes, d.MaxNodes)
	d.MaxTensorElems = orDefault(l.MaxTensorElems, d.MaxTensorElems)
	d.MaxTotalElems = orDefault(l.MaxTotalElems, d.MaxTotalElems)
	d.MaxDepth = orDefault(l.MaxDepth, d.MaxDepth)
	d.MaxRank = orDefault(l.MaxRank, d.MaxRank)
	return d
}

func orDefault[T int | int64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// ReadFile reads a file of at most lim.MaxFileBytes bytes (checked before
// reading it whole).
func ReadFile(path string, lim Limits) ([]byte, error) {
	lim = lim.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > lim.MaxFileBytes {
		return nil, fmt.Errorf("%w: %s: %d bytes, at most %d are accepted", ErrFormat, path, st.Size(), lim.MaxFileBytes)
	}
	data, err := io.ReadAll(io.LimitReader(f, lim.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("onnx: reading %s: %w", path, err)
	}
	if int64(len(data)) > lim.MaxFileBytes {
		return nil, fmt.Errorf("%w: %s: more than %d bytes", ErrFormat, path, lim.MaxFileBytes)
	}
	return data, nil
}
