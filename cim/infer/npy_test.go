package infer

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

// TestNPYRoundTrip: WriteNPY's float64 file reads back exactly, with its
// dims, and its header is padded to a multiple of 64 bytes.
func TestNPYRoundTrip(t *testing.T) {
	var b bytes.Buffer
	dims, v := []int64{2, 3}, []float64{1, -2.5, 3e-300, 4, 5, 1e300}
	if err := WriteNPY(&b, dims, v); err != nil {
		t.Fatal(err)
	}
	if hl := int(b.Bytes()[8]) + 10; hl%64 != 0 {
		t.Errorf("header ends at %d, not a multiple of 64", hl)
	}
	d, got, err := ReadNPY(bytes.NewReader(b.Bytes()))
	if err != nil || !slices.Equal(d, dims) || !slices.Equal(got, v) {
		t.Errorf("read %v %v %v", d, got, err)
	}
	if err := WriteNPY(&b, []int64{4}, v); err == nil {
		t.Error("dims [4] for 6 values accepted")
	}
}

// TestNPYErrors: truncated data, other dtypes, Fortran order and huge
// shapes are errors wrapping ErrNPY.
func TestNPYErrors(t *testing.T) {
	head := func(h string) []byte {
		b := []byte("\x93NUMPY\x01\x00")
		b = append(b, byte(len(h)), byte(len(h)>>8))
		return append(b, h...)
	}
	for name, data := range map[string][]byte{
		"magic":   []byte("PK\x03\x04"),
		"dtype":   head("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }"),
		"fortran": head("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }"),
		"huge":    head("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }"),
		"short":   append(head("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"), 0, 0, 0, 0),
		"noshape": head("{'descr': '<f4', 'fortran_order': False}"),
	} {
		if _, _, err := ReadNPY(bytes.NewReader(data)); !errors.Is(err, ErrNPY) {
			t.Errorf("%s: error %v, want ErrNPY", name, err)
		}
	}
}

// FuzzReadNPY: no input makes ReadNPY panic or allocate beyond its limit;
// what it accepts writes back to the same values.
func FuzzReadNPY(f *testing.F) {
	var b bytes.Buffer
	WriteNPY(&b, []int64{1, 2}, []float64{1, 2})
	f.Add(b.Bytes())
	f.Add([]byte("\x93NUMPY\x02\x00\x10\x00\x00\x00{'descr': '<f4'}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dims, v, err := ReadNPY(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := WriteNPY(&out, dims, v); err != nil {
			t.Fatalf("accepted dims %v with %d values: %v", dims, len(v), err)
		}
	})
}
