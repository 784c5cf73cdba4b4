package plots

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"

	"github.com/cimkit/cimkit/cim/netsim"
)

// This file reads whole-network records (cim/netsim): one record per run
// (netsim.Result, written by cimkit sweep --network and by the report as
// network.csv) and one per layer of each run (netsim.LayerResult,
// network_layers.csv). The figures are in network_timeline.go and
// network_speedup.go.

// NetworkColumns are the columns every DataFrame of network runs must have
// (a subset of netsim.Columns, so that files with more columns still read).
var NetworkColumns = []string{"model", "xbar_rows", "bus_bytes", "cores_budget", "scheme", "mode", "duplicate",
	"images", "segments", "latency_cycles", "latency_us", "images_per_s", "speedup", "dup_gain", "bottleneck"}

// NetworkLayerColumns are the columns every DataFrame of the layers of
// network runs must have (a subset of netsim.LayerColumns).
var NetworkLayerColumns = []string{"model", "xbar_rows", "bus_bytes", "cores_budget", "scheme", "mode", "duplicate",
	"images", "layer", "kind", "role", "copies", "start_cycles", "end_cycles", "critical_share"}

// netTypes are the column types of netsim's records, from their DataFrames.
var netTypes = func() map[string]series.Type {
	t := map[string]series.Type{}
	for _, df := range []dataframe.DataFrame{netsim.DataFrame([]netsim.Result{{}}),
		netsim.LayersDataFrame([]netsim.LayerResult{{}})} {
		for i, name := range df.Names() {
			t[name] = df.Types()[i]
		}
	}
	return t
}()

// ReadNetwork reads a CSV of network runs (header line with at least
// [NetworkColumns]) into a DataFrame and checks it: numbers in the numeric
// columns, true/false in "duplicate". Lines starting with '#' before the
// header are skipped. name names the input in errors.
func ReadNetwork(r io.Reader, name string) (dataframe.DataFrame, error) {
	return readNet(r, name, NetworkColumns)
}

// ReadNetworkLayers reads a CSV of the layers of network runs (header line
// with at least [NetworkLayerColumns]) as [ReadNetwork] does.
func ReadNetworkLayers(r io.Reader, name string) (dataframe.DataFrame, error) {
	return readNet(r, name, NetworkLayerColumns)
}

func readNet(r io.Reader, name string, required []string) (dataframe.DataFrame, error) {
	return readFrame(r, name, frameSpec{what: "a CSV of network runs", cols: "network", types: netReadTypes,
		required: required, finite: true})
}

// netReadTypes are netTypes as readNet reads them: every number a float.
var netReadTypes = func() map[string]series.Type {
	m := map[string]series.Type{}
	for c, t := range netTypes {
		if t == series.Int {
			t = series.Float
		}
		m[c] = t
	}
	return m
}()

// netRow is one network record as read from a DataFrame: text, numbers and
// booleans by column.
type netRow struct {
	text map[string]string
	num  map[string]float64
	flag map[string]bool
}

func (r netRow) n(col string) float64 { return r.num[col] }

// value writes the row's value in col.
func (r netRow) value(col string) string {
	if t, ok := r.text[col]; ok {
		return t
	}
	return fmtNum(r.n(col))
}

// run names the record's run as the figures' keys do: "layer by layer",
// "pipelined", "pipelined, duplicated".
func (r netRow) run() string {
	switch {
	case r.text["mode"] == "layer":
		return "layer by layer"
	case r.flag["duplicate"]:
		return r.text["mode"] + ", duplicated"
	}
	return r.text["mode"]
}

// keep reports whether sel keeps r (zero fields keep everything).
func (s Select) keepNet(r netRow) bool {
	return (s.Model == "" || r.text["model"] == s.Model) &&
		(s.Scheme == "" || r.text["scheme"] == s.Scheme) &&
		(s.Xbar == 0 || int(r.n("xbar_rows")) == s.Xbar) &&
		(s.Bus == 0 || int(r.n("bus_bytes")) == s.Bus) &&
		(s.Cores == 0 || int(r.n("cores_budget")) == s.Cores) &&
		(s.Images == 0 || int(r.n("images")) == s.Images)
}

