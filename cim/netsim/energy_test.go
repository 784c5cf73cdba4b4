package netsim

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
)

// TestNetworkEnergy prices whole-network runs: the classes add up, the
// operations are the crossbar layers' (2 per MAC), the actions are the
// simulator's, and a run in segments pays for reprogramming: its crossbar
// energy with a technology whose cell writes cost 1 pJ more is exactly
// CellWrites pJ more.
func TestNetworkEnergy(t *testing.T) {
	net := network(t, "two", nn.Shape{C: 8, H: 6, W: 6}, conv3("c1", 16), conv3("c2", 16))
	macs := net.Layer("c1").MACs() + net.Layer("c2").MACs()
	for _, segments := range []bool{false, true} {
		cores := 64
		if segments {
			cores = 6 // c1 needs 3x1 cores, c2 5x1 on 32x32: one at a time
		}
		a := tiny(32, 32, cores)
		r := run(t, net, a, netprog.LayerByLayer, segments)
		res := r.Result
		sum := res.EnergyXbarPJ + res.EnergyADCPJ + res.EnergyDigitPJ + res.EnergyMemPJ + res.EnergyBusPJ +
			res.EnergySyncPJ + res.EnergyStaticPJ
		if res.Ops != 2*macs || !(res.EnergyPJ > 0) || math.Abs(sum-res.EnergyPJ) > 1e-9*res.EnergyPJ ||
			!(res.AreaMM2 > res.SyncAreaMM2) || !(res.TOPSPerW > 0) {
			t.Fatalf("segments %v: %+v", segments, res)
		}
		x := r.Timing.Actions
		if segments != (x.CellWrites > 0) || segments != (res.Segments > 1) {
			t.Fatalf("segments %v: %d segments, %d cells written", segments, res.Segments, x.CellWrites)
		}
		if !segments {
			continue
		}
		var m map[string]any
		json.Unmarshal(techJSON(t), &m)
		m["components"].(map[string]any)["crossbar"].(map[string]any)["write_energy"] = "2.38 pJ"
		b, _ := json.Marshal(m)
		costly, err := energy.Load(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r2, err := Simulate(net, Config{Arch: a, Scheme: compile.Linear, Mode: netprog.LayerByLayer, Images: 1,
			Segments: true, Sim: sim.Options{Tech: costly}})
		if err != nil {
			t.Fatal(err)
		}
		if d := r2.Result.EnergyXbarPJ - res.EnergyXbarPJ; math.Abs(d-float64(x.CellWrites)) > 1e-6*d {
			t.Errorf("1 pJ more per cell write added %g pJ for %d cells", d, x.CellWrites)
		}
	}
}

// techJSON is the default technology file (1.38 pJ per cell write).
func techJSON(t *testing.T) []byte {
	b, err := json.Marshal(energy.Default())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOneLayerNetworkPricesTiles: a network of one layer prices its MVMs
// as the per-layer run of that layer does, on each core's tile. The conv
// has 3x3x8 = 72 weight rows and 40 filters; on 32x32 crossbars its six
// tiles are 32, 32 and 8 rows by 32 and 8 columns (PV 3, PH 2), and each
// runs one MVM per output pixel (36). The full crossbar would count
// 6 x 36 x 32 columns; the tiles count 36 x 3 x (32 + 8). Resident (64
// cores) the crossbar and ADC energies equal the per-layer run's; folded
// on 4 cores (two rounds: cores 0 and 1 are reprogrammed for a tile of
// another shape) the MVM, row, column, cell, DAC and ADC counts still
// equal the per-layer run's.
func TestOneLayerNetworkPricesTiles(t *testing.T) {
	net := network(t, "one", nn.Shape{C: 8, H: 6, W: 6}, conv3("c", 40))
	a := tiny(32, 32, 64)
	layer, err := sim.RunLayerWith(net, "c", a, compile.Linear, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Map(net.Layer("c"), a)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sim.Simulate(m, a, compile.Linear, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := want.Actions
	if m.PV != 3 || m.PH != 2 || w.MVMs != 6*36 || w.Cols != 36*3*(32+8) || w.Rows != 36*2*(32+32+8) {
		t.Fatalf("per-layer run: PV %d PH %d, actions %+v", m.PV, m.PH, w)
	}
	for _, cores := range []int{64, 4} {
		a.Cores = cores
		r := run(t, net, a, netprog.LayerByLayer, cores < 6)
		x := r.Timing.Actions
		got := [6]int64{x.MVMs, x.Rows, x.Cols, x.Cells, x.DACs, x.ADCs}
		if got != [6]int64{w.MVMs, w.Rows, w.Cols, w.Cells, w.DACs, w.ADCs} {
			t.Errorf("%d cores: network MVM actions %v, per-layer run %+v", cores, got, w)
		}
		if cores < 6 {
			if r.Result.FoldedLayers != 1 || x.CellWrites == 0 {
				t.Errorf("%d cores: %d folded layers, %d cells written: not folded", cores, r.Result.FoldedLayers, x.CellWrites)
			}
			continue
		}
		if res := r.Result; res.EnergyXbarPJ != layer.EnergyXbarPJ || res.EnergyADCPJ != layer.EnergyADCPJ {
			t.Errorf("%d cores: network crossbar %g pJ, ADCs %g pJ; per-layer run %g and %g pJ",
				cores, res.EnergyXbarPJ, res.EnergyADCPJ, layer.EnergyXbarPJ, layer.EnergyADCPJ)
		}
	}
}
