// Package golden holds a test's outcomes, one line per case, to a golden
// file: a test computes its lines and Lines compares them with the file,
// or rewrites the file when the test runs with its -update flag. The
// simulator's golden sets (cim/sim, cim/netsim) use it to keep a faster
// engine to the same numbers.
package golden

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxReported is the most differing lines Lines reports one by one.
const maxReported = 10

// Lines compares got, line by line, with the lines of file. With update it
// writes got to file instead (creating its folder). Differences are test
// errors naming the file and the line (up to 10 of them, then a count); a
// missing file or a different number of lines is fatal.
func Lines(t testing.TB, file string, got []string, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		want = append(want, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(want) != len(got) {
		t.Fatalf("%s: %d golden lines, %d computed", file, len(want), len(got))
	}
	bad := 0
	for i := range got {
		if got[i] != want[i] {
			if bad++; bad <= maxReported {
				t.Errorf("%s line %d:\n got %s\nwant %s", file, i+1, got[i], want[i])
			}
		}
	}
	if bad > maxReported {
		t.Errorf("%s: %d of %d lines differ", file, bad, len(got))
	}
}
