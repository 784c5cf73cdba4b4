package playground

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-gota/gota/dataframe"
	"gonum.org/v1/plot/vg"

	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/plots"
)

// Figure is one figure of the page, as SVG.
type Figure struct {
	Name    string `json:"name"`    // speedup, overhead, memory, efficiency, energy or sync_cost
	Title   string `json:"title"`   // heading for the page
	Caption string `json:"caption"` // what the figure shows and what it leaves out
	SVG     string `json:"svg"`     // with a <title> naming the configuration
}

// figureKinds are the figures "figure" draws from a list of Results.
var figureKinds = []struct {
	name, title string
	draw        func(dataframe.DataFrame, plots.Select) (*plots.Figure, error)
	pinBus      bool // the figure shows one bus width
}{
	{"speedup", "Speedup per layer next to its limit PV", plots.Speedup, true},
	{"overhead", "Synchronisation traffic per layer", plots.Overhead, true},
	{"memory", "Memory per layer: shared regions, sequence registers and PUMA-style attributes", plots.Memory, true},
	{"efficiency", "Efficiency of each layer against the cores it uses, per bus width", plots.EfficiencyLayers, false},
}

// figureWidth is the width to draw a figure at for width CSS pixels of
// room (0: two paper columns): the room itself within the paper's one- and
// two-column widths, so that the page shows the figure at its natural size
// and its 7 to 9 pt text stays readable on a phone.
func figureWidth(width int) vg.Length {
	if width <= 0 {
		return plots.TwoColumn.Width
	}
	w := vg.Length(width) * 0.75 // 96 CSS pixels and 72 points to the inch
	return min(max(w, plots.OneColumn.Width), plots.TwoColumn.Width)
}

// drawFigure draws the named figure of rows for configuration c, to fit
// width CSS pixels.
func drawFigure(name string, rows []sim.Result, c *config, width int) (*Figure, error) {
	for _, k := range figureKinds {
		if k.name != name {
			continue
		}
		sel := plots.Select{Model: c.net.Name, Scheme: string(c.scheme), Xbar: c.arch.XbarRows, Cores: c.arch.Cores}
		if k.pinBus {
			sel.Bus = c.arch.BusBytes
		}
		fig, err := k.draw(sim.DataFrame(rows), sel)
		if err != nil {
			return nil, err
		}
		label := c.runConfig().Label
		if !k.pinBus {
			label = strings.Replace(label, fmt.Sprintf(", %d B bus", c.arch.BusBytes), "", 1)
		}
		fig.Title = k.title + ": " + label
		var buf bytes.Buffer
		if err := fig.WriteSVG(&buf, figureWidth(width)); err != nil {
			return nil, err
		}
		return &Figure{Name: k.name, Title: k.title, Caption: fig.Caption, SVG: buf.String()}, nil
	}
	names := make([]string, len(figureKinds))
	for i, k := range figureKinds {
		names[i] = k.name
	}
	return nil, fieldErr("figure", "figure %q: want one of %s", name, strings.Join(names, ", "))
}

// figure answers "figure": req.Figure drawn from req.Rows.
func figure(req Request) (*Figure, error) {
	c, err := parse(req)
	if err != nil {
		return nil, err
	}
	if len(req.Rows) == 0 {
		return nil, fmt.Errorf("figure %q: no results to draw", req.Figure)
	}
	return drawFigure(req.Figure, req.Rows, c, req.Width)
}
