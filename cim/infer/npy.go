package infer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/cimkit/cimkit/internal/onnxshape"
)

// The NumPy .npy format (version 1.0 and 2.0), for tensors exchanged with
// ONNX Runtime and NumPy: a magic string, a header that is a Python dict
// literal (descr, fortran_order, shape), then the elements in C order.

// MaxNPYElems bounds the elements ReadNPY accepts (1 GiB of float64).
const MaxNPYElems = 1 << 27

// ErrNPY is wrapped by every ReadNPY error.
var ErrNPY = errors.New("malformed .npy data")

var (
	npyDescr = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	npyOrder = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShape = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
)

// ReadNPY reads a little-endian float32 or float64 (descr '<f4', '<f8')
// array in C order, as dims and values.
func ReadNPY(r io.Reader) ([]int64, []float64, error) {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil || string(pre[:6]) != "\x93NUMPY" {
		return nil, nil, fmt.Errorf("%w: no .npy magic", ErrNPY)
	}
	hlen := int(binary.LittleEndian.Uint16(pre[8:]))
	switch pre[6] {
	case 1:
	case 2, 3:
		var more [2]byte
		if _, err := io.ReadFull(r, more[:]); err != nil {
			return nil, nil, fmt.Errorf("%w: truncated header", ErrNPY)
		}
		hlen |= int(binary.LittleEndian.Uint16(more[:])) << 16
	default:
		return nil, nil, fmt.Errorf("%w: version %d", ErrNPY, pre[6])
	}
	if hlen > 1<<16 {
		return nil, nil, fmt.Errorf("%w: header of %d bytes", ErrNPY, hlen)
	}
	head := make([]byte, hlen)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, nil, fmt.Errorf("%w: truncated header", ErrNPY)
	}
	dims, size, err := parseNPYHeader(string(head))
	if err != nil {
		return nil, nil, err
	}
	n := onnxshape.Elems(dims)
	// ReadAll grows with the data that arrives: a header announcing more
	// than the file holds costs no more memory than the file.
	body, err := io.ReadAll(io.LimitReader(r, n*int64(size)))
	if err != nil || int64(len(body)) != n*int64(size) {
		return nil, nil, fmt.Errorf("%w: %d elements announced, data truncated", ErrNPY, n)
	}
	v := make([]float64, n)
	for i := range v {
		if size == 4 {
			v[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:])))
		} else {
			v[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*i:]))
		}
	}
	return dims, v, nil
}

// parseNPYHeader reads the dims and the element size from the header.
func parseNPYHeader(h string) ([]int64, int, error) {
	d, o, s := npyDescr.FindStringSubmatch(h), npyOrder.FindStringSubmatch(h), npyShape.FindStringSubmatch(h)
	if d == nil || o == nil || s == nil {
		return nil, 0, fmt.Errorf("%w: header %q lacks descr, fortran_order or shape", ErrNPY, h)
	}
	size := map[string]int{"<f4": 4, "<f8": 8}[d[1]]
	if size == 0 {
		return nil, 0, fmt.Errorf("%w: dtype %q, want '<f4' or '<f8'", ErrNPY, d[1])
	}
	if o[1] == "True" {
		return nil, 0, fmt.Errorf("%w: Fortran order is not supported", ErrNPY)
	}
	var dims []int64
	n := int64(1)
	for _, f := range strings.Split(s[1], ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		x, err := strconv.ParseInt(f, 10, 64)
		if err != nil || x < 0 || x > MaxNPYElems {
			return nil, 0, fmt.Errorf("%w: shape (%s)", ErrNPY, s[1])
		}
		if n *= max(x, 1); n > MaxNPYElems {
			return nil, 0, fmt.Errorf("%w: shape (%s) exceeds %d elements", ErrNPY, s[1], MaxNPYElems)
		}
		dims = append(dims, x)
	}
	return dims, size, nil
}

// WriteNPY writes values v with the given dims as a float64 .npy array.
func WriteNPY(w io.Writer, dims []int64, v []float64) error {
	if onnxshape.Elems(dims) != int64(len(v)) {
		return fmt.Errorf("npy: dims %v for %d values", dims, len(v))
	}
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = strconv.FormatInt(d, 10)
	}
	shape := strings.Join(parts, ", ")
	if len(dims) == 1 {
		shape += ","
	}
	h := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", shape)
	h += strings.Repeat(" ", 63-(10+len(h))%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	b.WriteString(h)
	for _, x := range v {
		binary.Write(&b, binary.LittleEndian, x)
	}
	_, err := w.Write(b.Bytes())
	return err
}
