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

// layerRow is one line of "cimkit layers" in JSON.
type layerRow struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
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
		text = append(text, []string{"total", "", "", "", "", "", "",
			strconv.FormatInt(net.MACs(), 10), strconv.FormatInt(net.Params(), 10), "", ""})
	}
	return emit(stdout, *format, layerHeader, text, rows)
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
		Name: l.Name, Kind: string(l.Kind), In: strings.Join(ins, "+"), Out: l.Out.String(),
		Kernel: "-", Stride: "-", MACs: l.MACs(), Params: l.Params(),
	}
	if l.Kind == nn.Digital && l.Op != "" {
		r.Kind += ":" + l.Op // the operator run on the digital units (ONNX imports)
	}
	switch l.Kind {
	case nn.Conv2D, nn.MaxPool, nn.AvgPool:
		sh, sw := l.Stride()
		r.Kernel = fmt.Sprintf("%dx%d", l.KernelH, l.KernelW)
		r.Stride = fmt.Sprintf("%dx%d", sh, sw)
	}
	if l.OnCrossbar() {
		rpg, cpg, g, _ := l.Im2col()
		r.Groups, r.Im2colRows, r.Im2colCols = g, rpg*g, cpg*g
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
