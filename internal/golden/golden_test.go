package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records errors; Fatal and Fatalf record
// and stop Lines by a panic that check recovers.
type recorder struct {
	testing.TB
	errs []string
}

// stop is the panic of recorder.Fatal.
type stop struct{}

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(f string, a ...any) { r.errs = append(r.errs, fmt.Sprintf(f, a...)) }
func (r *recorder) Fatal(a ...any)            { r.errs = append(r.errs, fmt.Sprint(a...)); panic(stop{}) }
func (r *recorder) Fatalf(f string, a ...any) {
	r.errs = append(r.errs, fmt.Sprintf(f, a...))
	panic(stop{})
}

// check runs Lines on file and got (no update) and returns its errors.
func check(t *testing.T, file string, got []string) (errs []string) {
	r := &recorder{TB: t}
	defer func() {
		if v := recover(); v != nil && v != (stop{}) {
			panic(v)
		}
		errs = r.errs
	}()
	Lines(r, file, got, false)
	return r.errs
}

// TestLines writes three lines with update, then compares: the same lines
// pass; one changed line is one error naming line 2; twelve lines against
// three, and a missing file, are fatal.
func TestLines(t *testing.T) {
	file := filepath.Join(t.TempDir(), "testdata", "set.txt")
	Lines(t, file, []string{"a 1", "b 2", "c 3"}, true)
	if b, err := os.ReadFile(file); err != nil || string(b) != "a 1\nb 2\nc 3\n" {
		t.Fatalf("written %q, %v", b, err)
	}
	if errs := check(t, file, []string{"a 1", "b 2", "c 3"}); len(errs) != 0 {
		t.Errorf("same lines: %q", errs)
	}
	if errs := check(t, file, []string{"a 1", "b 5", "c 3"}); len(errs) != 1 || errs[0] != file+" line 2:\n got b 5\nwant b 2" {
		t.Errorf("one changed line: %q", errs)
	}
	if errs := check(t, file, make([]string, 12)); len(errs) != 1 || errs[0] != file+": 3 golden lines, 12 computed" {
		t.Errorf("more lines: %q", errs)
	}
	if errs := check(t, filepath.Join(t.TempDir(), "none.txt"), nil); len(errs) != 1 {
		t.Errorf("missing file: %q", errs)
	}
}
