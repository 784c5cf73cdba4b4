package report

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cimkit/cimkit/plots"
)

// Issue 12 item 12: every artefact of a report (results.csv, index.html,
// each figure in PNG, SVG, PDF and EPS) is byte for byte the same when the
// report is made twice. PDF and EPS embedded their creation time (EPS even
// Go's monotonic clock reading) and the page its run time; the second run
// starts over a second later, so that a timestamp would differ.
func TestReportReproducible(t *testing.T) {
	cfg := small()
	cfg.Formats = plots.Formats()
	var dirs [2]string
	for i := range dirs {
		if i == 1 {
			time.Sleep(1100 * time.Millisecond)
		}
		r, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		dirs[i] = t.TempDir()
		if _, err := r.Write(dirs[i]); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	err := filepath.WalkDir(dirs[0], func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dirs[0], p)
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(dirs[1], rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs (%v)", rel, err)
		}
		n++
		return nil
	})
	if err != nil || n < 4*6+2 {
		t.Errorf("%d files compared, %v", n, err)
	}
}
