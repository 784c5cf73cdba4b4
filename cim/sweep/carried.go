package sweep

import (
	"sort"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/sim"
)

// Carry is how many cores a bus carries near the limit: the largest layer,
// in cores, whose run on a bus of Bus bytes over Interconnect still reaches
// the efficiency asked of Carried.
type Carry struct {
	Interconnect string
	Bus          int
	Cores        int    // cores of that layer; 0 if no layer reaches the efficiency
	Model, Layer string // the layer (with its crossbar) that sets Cores
	Xbar         int
	Efficiency   float64 // its efficiency
}

// Carried reports, for each interconnect (in order of first appearance in
// rs) and bus width (narrowest first), the most cores of a layer whose run under scheme
// reaches at least frac of its limit PV (efficiency >= frac): the paper's
// "a 4-byte bus carries about 16 cores above 90% of PV, a 64-byte bus up
// to 512". Only runs that fit and have PV > 1 count (with PV = 1 there is
// nothing to parallelise); the caller chooses the layers (e.g. conv only).
func Carried(rs []sim.Result, scheme compile.Scheme, frac float64) []Carry {
	type key struct {
		ic  string
		bus int
	}
	best := map[key]*Carry{}
	var order []key
	for i := range rs {
		r := &rs[i]
		if r.Scheme != string(scheme) || !r.Fits || r.PV < 2 || r.Layer == sim.TotalLayer {
			continue
		}
		k := key{r.Interconnect, r.BusBytes}
		c, ok := best[k]
		if !ok {
			c = &Carry{Interconnect: r.Interconnect, Bus: r.BusBytes}
			best[k] = c
			order = append(order, k)
		}
		if r.Efficiency >= frac && (r.Cores > c.Cores || (r.Cores == c.Cores && r.Efficiency > c.Efficiency)) {
			c.Cores, c.Model, c.Layer, c.Xbar, c.Efficiency = r.Cores, r.Model, r.Layer, r.XbarRows, r.Efficiency
		}
	}
	rank := map[string]int{}
	for _, k := range order {
		if _, ok := rank[k.ic]; !ok {
			rank[k.ic] = len(rank)
		}
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i], order[j]
		return rank[a.ic] < rank[b.ic] || (rank[a.ic] == rank[b.ic] && a.bus < b.bus)
	})
	out := make([]Carry, len(order))
	for i, k := range order {
		out[i] = *best[k]
	}
	return out
}
