package sim

import (
	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/energy"
)

// Chip is the hardware of r's layer on chip a, for the energy model: the
// layer's cores and the shared memory it holds (IFM, partial sums, OFM).
func (r *Result) Chip(a arch.Arch) energy.Chip {
	return energy.Chip{Arch: a, Cores: r.Cores, SharedBytes: r.IFMBytes + r.PsumBytes + r.OFMBytes}
}

// SetEnergy fills in the energy and area fields of r from the actions of
// its run t on chip a, priced with tech (nil: energy.Default()). Ops must
// be set (Describe does); a layer that does not fit is left at 0.
func (r *Result) SetEnergy(tech *energy.Tech, a arch.Arch, t *Timing) {
	if !r.Fits || t == nil {
		return
	}
	if tech == nil {
		tech = energy.Default()
	}
	c := r.Chip(a)
	e := tech.Energy(c, &t.Actions, t.Cycles)
	ar := tech.Area(c)
	r.EnergyPJ, r.EnergyXbarPJ, r.EnergyADCPJ, r.EnergyDigitPJ = e.Total, e.Xbar, e.ADC, e.Digital
	r.EnergyMemPJ, r.EnergyBusPJ, r.EnergySyncPJ, r.EnergyStaticPJ = e.Memory, e.Bus, e.Sync, e.Static
	r.AreaMM2, r.SyncAreaMM2, r.PumaSyncPJ, r.PumaAreaMM2 = ar.Total, ar.SeqRegs, e.PumaSync, ar.PumaAttr
	r.setEfficiency(a.Seconds(t.Cycles))
}

// setEfficiency derives TOPS/W and TOPS/mm² from Ops, the energy, the area
// and the run's time in seconds.
func (r *Result) setEfficiency(seconds float64) {
	r.TOPSPerW, r.TOPSPerMM2 = 0, 0
	if r.EnergyPJ > 0 {
		r.TOPSPerW = float64(r.Ops) / r.EnergyPJ // ops/pJ = 1e12 ops/J = TOPS/W
	}
	if seconds > 0 && r.AreaMM2 > 0 {
		r.TOPSPerMM2 = float64(r.Ops) / seconds / 1e12 / r.AreaMM2
	}
}

// SetModelArea sets the area fields of t, the Total of the layer records
// rs, to the chip that runs every layer that fits, one after another on
// chip a: the most cores any layer uses and the most shared memory any
// layer holds (Total alone can only take the largest layer's area), and
// recomputes TOPS/mm² over it.
func (t *Result) SetModelArea(tech *energy.Tech, a arch.Arch, rs []Result) {
	if tech == nil {
		tech = energy.Default()
	}
	var c energy.Chip
	for i := range rs {
		if r := &rs[i]; r.Fits && r.Layer != TotalLayer {
			rc := r.Chip(a)
			c.Cores, c.SharedBytes = max(c.Cores, rc.Cores), max(c.SharedBytes, rc.SharedBytes)
		}
	}
	if c.Cores == 0 {
		return
	}
	c.Arch = a
	ar := tech.Area(c)
	t.AreaMM2, t.SyncAreaMM2, t.PumaAreaMM2 = ar.Total, ar.SeqRegs, ar.PumaAttr
	t.setEfficiency(a.Seconds(t.Cycles))
}
