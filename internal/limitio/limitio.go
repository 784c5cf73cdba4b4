// Package limitio bounds what a reader of untrusted files takes in: a
// Reader stops with an error, instead of growing without end, once its
// input passes a total size or holds a line longer than a limit. Readers
// of line-oriented formats (CSV) wrap their input in one, so that a file
// such as /dev/zero, an endless line or an endless stream of empty lines
// fails with a clear error in bounded memory and time.
package limitio

import (
	"errors"
	"fmt"
	"io"
)

// ErrTooLarge is wrapped by every error a Reader returns for its limits.
var ErrTooLarge = errors.New("input too large")

// Reader reads from R and fails once more than MaxBytes bytes have been
// read in all, once a line (bytes between newlines) grows past MaxLine
// bytes, or once more than MaxLines lines have begun (empty lines count:
// a flood of newlines stops early). A limit of 0 is no limit.
type Reader struct {
	R        io.Reader
	MaxBytes int64
	MaxLine  int
	MaxLines int

	n    int64 // bytes read so far
	line int   // length of the current line
	num  int   // 1-based number of the current line
	err  error // sticky limit error
}

// NewReader returns a Reader of r with limits on its size and line length
// (set MaxLines for a limit on the number of lines).
func NewReader(r io.Reader, maxBytes int64, maxLine int) *Reader {
	return &Reader{R: r, MaxBytes: maxBytes, MaxLine: maxLine}
}

// Read reads from the underlying reader and checks the limits on what it
// got: bytes up to a limit are returned, and the next Read fails.
func (l *Reader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.R.Read(p)
	if l.num == 0 {
		l.num = 1
	}
	if l.MaxBytes > 0 && l.n+int64(n) > l.MaxBytes {
		n = int(l.MaxBytes - l.n)
		l.err = fmt.Errorf("larger than %d bytes: %w", l.MaxBytes, ErrTooLarge)
	}
	for i, c := range p[:n] {
		if c == '\n' {
			l.line = 0
			l.num++
			if l.MaxLines > 0 && l.num > l.MaxLines {
				n = i + 1
				l.err = fmt.Errorf("more than %d lines: %w", l.MaxLines, ErrTooLarge)
				break
			}
			continue
		}
		l.line++
		if l.MaxLine > 0 && l.line > l.MaxLine {
			n = i
			l.err = fmt.Errorf("line %d longer than %d bytes: %w", l.num, l.MaxLine, ErrTooLarge)
			break
		}
	}
	l.n += int64(n)
	if l.err != nil && n == 0 {
		return 0, l.err
	}
	if l.err != nil {
		return n, nil // the error comes with the next Read
	}
	return n, err
}
