package netsim

import "github.com/cimkit/cimkit/cim/nn"

// Runs runs net under cfg as cimkit net does: with cfg.Mode empty, both
// modes and, with cfg.Duplicate, the duplicated pipelined run ([Compare]);
// with one mode, that mode plain and, with cfg.Duplicate, duplicated, the
// duplicated run's DupGain over the plain one. cfg.Progress counts all
// the runs against one total.
func Runs(net *nn.Network, cfg Config) ([]*Run, error) {
	if cfg.Mode == "" {
		return Compare(net, cfg)
	}
	plain := cfg
	plain.Duplicate = false
	m := newMeter(cfg.Progress, func() int64 {
		n := Work(net, plain)
		if cfg.Duplicate {
			n += Work(net, cfg)
		}
		return n
	})
	p, err := simulateNet(net, plain, m)
	if err != nil {
		return nil, err
	}
	if !cfg.Duplicate {
		return []*Run{p}, nil
	}
	d, err := simulateNet(net, cfg, m)
	if err != nil {
		return nil, err
	}
	d.Result.DupGain = ratio(p.Result.LatencyCycles, d.Result.LatencyCycles)
	return []*Run{p, d}, nil
}
