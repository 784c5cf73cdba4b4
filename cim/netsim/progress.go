package netsim

import (
	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
)

// Work returns the most MVMs Simulate(net, cfg) simulates: each run
// simulates every crossbar layer's tiles times its output vectors for
// each image, however the layers are placed (copies share a layer's
// vectors, folded tiles run in rounds), plus the duplication search's runs
// with Duplicate. Layers that cannot be mapped count nothing (Simulate
// reports them).
func Work(net *nn.Network, cfg Config) int64 {
	one := mvms(net, cfg.Arch)
	n := one * int64(max(cfg.Images, 0))
	if cfg.Duplicate {
		n += searchRuns * one
		if reusesSearch(cfg) {
			n -= one
		}
	}
	return n
}

// mvms is the MVMs of one image of net on chip a.
func mvms(net *nn.Network, a arch.Arch) int64 {
	var n int64
	for _, l := range net.CrossbarLayers() {
		if m, err := mapping.Map(l, a); err == nil {
			n += m.MVMs()
		}
	}
	return n
}

// meter counts the MVMs of one call for Config.Progress; a nil meter
// counts nothing.
type meter struct {
	fn          func(done, total int64)
	done, total int64
}

// newMeter returns a meter reporting to fn against the total work()
// returns, or nil when fn is nil (then work is not called: counting a
// network's MVMs maps every layer).
func newMeter(fn func(done, total int64), work func() int64) *meter {
	if fn == nil {
		return nil
	}
	return &meter{fn: fn, total: work()}
}

// options returns o reporting a run's MVMs to m (o unchanged without m).
func (m *meter) options(o sim.Options) sim.Options {
	if m == nil {
		return o
	}
	base := m.done
	o.Progress = func(n int64) { m.fn(min(base+n, m.total), m.total) }
	return o
}

// add counts n more MVMs done: a finished run's, or those of runs the
// call turned out not to need.
func (m *meter) add(n int64) {
	if m == nil {
		return
	}
	m.done = min(m.done+n, m.total)
	m.fn(m.done, m.total)
}
