package netsim

import "github.com/cimkit/cimkit/cim/nn"

// Runs runs net under cfg as cimkit net does: with cfg.Mode empty, both
// modes and, with cfg.Duplicate, the duplicated pipelined run ([Compare]);
// with one mode, that mode plain and, with cfg.Duplicate, duplicated, the
// duplicated run's DupGain over the plain one.
func Runs(net *nn.Network, cfg Config) ([]*Run, error) {
	if cfg.Mode == "" {
		return Compare(net, cfg)
	}
	dup := cfg.Duplicate
	cfg.Duplicate = false
	plain, err := Simulate(net, cfg)
	if err != nil || !dup {
		return []*Run{plain}, err
	}
	cfg.Duplicate = true
	d, err := Simulate(net, cfg)
	if err != nil {
		return nil, err
	}
	d.Result.DupGain = ratio(plain.Result.LatencyCycles, d.Result.LatencyCycles)
	return []*Run{plain, d}, nil
}
