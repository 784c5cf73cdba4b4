package sweep

import (
	"context"
	"fmt"
	"sort"

	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/netsim"
)

// Network chooses the whole-network runs of [RunNetworks].
type Network struct {
	// Images is the number of images streamed through the chip in each
	// run (1..netprog.MaxImages; 0 means 1).
	Images int
	// Segments lets a network that does not fit the core budget run in
	// segments, the chip reprogrammed in between (netsim.Config.Segments);
	// without it such a configuration is an error.
	Segments bool
	// Duplicate adds a third run per configuration: pipelined with the
	// bottleneck layers duplicated greedily on the spare cores.
	Duplicate bool
	// Keep, when set, runs only the models and crossbar sizes for which it
	// returns true (a sweep that is not a full grid).
	Keep func(model string, x Xbar) bool
}

// RunNetworks runs every model of sp whole, on every crossbar size, bus
// width, core budget and scheme of the sweep: layer by layer and pipelined
// (and pipelined with duplication when opt.Duplicate), as netsim.Compare
// does, so that each record's speedup is over the layer-by-layer run of its
// configuration and the duplicated run's dup_gain is over the plain
// pipelined one. sp.Totals is ignored.
//
// It returns one netsim.Result per run and the netsim.LayerResult records
// of every run, both in a fixed order whatever the scheduling: model,
// crossbar, bus, budget, scheme, then run (layer, pipelined, duplicated),
// then layer in network order (and interconnect first when the sweep has
// several). Configurations run in parallel, the largest
// first; a configuration that cannot run (a network that does not fit
// without segments, say) stops the sweep with an error naming it, which
// wraps netsim's (netsim.IsBadInput tells bad input apart).
func RunNetworks(ctx context.Context, sp Spec, opt Network) ([]netsim.Result, []netsim.LayerResult, error) {
	if err := sp.check(); err != nil {
		return nil, nil, err
	}
	if opt.Images == 0 {
		opt.Images = 1
	}
	if opt.Images < 1 || opt.Images > netprog.MaxImages {
		return nil, nil, fmt.Errorf("sweep: %w: %d images, want 1..%d", netsim.ErrImages, opt.Images, netprog.MaxImages)
	}
	var rs []netsim.Result
	var ls []netsim.LayerResult
	err := sp.perInterconnect(func(one Spec) error {
		r, l, err := one.runNetworks(ctx, opt)
		rs, ls = append(rs, r...), append(ls, l...)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return rs, ls, nil
}

// runNetworks runs the networks of a checked sweep of one interconnect.
func (sp *Spec) runNetworks(ctx context.Context, opt Network) ([]netsim.Result, []netsim.LayerResult, error) {
	units := sp.networkUnits(opt)
	order := make([]int, len(units))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return units[order[i]].cost > units[order[j]].cost })
	err := sp.work(ctx, len(order), func(i int) error { return sp.runNetwork(&units[order[i]], opt) })
	if err != nil {
		return nil, nil, err
	}
	var rs []netsim.Result
	var ls []netsim.LayerResult
	for _, u := range units {
		for _, r := range u.runs {
			rs = append(rs, r.Result)
			ls = append(ls, r.Layers...)
		}
	}
	return rs, ls, nil
}

// networkUnit is one model on one chip under one scheme.
type networkUnit struct {
	model, xbar, bus, cores, scheme int
	cost                            int64
	runs                            []*netsim.Run
}

// networkUnits lists the configurations that opt.Keep accepts (all when
// nil), in the documented order, each costed by the MVMs it simulates.
func (sp *Spec) networkUnits(opt Network) []networkUnit {
	var out []networkUnit
	for mi, net := range sp.Models {
		for xi, x := range sp.Xbars {
			if opt.Keep != nil && !opt.Keep(net.Name, x) {
				continue
			}
			for bi := range sp.Buses {
				for ci := range sp.Cores {
					for si := range sp.Schemes {
						u := networkUnit{model: mi, xbar: xi, bus: bi, cores: ci, scheme: si}
						u.cost = netsim.Work(net, sp.netConfig(u, opt))
						out = append(out, u)
					}
				}
			}
		}
	}
	return out
}

// netConfig is the netsim configuration of unit u.
func (sp *Spec) netConfig(u networkUnit, opt Network) netsim.Config {
	cfg := netsim.Config{Arch: sp.arch(sp.Xbars[u.xbar], sp.Buses[u.bus], sp.Cores[u.cores]), Scheme: sp.Schemes[u.scheme],
		Images: opt.Images, Segments: opt.Segments, Duplicate: opt.Duplicate, Sim: sp.Sim}
	cfg.Sim.Trace = false
	return cfg
}

// runNetwork simulates one configuration's runs, keeping their records
// only (not the programs and timings).
func (sp *Spec) runNetwork(u *networkUnit, opt Network) error {
	net := sp.Models[u.model]
	runs, err := netsim.Compare(net, sp.netConfig(*u, opt))
	if err != nil {
		return fmt.Errorf("sweep: model %s, crossbar %v, bus %d, cores %d, %s: %w", net.Name,
			sp.Xbars[u.xbar], sp.Buses[u.bus], sp.Cores[u.cores], sp.Schemes[u.scheme], err)
	}
	for _, r := range runs {
		u.runs = append(u.runs, &netsim.Run{Result: r.Result, Layers: r.Layers})
	}
	return nil
}
