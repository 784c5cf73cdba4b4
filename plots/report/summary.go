package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/plots"
)

// SummaryRow aggregates one model on one crossbar size under one scheme at
// the widest bus and largest core budget of the sweep.
type SummaryRow struct {
	Model, Scheme  string
	Xbar, Bus      int
	Layers, Fit    int     // conv layers, and how many fit the budget
	MeanEff        float64 // mean efficiency (speedup / PV) over fitting layers with PV > 1
	MinEff         float64 // lowest of those
	MaxOverhead    float64 // highest sync traffic share
	MaxCores       int     // most cores used by one fitting layer
	TotalSpeedup   float64 // whole model, layer by layer: sum of seq_cycles / sum of cycles
	ParallelLayers int     // fitting layers with PV > 1
}

// Summary returns one row per model, crossbar and parallel scheme at the
// widest bus and the largest core budget, on the main interconnect.
func (r *Report) Summary() []SummaryRow {
	main := r.main()
	bus, budget := 0, 0
	for _, x := range main {
		bus, budget = max(bus, x.BusBytes), max(budget, x.CoresBudget)
	}
	var rows []SummaryRow
	idx := map[string]int{}
	var seq, cyc = map[string]int64{}, map[string]int64{}
	for _, x := range main {
		if x.BusBytes != bus || x.CoresBudget != budget || x.Scheme == "sequential" {
			continue
		}
		k := fmt.Sprintf("%s/%d/%s", x.Model, x.XbarRows, x.Scheme)
		i, ok := idx[k]
		if !ok {
			i = len(rows)
			idx[k] = i
			rows = append(rows, SummaryRow{Model: x.Model, Scheme: x.Scheme, Xbar: x.XbarRows, Bus: bus, MinEff: 1})
		}
		addSummary(&rows[i], x)
		if x.Fits {
			seq[k] += x.SeqCycles
			cyc[k] += x.Cycles
		}
	}
	for k, i := range idx {
		if rows[i].ParallelLayers > 0 {
			rows[i].MeanEff /= float64(rows[i].ParallelLayers)
		}
		if cyc[k] > 0 {
			rows[i].TotalSpeedup = float64(seq[k]) / float64(cyc[k])
		}
	}
	return rows
}

func addSummary(s *SummaryRow, x sim.Result) {
	s.Layers++
	if !x.Fits {
		return
	}
	s.Fit++
	s.MaxCores = max(s.MaxCores, x.Cores)
	s.MaxOverhead = max(s.MaxOverhead, x.Overhead)
	if x.PV > 1 {
		s.ParallelLayers++
		s.MeanEff += x.Efficiency
		s.MinEff = min(s.MinEff, x.Efficiency)
	}
}

// summaryHeader is the header of the summary table.
var summaryHeader = []string{"model", "xbar", "scheme", "layers fit", "mean eff", "min eff",
	"max sync", "max cores", "model speedup"}

func (s SummaryRow) cells() []string {
	return []string{s.Model, fmt.Sprintf("%dx%d", s.Xbar, s.Xbar), s.Scheme,
		fmt.Sprintf("%d/%d", s.Fit, s.Layers), fmt.Sprintf("%.1f%%", 100*s.MeanEff),
		fmt.Sprintf("%.1f%%", 100*s.MinEff), fmt.Sprintf("%.2f%%", 100*s.MaxOverhead),
		fmt.Sprint(s.MaxCores), fmt.Sprintf("%.2fx", s.TotalSpeedup)}
}

// WriteSummary prints the summary table and the claims as aligned text.
func (r *Report) WriteSummary(w io.Writer) error {
	rows := r.Summary()
	bus := 0
	if len(rows) > 0 {
		bus = rows[0].Bus
	}
	fmt.Fprintf(w, "Conv layers at %d B bus (efficiency = speedup / PV over layers with PV > 1):\n\n", bus)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(summaryHeader, "\t"))
	for _, s := range rows {
		fmt.Fprintln(tw, strings.Join(s.cells(), "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	head, carried := r.carriedTable()
	fmt.Fprintln(w, "\nMost cores of a layer at 90% of PV or more (cyclic), per bus width:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, row := range carried {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nThe paper's claims (%s):\n", plots.InterconnectName(r.Config.interconnects()[0]))
	for _, c := range r.Claims {
		m := c.Measured
		if m == "" {
			m = "(no run of this sweep to check it on)"
		}
		fmt.Fprintf(w, "  [%-7s] %s\n            %s\n", c.Verdict, c.Paper, m)
	}
	return r.writeNetworkSummary(w)
}
