package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cimkit/cimkit/cim/nn"
)

func init() {
	register(command{
		name:    "layers",
		summary: "list a model's layers: shapes, kernel, MACs, parameters, im2col size",
		run:     runLayers,
	})
}

// layerRow is one line of "cimkit layers" in JSON. MACs are the layer's
// multiply-accumulates where it runs: on crossbars (Unit "crossbar") or,
// for matrix products of two computed tensors such as attention's, on the
// digital units (Unit "digital").
type layerRow struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Unit       string `json:"unit"`
	In         string `json:"in"`
	Out        string `json:"out"`
	Kernel     string `json:"kernel"`
	Stride     string `json:"stride"`
	Groups     int    `json:"groups"`
	MACs       int64  `json:"macs"`
	Params     int64  `json:"params"`
	Im2colRows int    `json:"im2col_rows"`
	Im2colCols int    `json:"im2col_cols"`
}

var layerHeader = []string{"name", "kind", "in", "out", "kernel", "stride", "groups", "macs", "params", "im2col_rows", "im2col_cols"}

func runLayers(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("layers", stderr)
	mf := modelFlags{stderr: stderr}
	mf.register(fs)
	format := formatFlag(fs)
	if err := parseListingFlags(fs, args, format); err != nil {
		return err
	}
	net, err := mf.load()
	if err != nil {
		return err
	}
	rows, text := layerRows(net)
	if *format == formatTable {
		text = append(text, totalRows(net)...)
	}
	return emit(stdout, *format, layerHeader, text, rows)
}

// totalRows are the table's totals: "total" (MACs and parameters) for a
// network whose MACs are all on crossbars; else "total crossbar" (the
// paper's work) and "total digital" (matrix products on the digital
// units), kept apart.
func totalRows(net *nn.Network) [][]string {
	row := func(name string, macs int64, params string) []string {
		return []string{name, "", "", "", "", "", "", strconv.FormatInt(macs, 10), params, "", ""}
	}
	params := strconv.FormatInt(net.Params(), 10)
	if net.DigitalMACs() == 0 {
		return [][]string{row("total", net.MACs(), params)}
	}
	return [][]string{row("total crossbar", net.MACs(), params), row("total digital", net.DigitalMACs(), "-")}
}

// layerRows describes every layer of net, for JSON and as text.
func layerRows(net *nn.Network) ([]layerRow, [][]string) {
	rows := make([]layerRow, 0, len(net.Layers))
	text := make([][]string, 0, len(net.Layers))
	for _, l := range net.Layers {
		r := describeLayer(l)
		rows = append(rows, r)
		text = append(text, []string{r.Name, r.Kind, r.In, r.Out, r.Kernel, r.Stride,
			orDash(r.Groups), strconv.FormatInt(r.MACs, 10), strconv.FormatInt(r.Params, 10),
			orDash(r.Im2colRows), orDash(r.Im2colCols)})
	}
	return rows, text
}

// describeLayer summarises one inferred layer. Kernel and stride are "-"
// for layers without a window; groups and the im2col size are 0 for layers
// not on crossbars.
func describeLayer(l *nn.Layer) layerRow {
	ins := make([]string, len(l.In))
	for i, s := range l.In {
		ins[i] = s.String()
	}
	r := layerRow{
		Name: l.Name, Kind: l.KindName(), Unit: "digital", In: strings.Join(ins, "+"), Out: l.Out.String(),
		Kernel: "-", Stride: "-", MACs: l.MACs() + l.DigitalMACs(), Params: l.Params(),
	}
	switch l.Kind {
	case nn.Conv2D, nn.MaxPool, nn.AvgPool:
		sh, sw := l.Stride()
		r.Kernel = fmt.Sprintf("%dx%d", l.KernelH, l.KernelW)
		r.Stride = fmt.Sprintf("%dx%d", sh, sw)
	}
	if l.OnCrossbar() {
		rpg, cpg, g, _ := l.Im2col()
		r.Unit, r.Groups, r.Im2colRows, r.Im2colCols = "crossbar", g, rpg*g, cpg*g
	}
	return r
}

// orDash formats v, or "-" for 0 (a field that does not apply).
func orDash(v int) string {
	if v == 0 {
		return "-"
	}
	return strconv.Itoa(v)
}