// netTable converts df into rows, checking that the required columns are
// there and that every column of netsim's records holds values of its type.
func netTable(df dataframe.DataFrame, name string, required []string) ([]netRow, error) {
	if df.Err != nil {
		return nil, fmt.Errorf("%s: %v", name, df.Err)
	}
	if _, err := checkColumns(df.Names(), required, name, "network"); err != nil {
		return nil, err
	}
	rows := make([]netRow, df.Nrow())
	for i := range rows {
		rows[i] = netRow{text: map[string]string{}, num: map[string]float64{}, flag: map[string]bool{}}
	}
	for _, col := range df.Names() {
		typ, known := netTypes[col]
		if !known {
			continue
		}
		s := df.Col(col)
		var floats []float64
		if s.Type() == series.Float || s.Type() == series.Int {
			floats = s.Float()
		}
		recs := s.Records()
		for i := range rows {
			switch typ {
			case series.String:
				rows[i].text[col] = recs[i]
			case series.Bool:
				b, err := strconv.ParseBool(strings.TrimSpace(recs[i]))
				if err != nil {
					return nil, fmt.Errorf("%s: row %d, column %s: %q is not true or false", name, i+1, col, recs[i])
				}
				rows[i].flag[col] = b
			default:
				v, err := number(floats, recs, i)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("%s: row %d, column %s: %q is not a number", name, i+1, col, recs[i])
				}
				rows[i].num[col] = v
			}
		}
	}
	return rows, nil
}

// selectNet returns the rows of df that sel keeps, for figure fig; none is
// an error wrapping [ErrNoData].
func selectNet(df dataframe.DataFrame, sel Select, fig string, required []string) ([]netRow, error) {
	rows, err := netTable(df, fig+" figure", required)
	if err != nil {
		return nil, err
	}
	var out []netRow
	for _, r := range rows {
		if sel.keepNet(r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s figure: %w for %s", fig, ErrNoData, sel)
	}
	return out, nil
}

// NetworkStandard draws the figures of saved whole-network records: the
// speedup figure from results ([NetworkSpeedup]) and, from layers, a
// timeline ([NetworkTimeline]) for each model, in order of first
// appearance, on its largest crossbar size (the one most likely to hold
// the network at once). Each frame is drawn under the configuration of its
// first record (bus, budget, scheme and image count); a sweep over those
// axes draws the others with the figure functions and a [Select]. A frame
// without columns (the zero DataFrame) is skipped, and so is a figure with
// nothing to draw; it is an error when no figure can be drawn.
func NetworkStandard(results, layers dataframe.DataFrame) ([]*Figure, error) {
	var figs []*Figure
	if results.Ncol() > 0 {
		rows, err := netTable(results, "network results", NetworkColumns)
		if err != nil {
			return nil, err
		}
		if len(rows) > 0 {
			if err := keep(&figs, func() (*Figure, error) { return NetworkSpeedup(results, firstConfig(rows[0])) }); err != nil {
				return nil, err
			}
		}
	}
	if layers.Ncol() > 0 {
		rows, err := netTable(layers, "network layers", NetworkLayerColumns)
		if err != nil {
			return nil, err
		}
		var models []string
		largest := map[string]int{}
		for _, r := range rows {
			m := r.text["model"]
			if _, ok := largest[m]; !ok {
				models = append(models, m)
			}
			largest[m] = max(largest[m], int(r.n("xbar_rows")))
		}
		for _, m := range models {
			sel := firstConfig(rows[0])
			sel.Model, sel.Xbar = m, largest[m]
			if err := keep(&figs, func() (*Figure, error) { return NetworkTimeline(layers, sel) }); err != nil {
				return nil, err
			}
		}
	}
	if len(figs) == 0 {
		return nil, fmt.Errorf("network records: %w to draw", ErrNoData)
	}
	return figs, nil
}

// firstConfig selects the bus, budget, scheme and image count of r.
func firstConfig(r netRow) Select {
	return Select{Scheme: r.text["scheme"], Bus: int(r.n("bus_bytes")), Cores: int(r.n("cores_budget")),
		Images: int(r.n("images"))}
}
