package netsim

import (
	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/place"
)

// setEnergy prices the run's actions (counted by the simulator over every
// core, every segment and every image) with cfg.Sim.Tech on the chip it
// uses: its cores, its shared memory (every image slot) and every sequence
// register it gives a core. Each MVM is priced on the tile its core holds
// at the time (the streams tell the simulator, sim.TileShaper), as in a
// per-layer run.
func (r *Run) setEnergy(cfg Config) {
	res, p, t := &r.Result, r.Program, r.Timing
	tech := cfg.Sim.Tech
	if tech == nil {
		tech = energy.Default()
	}
	for i := range p.Place.Layers {
		if l := &p.Place.Layers[i]; l.Role == place.Crossbar {
			res.Ops += 2 * l.Layer.MACs() * int64(p.Images)
		}
	}
	chip := energy.Chip{Arch: cfg.Arch, Cores: p.Cores, SharedBytes: p.Layout.SharedBytes, SeqRegs: res.SeqRegs}
	e := tech.Energy(chip, &t.Actions, t.Cycles)
	ar := tech.Area(chip)
	res.EnergyPJ, res.EnergyXbarPJ, res.EnergyADCPJ, res.EnergyDigitPJ = e.Total, e.Xbar, e.ADC, e.Digital
	res.EnergyMemPJ, res.EnergyBusPJ, res.EnergySyncPJ, res.EnergyStaticPJ = e.Memory, e.Bus, e.Sync, e.Static
	res.AreaMM2, res.SyncAreaMM2, res.PumaSyncPJ, res.PumaAreaMM2 = ar.Total, ar.SeqRegs, e.PumaSync, ar.PumaAttr
	if e.Total > 0 {
		res.TOPSPerW = float64(res.Ops) / e.Total
	}
	if s := cfg.Arch.Seconds(t.Cycles); s > 0 && ar.Total > 0 {
		res.TOPSPerMM2 = float64(res.Ops) / s / 1e12 / ar.Total
	}
}
