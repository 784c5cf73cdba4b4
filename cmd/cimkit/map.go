package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

func init() {
	register(command{
		name:    "map",
		summary: "map a model's conv and dense layers onto crossbars: PV, PH, cores, utilisation",
		run:     runMap,
	})
}

// mapRow is one line of "cimkit map" in JSON.
type mapRow struct {
	Layer         string  `json:"layer"`
	Rows          int     `json:"rows"`
	Cols          int     `json:"cols"`
	Groups        int     `json:"groups"`
	GroupsPerTile int     `json:"groups_per_tile"`
	PV            int     `json:"pv"`
	PH            int     `json:"ph"`
	Cores         int     `json:"cores"`
	Utilization   float64 `json:"utilization"`
	Fits          bool    `json:"fits"`
}

var mapHeader = []string{"layer", "rows", "cols", "groups", "groups_per_tile", "pv", "ph", "cores", "utilization", "fits"}

func runMap(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("map", stderr)
	mf := modelFlags{stderr: stderr}
	var af archFlags
	mf.register(fs)
	af.register(fs)
	format := formatFlag(fs)
	if err := parseListingFlags(fs, args, format); err != nil {
		return err
	}
	a, err := af.arch()
	if err != nil {
		return err
	}
	net, err := mf.load()
	if err != nil {
		return err
	}
	maps, err := mapNetwork(net, a)
	if err != nil {
		return err
	}
	rows, text := mapRows(maps)
	if *format == formatTable {
		s := summarize(maps)
		text = append(text, []string{"total", "", "", "", "", "", "", strconv.Itoa(s.Cores),
			fmt.Sprintf("%.4f", s.MeanUtil), fmt.Sprintf("%d/%d", s.Fit, s.Layers)})
	}
	return emit(stdout, *format, mapHeader, text, rows)
}

// mapNetwork maps every crossbar layer of net onto a.
func mapNetwork(net *nn.Network, a arch.Arch) ([]*mapping.Layer, error) {
	var maps []*mapping.Layer
	for _, l := range net.CrossbarLayers() {
		m, err := mapping.Map(l, a)
		if err != nil {
			return nil, err
		}
		maps = append(maps, m)
	}
	return maps, nil
}

// mapRows describes each mapped layer, for JSON and as text.
func mapRows(maps []*mapping.Layer) ([]mapRow, [][]string) {
	rows := make([]mapRow, 0, len(maps))
	text := make([][]string, 0, len(maps))
	for _, m := range maps {
		r := mapRow{
			Layer: m.Layer.Name, Rows: m.Rows, Cols: m.Cols, Groups: m.Groups, GroupsPerTile: m.GroupsPerTile,
			PV: m.PV, PH: m.PH, Cores: m.Cores, Utilization: m.Utilization(), Fits: m.Fits,
		}
		rows = append(rows, r)
		text = append(text, []string{r.Layer, strconv.Itoa(r.Rows), strconv.Itoa(r.Cols),
			strconv.Itoa(r.Groups), strconv.Itoa(r.GroupsPerTile), strconv.Itoa(r.PV), strconv.Itoa(r.PH),
			strconv.Itoa(r.Cores), fmt.Sprintf("%.4f", r.Utilization), strconv.FormatBool(r.Fits)})
	}
	return rows, text
}

// mapSummary sums up the mapping of a whole model.
type mapSummary struct {
	Layers   int     `json:"layers"`           // crossbar layers
	Fit      int     `json:"layers_fit"`       // layers within the core budget
	Cores    int     `json:"total_cores"`      // cores of all layers (needed ones, for those that do not fit)
	MeanUtil float64 `json:"mean_utilization"` // unweighted mean of the layers' utilisation
}

// summarize totals the mapped layers for the table's last line.
func summarize(maps []*mapping.Layer) mapSummary {
	s := mapSummary{Layers: len(maps)}
	for _, m := range maps {
		if m.Fits {
			s.Fit++
		}
		s.Cores += m.Cores
		s.MeanUtil += m.Utilization()
	}
	if s.Layers > 0 {
		s.MeanUtil /= float64(s.Layers)
	}
	return s
}
