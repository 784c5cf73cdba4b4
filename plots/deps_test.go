package plots

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestSVGOnlyDeps checks that package plots, built as the browser
// playground builds it (js/wasm with the tag "minimal"), links gonum/plot's
// SVG back end only: the PNG, PDF, EPS and TeX back ends belong in
// plots/export, and they would add about 0.8 MB to the gzipped wasm.
func TestSVGOnlyDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	cmd := exec.Command(goCmd, "list", "-deps", "-tags", "minimal", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	var svg bool
	for _, d := range deps {
		switch d {
		case "gonum.org/v1/plot/vg/vgsvg":
			svg = true
		case "gonum.org/v1/plot/vg/vgimg", "gonum.org/v1/plot/vg/vgpdf",
			"gonum.org/v1/plot/vg/vgeps", "gonum.org/v1/plot/vg/vgtex":
			t.Errorf("package plots depends on %s (move that code to plots/export)", d)
		}
	}
	if !svg {
		t.Error("package plots does not depend on vgsvg")
	}
}
