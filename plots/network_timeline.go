package plots

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/go-gota/gota/dataframe"
	"gonum.org/v1/plot"
)

// networkRuns are the runs of a network configuration, in the order of
// keys and lanes, each with its colour index: the same run has the same
// colour in every network figure.
var networkRuns = []string{"layer by layer", "pipelined", "pipelined, duplicated"}

// runIndex is the position of a run in networkRuns (-1: unknown).
func runIndex(run string) int {
	for i, r := range networkRuns {
		if r == run {
			return i
		}
	}
	return -1
}

// NetworkTimeline draws the layers of one network configuration over time:
// one row per layer that takes time (crossbar and digital layers, in
// network order, the first at the top), and in each row one bar per run
// from the layer's start to its end for the first image: layer by layer,
// pipelined and pipelined with duplicated layers, each in its own lane and
// colour. Layer by layer the bars form a staircase; pipelined they overlap,
// and the run ends when its last bar does. The key gives each run's
// latency. df holds layer records of network runs (netsim.LayersDataFrame,
// [ReadNetworkLayers]); sel must leave one configuration (pin model,
// crossbar, bus, budget and scheme).
func NetworkTimeline(df dataframe.DataFrame, sel Select) (*Figure, error) {
	rows, err := selectNet(df, sel, "network timeline", NetworkLayerColumns)
	if err != nil {
		return nil, err
	}
	key := func(r netRow) string { return fmt.Sprintf("layer %s, run %s", r.text["layer"], r.run()) }
	if err := unique(rows, "network timeline", key); err != nil {
		return nil, err
	}
	var layers []string // rows of the figure, network order
	row := map[string]int{}
	end := make([]float64, len(networkRuns)) // each run's latency
	has := make([]bool, len(networkRuns))
	for _, r := range rows {
		i := runIndex(r.run())
		if i < 0 {
			return nil, fmt.Errorf("network timeline figure: layer %s: unknown mode %q", r.text["layer"], r.text["mode"])
		}
		if r.n("end_cycles") < r.n("start_cycles") {
			return nil, fmt.Errorf("network timeline figure: layer %s (%s): ends at %s before its start %s",
				r.text["layer"], r.run(), fmtNum(r.n("end_cycles")), fmtNum(r.n("start_cycles")))
		}
		has[i] = true
		end[i] = math.Max(end[i], r.n("end_cycles"))
		if _, ok := row[r.text["layer"]]; !ok && r.text["role"] != "alias" {
			row[r.text["layer"]] = len(layers)
			layers = append(layers, r.text["layer"])
		}
	}
	var lanes []int // run indices present
	for i := range networkRuns {
		if has[i] {
			lanes = append(lanes, i)
		}
	}
	n := len(layers)
	if n == 0 || !(slices.Max(end) > 0) {
		return nil, fmt.Errorf("network timeline figure: %w with time for %s", ErrNoData, sel)
	}
	first := rows[0]
	title := fmt.Sprintf("%s, %sx%s crossbars, %s B bus, %s cores, %s", first.text["model"], fmtNum(first.n("xbar_rows")),
		fmtNum(first.n("xbar_rows")), fmtNum(first.n("bus_bytes")), fmtNum(first.n("cores_budget")), first.text["scheme"])
	p := newPanel(title, "time (cycles)", "")
	p.X.Min, p.X.Max = 0, slices.Max(end)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.Y.Tick.Marker = layerTicks(layers)
	fig := &Figure{Name: "network_timeline_" + first.text["model"] + "_" + fmtNum(first.n("xbar_rows")), Columns: 1,
		Aspect:  math.Min(1.4, 0.25+0.025*float64(n)),
		Caption: fmt.Sprintf("Each layer's start and end for the first image, per run: %s.", title)}
	bars := make([]*rects, len(networkRuns))
	lane := 0.84 / float64(len(lanes))
	for k, i := range lanes {
		bars[i] = &rects{color: seriesColor(i)}
		for _, r := range rows {
			y, ok := row[r.text["layer"]]
			if !ok || runIndex(r.run()) != i {
				continue
			}
			top := float64(n-1-y) + 0.42 - float64(k)*lane
			bars[i].rs = append(bars[i].rs, rect{r.n("start_cycles"), r.n("end_cycles"), top - lane*0.9, top})
		}
		p.Add(bars[i])
		fig.AddKey(fmt.Sprintf("%s: %s cycles", networkRuns[i], siNum(end[i])), bars[i])
	}
	fig.Panels = []*plot.Plot{p}
	return fig, nil
}

// layerTicks labels the rows of a network timeline with layer names (the
// first at the top), at most about forty labels.
func layerTicks(layers []string) plot.ConstantTicks {
	n := len(layers)
	step := max(1, (n+39)/40)
	var ticks plot.ConstantTicks
	for i, l := range layers {
		t := plot.Tick{Value: float64(n - 1 - i)}
		if i%step == 0 {
			t.Label = shortLayer(l)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// siNum writes v with three significant digits and an SI suffix: 45.3M,
// 812k, 950.
func siNum(v float64) string {
	for _, u := range siUnits {
		if math.Abs(v) >= u.f {
			return strconv.FormatFloat(v/u.f, 'g', 3, 64) + u.s
		}
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
