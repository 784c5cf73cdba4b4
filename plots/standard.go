package plots

import (
	"errors"
	"fmt"
	"slices"

	"github.com/go-gota/gota/dataframe"
)

// Choice is the configuration the standard figures pin down where a figure
// shows a single value of a sweep axis.
type Choice struct {
	Models        []string // every model, in order of first appearance
	Interconnects []string // every interconnect, in order of first appearance (a report sweeps its default first)
	Interconnect  string   // the first of them: the figures of one interconnect show it
	Scheme        string   // "cyclic" if present, else the last parallel scheme
	Bus           int      // widest bus
	Cores         int      // largest core budget
	Xbar          int      // smallest crossbar (the memory figure)
}

// Choose picks the standard configuration from the results in df.
func Choose(df dataframe.DataFrame) (Choice, error) {
	rows, err := table(df, "results")
	if err != nil {
		return Choice{}, err
	}
	return choose(rows)
}

// choose is [Choose] on rows converted once.
func choose(rows []row) (Choice, error) {
	if len(rows) == 0 {
		return Choice{}, fmt.Errorf("results: no rows")
	}
	c := Choice{Models: distinct(rows, func(r row) string { return r.model }),
		Interconnects: distinct(rows, func(r row) string { return r.interconnect })}
	c.Interconnect = c.Interconnects[0]
	c.Scheme = rows[0].scheme
	ps := parallelSchemes(rows)
	if len(ps) > 0 {
		c.Scheme = ps[len(ps)-1]
	}
	if slices.Contains(ps, "cyclic") {
		c.Scheme = "cyclic"
	}
	bus, cores, xbar := values(rows, "bus_bytes"), values(rows, "cores_budget"), values(rows, "xbar_rows")
	c.Bus, c.Cores, c.Xbar = int(bus[len(bus)-1]), int(cores[len(cores)-1]), int(xbar[0])
	return c, nil
}

// Standard builds the figures of a results sweep with the configuration of
// [Choose]: for each model the speedup, overhead and memory figures, then
// the efficiency figure over all models, all of the first interconnect;
// and when the results have several interconnects, the figure that
// compares them ([Carried]). A figure with nothing to draw
// (e.g. no layer fits the budget) is left out; an error is returned only
// when no figure can be drawn or a builder fails otherwise.
//
// The DataFrame is converted once and each model's figures see only its
// rows, so that the work grows with the number of results, not with it
// times the number of models.
func Standard(df dataframe.DataFrame) ([]*Figure, error) {
	all, err := table(df, "results")
	if err != nil {
		return nil, err
	}
	c, err := choose(all)
	if err != nil {
		return nil, err
	}
	byModel := map[string][]row{}
	for _, r := range all {
		byModel[r.model] = append(byModel[r.model], r)
	}
	var figs []*Figure
	for _, m := range c.Models {
		rows := byModel[m]
		for _, build := range []func() (*Figure, error){
			func() (*Figure, error) {
				return speedupFigure(rows, Select{Model: m, Bus: c.Bus, Cores: c.Cores, Interconnect: c.Interconnect})
			},
			func() (*Figure, error) {
				return overheadFigure(rows, Select{Model: m, Scheme: c.Scheme, Bus: c.Bus, Cores: c.Cores, Interconnect: c.Interconnect})
			},
			func() (*Figure, error) {
				return memoryFigure(rows, Select{Model: m, Scheme: c.Scheme, Bus: c.Bus, Cores: c.Cores, Xbar: c.Xbar,
					Interconnect: c.Interconnect})
			},
			func() (*Figure, error) { return energyBreakdownFigure(rows, energySelect(rows, c, m)) },
			func() (*Figure, error) { return syncCostFigure(rows, energySelect(rows, c, m)) },
		} {
			if err := keep(&figs, build); err != nil {
				return nil, err
			}
		}
	}
	err = keep(&figs, func() (*Figure, error) {
		return efficiencyFigure(all, Select{Scheme: c.Scheme, Cores: c.Cores, Interconnect: c.Interconnect})
	})
	if err != nil {
		return nil, err
	}
	err = keep(&figs, func() (*Figure, error) {
		return energyPerInferenceFigure(all, Select{Scheme: c.Scheme, Cores: c.Cores, Interconnect: c.Interconnect})
	})
	if err != nil {
		return nil, err
	}
	if len(c.Interconnects) > 1 {
		err = keep(&figs, func() (*Figure, error) { return carriedFigure(all, Select{Scheme: c.Scheme, Cores: c.Cores}) })
		if err != nil {
			return nil, err
		}
	}
	if len(figs) == 0 {
		return nil, fmt.Errorf("results: %w to draw", ErrNoData)
	}
	return figs, nil
}

// energySelect is the configuration of model m's energy figures: the
// standard one, on the smallest crossbar on which every layer of m fits
// (the smallest crossbar when none does), so that no layer is missing.
func energySelect(rows []row, c Choice, m string) Select {
	sel := Select{Model: m, Scheme: c.Scheme, Bus: c.Bus, Cores: c.Cores, Xbar: c.Xbar, Interconnect: c.Interconnect}
	all := sel
	all.Xbar = 0
	rows, err := selectRows(rows, all, "energy")
	if err != nil {
		return sel
	}
	for _, x := range values(rows, "xbar_rows") {
		all := true
		for _, r := range rows {
			all = all && (r.n("xbar_rows") != x || r.fits)
		}
		if all {
			sel.Xbar = int(x)
			return sel
		}
	}
	return sel
}

// keep appends the figure build makes, skipping it when it has no data.
func keep(figs *[]*Figure, build func() (*Figure, error)) error {
	f, err := build()
	if errors.Is(err, ErrNoData) {
		return nil
	}
	if err != nil {
		return err
	}
	*figs = append(*figs, f)
	return nil
}
