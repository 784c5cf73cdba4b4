package onnx

import (
	"errors"
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
	MaxTotalElems  int64 // elements of all constants of an import together
	MaxDepth       int   // nesting of sub-graphs (If, Loop bodies) in attributes
	MaxRank        int   // dims of one tensor
}

// DefaultLimits accept every model that fits in one ONNX file: protobuf
// refuses messages of 2 GiB and more, and larger models keep their
// weights in external files (which cimkit refuses). A float64 copy of the
// constants of such a file (decoded unless Options.SkipWeights) takes up
// to 4 GiB.
var DefaultLimits = Limits{
	MaxFileBytes:   2<<30 - 1,
	MaxNodes:       1 << 16,
	MaxTensorElems: 1 << 28,
	MaxTotalElems:  1 << 29,
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
// reading it) into one buffer of its size.
func ReadFile(path string, lim Limits) ([]byte, error) {
	f, size, err := openChecked(path, lim)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f, path, size, lim)
}

// openChecked opens a model file and checks its size against the limit.
func openChecked(path string, lim Limits) (*os.File, int64, error) {
	lim = lim.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("onnx: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("onnx: %w", err)
	}
	if st.Size() > lim.MaxFileBytes {
		f.Close()
		return nil, 0, fmt.Errorf("%w: %s: %d bytes, at most %d are accepted", ErrFormat, path, st.Size(), lim.MaxFileBytes)
	}
	return f, st.Size(), nil
}

// readAll reads f, expected to hold size bytes, into a buffer allocated
// once (a file that grows beyond the limit meanwhile is refused).
func readAll(f *os.File, path string, size int64, lim Limits) ([]byte, error) {
	lim = lim.withDefaults()
	buf := make([]byte, size+1) // one more, to see the end of the file
	n, err := io.ReadFull(f, buf)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return buf[:n], nil
	case err != nil:
		return nil, fmt.Errorf("onnx: reading %s: %w", path, err)
	}
	rest, err := io.ReadAll(io.LimitReader(f, lim.MaxFileBytes-size))
	if err != nil {
		return nil, fmt.Errorf("onnx: reading %s: %w", path, err)
	}
	if int64(n+len(rest)) > lim.MaxFileBytes {
		return nil, fmt.Errorf("%w: %s: more than %d bytes", ErrFormat, path, lim.MaxFileBytes)
	}
	return append(buf, rest...), nil
}
