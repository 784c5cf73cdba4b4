package sim

import (
	"errors"
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

// Run simulates a compiled plan: stream i of the plan runs on core i.
func Run(p *compile.Plan, opt Options) (*Timing, error) {
	streams := make([]isa.Stream, p.Cores())
	for i := range streams {
		streams[i] = p.Stream(i)
	}
	t, err := Execute(p.Arch, streams, opt)
	if err != nil {
		return nil, fmt.Errorf("layer %q (%s): %w", p.Map.Layer.Name, p.Scheme, err)
	}
	return t, nil
}

// Simulate compiles a mapped layer for scheme s and simulates it.
func Simulate(m *mapping.Layer, a arch.Arch, s compile.Scheme, opt Options) (*Timing, error) {
	p, err := compile.Compile(m, a, s)
	if err != nil {
		return nil, err
	}
	return Run(p, opt)
}

// Describe fills in the parts of a layer's Result that need no simulation:
// the configuration, the mapping and the memory figures. Timing fields stay
// 0 until SetTiming.
func Describe(model string, m *mapping.Layer, a arch.Arch, s compile.Scheme) Result {
	l := m.Layer
	r := Result{
		Model: model, Layer: l.Name, Kind: string(l.Kind),
		XbarRows: a.XbarRows, XbarCols: a.XbarCols, BusBytes: a.BusBytes, Interconnect: a.Interconnect,
		CoresBudget: a.Cores, Scheme: string(s), Fits: m.Fits, PV: m.PV, PH: m.PH, Cores: m.Cores, Vectors: m.Vectors,
		Limit: m.PV, XbarUtilization: m.Utilization(), Ops: 2 * l.MACs(),
	}
	if !m.Fits {
		r.Reason = CoresReason(m.Cores, a.Cores)
	}
	if len(l.In) > 0 {
		r.IFMBytes = l.In[0].Elems() * int64(a.ActBytes)
	}
	r.OFMBytes = l.Out.Elems() * int64(a.ActBytes)
	if m.PV > 1 {
		r.PsumBytes = l.Out.Elems() * int64(a.PsumBytes)
	}
	r.SyncMemBytes = int64(m.Cores) * int64(a.SeqRegBytes)
	r.PumaAttrBytes = PumaAttrBytes(r.IFMBytes + r.PsumBytes + r.OFMBytes)
	return r
}

// CoresReason is the Reason of a layer that needs more cores than the
// budget.
func CoresReason(need, budget int) string {
	return fmt.Sprintf("needs %d cores, budget %d", need, budget)
}

// notFitting marks r as not fitting when err says that the layer does not
// fit the chip (a *compile.FitError: too much data for the shared memory)
// and reports whether it did.
func notFitting(r *Result, err error) bool {
	var fe *compile.FitError
	if !errors.As(err, &fe) {
		return false
	}
	r.Fits, r.Reason = false, fe.Reason
	return true
}

// PumaWordBytes is the shared-memory word that carries one PUMA attribute:
// PUMA computes on 16-bit fixed-point data (energy.PumaWordBytes).
const PumaWordBytes = energy.PumaWordBytes

// PumaAttrBytes is the size of a PUMA-style attribute buffer for n bytes of
// shared data: one attribute byte (a valid bit and a 7-bit consumer count)
// per 16-bit word (energy.PumaAttrBytes, which also prices it). For the
// paper's example, 64 kB of data, it is 32 kB (32K attributes), eight times
// the 4 kB of sequence registers of 1024 cores.
func PumaAttrBytes(n int64) int64 { return energy.PumaAttrBytes(n) }

// SetTiming fills in the timing fields of r from the run of its scheme (t)
// and of the sequential baseline (seq; may be t itself).
func (r *Result) SetTiming(t, seq *Timing) {
	r.Cycles, r.SeqCycles = t.Cycles, seq.Cycles
	r.BusBytesTotal, r.SyncBytes = t.BusBytes, t.SyncBytes
	r.Speedup = ratio(seq.Cycles, t.Cycles)
	r.Efficiency = r.Speedup / float64(max(r.Limit, 1))
	r.BusLimit = ratio(seq.Cycles, t.BusBusy)
	r.Overhead = ratio(t.SyncBytes, t.BusBytes)
	r.BusUtilization = t.BusUtilization()
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// RunLayer maps the named layer of net onto chip a, compiles it for scheme
// s and for the sequential baseline, simulates both and returns the
// layer's Result. A layer that does not fit the chip (more cores than the
// budget, more data than the shared memory) gives a Result with Fits false,
// a Reason and no timing, not an error.
func RunLayer(net *nn.Network, layer string, a arch.Arch, s compile.Scheme) (*Result, error) {
	return RunLayerWith(net, layer, a, s, Options{})
}

// RunLayerWith is RunLayer with simulation options. The trace option is
// ignored; Options.OnSpan sees the spans of both runs, the scheme's first,
// then the sequential baseline's (when the scheme is not sequential).
func RunLayerWith(net *nn.Network, layer string, a arch.Arch, s compile.Scheme, opt Options) (*Result, error) {
	opt.Trace = false
	l := net.Layer(layer)
	if l == nil {
		return nil, fmt.Errorf("sim: model %q has no layer %q", net.Name, layer)
	}
	m, err := mapping.Map(l, a)
	if err != nil {
		return nil, err
	}
	r := Describe(net.Name, m, a, s)
	if !m.Fits {
		return &r, nil
	}
	t, err := Simulate(m, a, s, opt)
	if notFitting(&r, err) {
		return &r, nil
	}
	if err != nil {
		return nil, err
	}
	seq := t
	if s != compile.Sequential {
		if seq, err = Simulate(m, a, compile.Sequential, opt); err != nil {
			return nil, err
		}
	}
	r.SetTiming(t, seq)
	r.SetEnergy(opt.Tech, a, t)
	return &r, nil
}

// RunModel runs every conv and dense layer of net on its own (as the paper
// does), in network order, and returns their Results followed by Total of
// them.
func RunModel(net *nn.Network, a arch.Arch, s compile.Scheme) ([]Result, error) {
	return RunModelWith(net, a, s, Options{})
}

// RunModelWith is RunModel with simulation options.
func RunModelWith(net *nn.Network, a arch.Arch, s compile.Scheme, opt Options) ([]Result, error) {
	var out []Result
	for _, l := range net.CrossbarLayers() {
		r, err := RunLayerWith(net, l.Name, a, s, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("sim: model %q has no conv or dense layers", net.Name)
	}
	t := Total(out)
	t.SetModelArea(opt.Tech, a, out)
	return append(out, t), nil
}

// TotalLayer is the Layer name of the record Total returns.
const TotalLayer = "total"

// Total sums the records of one model under one configuration (layer by
// layer execution). Energies and ops are sums over the layers that fit;
// TOPS/W and TOPS/mm² are ratios of the sums; the areas are the largest
// layer's (SetModelArea replaces them with the chip that runs every layer).
// Cycles, seq_cycles, vectors and bus bytes are sums over the layers that
// fit; speedup, overhead and bus utilisation are ratios of those sums; fits
// says whether every layer fits, and reason counts those that do not.
// Memory figures and cores are the largest of any layer (layers run one
// after another and reuse the chip). pv is the largest PV and limit is left
// 0: the model's theoretical limit is the time-weighted Σseq/Σ(seq/PV), and
// efficiency is speedup over that. bus_limit is Σseq over Σ(seq/bus_limit).
// The total is a sum of isolated layers, not an end-to-end time (no digital
// layers, no data between layers, layers that do not fit left out): package
// cim/netsim simulates whole networks.
func Total(rs []Result) Result {
	if len(rs) == 0 {
		return Result{Layer: TotalLayer}
	}
	t := Result{Model: rs[0].Model, Layer: TotalLayer, XbarRows: rs[0].XbarRows, XbarCols: rs[0].XbarCols,
		BusBytes: rs[0].BusBytes, Interconnect: rs[0].Interconnect, CoresBudget: rs[0].CoresBudget,
		Scheme: rs[0].Scheme, Fits: true}
	var s totals
	misfits := 0
	for i := range rs {
		t.addMax(&rs[i])
		if rs[i].Fits {
			t.addSums(&rs[i], &s)
		} else {
			misfits++
		}
	}
	if misfits > 0 {
		t.Reason = fmt.Sprintf("%d of %d layers do not fit", misfits, len(rs))
	}
	t.Speedup = ratio(t.SeqCycles, t.Cycles)
	t.Overhead = ratio(t.SyncBytes, t.BusBytesTotal)
	if s.ideal > 0 {
		t.Efficiency = t.Speedup / (float64(t.SeqCycles) / s.ideal)
	}
	if s.busSeq > 0 {
		t.BusLimit = float64(t.SeqCycles) / s.busSeq
	}
	if s.held > 0 {
		t.XbarUtilization = s.used / s.held
	}
	if t.Cycles > 0 {
		t.BusUtilization = s.busy / float64(t.Cycles)
	}
	t.setEfficiency(s.seconds)
	return t
}

// totals are the weighted sums behind Total's ratios.
type totals struct {
	ideal  float64 // Σ seq/PV: the model's time at every layer's limit
	busSeq float64 // Σ seq/bus_limit: the bus-busy cycles
	busy   float64 // Σ bus_utilization*cycles
	held   float64 // crossbar cells held
	used   float64 // crossbar cells used
	// Σ seconds of the layers, from their TOPS/mm², Ops and area
	seconds float64
}

// addMax folds r's fits flag and largest-of figures into t.
func (t *Result) addMax(r *Result) {
	t.Fits = t.Fits && r.Fits
	t.PV, t.PH, t.Cores = max(t.PV, r.PV), max(t.PH, r.PH), max(t.Cores, r.Cores)
	t.SyncMemBytes, t.PumaAttrBytes = max(t.SyncMemBytes, r.SyncMemBytes), max(t.PumaAttrBytes, r.PumaAttrBytes)
	t.IFMBytes, t.OFMBytes, t.PsumBytes = max(t.IFMBytes, r.IFMBytes), max(t.OFMBytes, r.OFMBytes), max(t.PsumBytes, r.PsumBytes)
	t.AreaMM2, t.SyncAreaMM2, t.PumaAreaMM2 = max(t.AreaMM2, r.AreaMM2), max(t.SyncAreaMM2, r.SyncAreaMM2), max(t.PumaAreaMM2, r.PumaAreaMM2)
}

// addSums adds a fitting layer r to the sums of t and s.
func (t *Result) addSums(r *Result, s *totals) {
	t.Vectors += r.Vectors
	t.Cycles += r.Cycles
	t.SeqCycles += r.SeqCycles
	t.BusBytesTotal += r.BusBytesTotal
	t.SyncBytes += r.SyncBytes
	s.ideal += float64(r.SeqCycles) / float64(max(r.PV, 1))
	s.busy += r.BusUtilization * float64(r.Cycles)
	if r.BusLimit > 0 {
		s.busSeq += float64(r.SeqCycles) / r.BusLimit
	}
	c := float64(r.Cores) * float64(r.XbarRows*r.XbarCols)
	s.held += c
	s.used += c * r.XbarUtilization
	t.Ops += r.Ops
	t.EnergyPJ += r.EnergyPJ
	t.EnergyXbarPJ += r.EnergyXbarPJ
	t.EnergyADCPJ += r.EnergyADCPJ
	t.EnergyDigitPJ += r.EnergyDigitPJ
	t.EnergyMemPJ += r.EnergyMemPJ
	t.EnergyBusPJ += r.EnergyBusPJ
	t.EnergySyncPJ += r.EnergySyncPJ
	t.EnergyStaticPJ += r.EnergyStaticPJ
	t.PumaSyncPJ += r.PumaSyncPJ
	if r.TOPSPerMM2 > 0 {
		s.seconds += float64(r.Ops) / (r.TOPSPerMM2 * 1e12 * r.AreaMM2)
	}
}
