package limitio

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// A flood of newlines stops at MaxLines.
func TestReaderMaxLines(t *testing.T) {
	r := NewReader(strings.NewReader(strings.Repeat("\n", 1000)), 0, 0)
	r.MaxLines = 10
	got, err := io.ReadAll(r)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 10 lines") || len(got) != 10 {
		t.Errorf("read %d bytes, error %v", len(got), err)
	}
	r = NewReader(strings.NewReader("a\nb\nc"), 0, 0)
	r.MaxLines = 3
	if got, err := io.ReadAll(r); err != nil || string(got) != "a\nb\nc" {
		t.Errorf("3 lines: %q, %v", got, err)
	}
}

func TestReaderLimits(t *testing.T) {
	for _, c := range []struct {
		in       string
		maxBytes int64
		maxLine  int
		want     string // error, "" for none
	}{
		{"ab\ncd\n", 6, 2, ""},
		{"ab\ncd\n", 5, 0, "larger than 5 bytes"},
		{"ab\ncde\n", 0, 2, "line 2 longer than 2 bytes"},
		{strings.Repeat("x", 100), 0, 99, "line 1 longer than 99 bytes"},
		{strings.Repeat("\n", 1000), 999, 0, "larger than 999 bytes"},
		{strings.Repeat("x", 100), 0, 0, ""},
	} {
		got, err := io.ReadAll(NewReader(strings.NewReader(c.in), c.maxBytes, c.maxLine))
		switch {
		case c.want == "" && (err != nil || string(got) != c.in):
			t.Errorf("%.20q: %v, read %d bytes", c.in, err, len(got))
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrTooLarge)):
			t.Errorf("%.20q: error %v, want %q", c.in, err, c.want)
		}
	}
}

// An endless input (as /dev/zero) stops at the limit.
func TestReaderEndless(t *testing.T) {
	var zeros endless
	n, err := io.Copy(io.Discard, NewReader(zeros, 1<<20, 0))
	if !errors.Is(err, ErrTooLarge) || n > 1<<20 {
		t.Errorf("copied %d bytes, error %v", n, err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) { clear(p); return len(p), nil }
