package kernel

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/plots"
)

// tracedRun simulates a 1x1 conv whose 4 input channels need two 2x2
// crossbars (PV = 2), with the trace on.
func tracedRun(t *testing.T) *sim.Timing {
	conv := &nn.Layer{Name: "conv", Kind: nn.Conv2D, KernelH: 1, KernelW: 1, Filters: 2, Act: nn.ActReLU}
	net := &nn.Network{Input: nn.Shape{C: 4, H: 2, W: 2}, Layers: []*nn.Layer{conv}}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.SharedMemBytes = 2, 2, 4096
	m, err := mapping.Map(conv, a)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := sim.Simulate(m, a, compile.Linear, sim.Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestTimelineFigure(t *testing.T) {
	fig, err := Timeline(tracedRun(t), plots.TimelineOptions{Title: "conv, linear"})
	if err != nil {
		t.Fatal(err)
	}
	svg, err := FigureSVG(fig, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Two paper columns: 7 in = 504 pt wide.
	if !strings.Contains(string(svg), `width="504pt"`) || !strings.Contains(string(svg), "conv, linear") {
		t.Errorf("timeline SVG: %.400s", svg)
	}
	png, err := FigurePNG(fig, plots.OneColumn.Width)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Error("FigurePNG: not a PNG")
	}
	if _, err := Timeline(&sim.Timing{}, plots.TimelineOptions{}); err == nil || !strings.Contains(err.Error(), "no trace") {
		t.Errorf("Timeline without trace: err = %v", err)
	}
	if _, err := FigureSVG(nil, 0); err == nil {
		t.Error("FigureSVG(nil): no error")
	}
	got := capture(t)
	if err := Show(fig); err != nil {
		t.Fatal(err)
	}
	if err := ShowFigure(fig, 0, true); err != nil {
		t.Fatal(err)
	}
	if k := keys((*got)[0]) + " " + keys((*got)[1]); k != "image/svg+xml,text/plain image/png,text/plain" {
		t.Errorf("MIME types %s", k)
	}
}
