package sim

import (
	"math"
	"os"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

// TestEnergyHandWorked prices a PV=2 layer whose actions and energy are
// worked out here: a Dense layer of 48 inputs and 8 outputs on 32x32
// crossbars (16-byte bus, linear scheme), with testdata/round.tech.json,
// whose energies are round numbers.
//
// Mapping: 48 rows = 32 + 16, so core 0 holds rows 0-31 and core 1 rows
// 32-47 of the 8 columns (PV 2, PH 1, one output vector). Programs:
//
//	core 0: LOAD in 32 B, MVM, STORE psum 32 B (8 x 4 B), CALL core 1 (4 B)
//	core 1: LOAD in 16 B, MVM, WAIT 1, LOAD acc 32 B, MOV add, MOV bias,
//	        MOV act (8 elements each), STORE OFM 8 B
//
// Actions: MVMs 2 driving 32 + 16 = 48 rows and reading 8 + 8 = 16
// columns, 32x8 + 16x8 = 384 weights. 8-bit inputs in 8 one-bit reads: 48 x
// 8 = 384 DAC conversions; 8-bit weights in 4 two-bit cells: 16 x 8 x 4 =
// 512 ADC conversions. LOADs 3 (80 B), STOREs 2 (40 B), CALL 1 (4 B),
// 24 MOV elements, 1 WAIT, 1 sequence-register write.
//
// Energy by class (pJ), the run taking C cycles at 1 GHz:
//
//	xbar     384 weights x 32 cell reads x 0.01 + 384 DAC x 0.1
//	         + 512 samples x 0.001                          = 161.792
//	adc      512 x 1                                        = 512
//	digital  512 shift-adds x 0.01 + 24 elements x 0.1
//	         + 2 x 48 B input register x 0.05
//	         + 2 x 16 x 4 B output register x 0.01           = 13.6
//	memory   120 B x 0.5 + 5 accesses x 1                   = 65
//	bus      the bus is 2 mm long (below): 0.2 pJ per bit;
//	         (8 x 120 B + 40 address bits x 5) x 0.2 + 5 x 1 = 237
//	sync     (8 x 4 B + 40) x 0.2 + 1 x 1 + 1 write x 4 B x 0.5
//	         + 1 WAIT x 0.25 + 2 cores x 4 B x 1 uW x C ns  = 17.65 + 0.008 C
//	static   2 cores x 16 digital lanes x 1 uW x C ns       = 0.032 C
//
// Area (mm²): a core has 1 ADC (32 columns x 4 cells x 8 reads = 1024
// conversions in 3.2 us need 0.32 GS/s of the 1 GS/s ADC) of 1.4 and 4 B of
// sequence register at 0.0125 per byte: 1.45; shared memory holds 48 B IFM
// + 32 B partial sums + 8 B OFM = 88 B at 0.0125 per byte: 1.1. The chip
// without its bus is 2 x 1.45 + 1.1 = 4, so the bus is 2 mm long; its 336
// wires (2 x 128 data + 2 x 40 address) of 0.001 per mm add 0.672: 4.672.
// Sequence registers 2 x 4 x 0.0125 = 0.1. A PUMA attribute buffer for the
// 88 B has 44 bytes: 0.044 mm², and would cost 60 attribute accesses (120
// B of LOADs and STOREs, 2 B words) x 2 pJ + 44 B x 1 uW x C ns = 120 +
// 0.044 C pJ. The layer is 384 MACs, 768 operations.
func TestEnergyHandWorked(t *testing.T) {
	f, err := os.Open("testdata/round.tech.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tech, err := energy.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	l := &nn.Layer{Name: "fc", Kind: nn.Dense, Filters: 8, Bias: true, Act: nn.ActReLU}
	net := &nn.Network{Name: "t", Input: nn.Shape{C: 48, H: 1, W: 1}, Layers: []*nn.Layer{l}}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.BusBytes = 32, 32, 16
	r, err := RunLayerWith(net, "fc", a, compile.Linear, Options{Tech: tech})
	if err != nil {
		t.Fatal(err)
	}
	if r.PV != 2 || r.Cores != 2 || r.Ops != 768 {
		t.Fatalf("mapping: PV %d, cores %d, ops %d; want 2, 2, 768", r.PV, r.Cores, r.Ops)
	}
	m, err := mapping.Map(l, a)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := Simulate(m, a, compile.Linear, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := energy.Actions{MVMs: 2, Rows: 48, Cols: 16, Cells: 384, DACs: 384, ADCs: 512,
		Loads: 3, LoadBytes: 80, LoadBeats: 2 + 1 + 2, Stores: 2, StoreBytes: 40, StoreBeats: 2 + 1,
		Calls: 1, CallBytes: 4, CallBeats: 1, Waits: 1, SeqWrites: 1}
	want.DigitalOps[isa.Add], want.DigitalOps[isa.Bias], want.DigitalOps[isa.Act] = 1, 1, 1
	want.DigitalElems[isa.Add], want.DigitalElems[isa.Bias], want.DigitalElems[isa.Act] = 8, 8, 8
	if tm.Actions != want || tm.Cycles != r.Cycles {
		t.Errorf("actions:\n got %+v\nwant %+v", tm.Actions, want)
	}
	c := float64(r.Cycles)
	for _, v := range []struct {
		name      string
		got, want float64
	}{
		{"xbar", r.EnergyXbarPJ, 161.792}, {"adc", r.EnergyADCPJ, 512}, {"digital", r.EnergyDigitPJ, 13.6},
		{"memory", r.EnergyMemPJ, 65}, {"bus", r.EnergyBusPJ, 237}, {"sync", r.EnergySyncPJ, 17.65 + 0.008*c},
		{"static", r.EnergyStaticPJ, 0.032 * c},
		{"total", r.EnergyPJ, 161.792 + 512 + 13.6 + 65 + 237 + 17.65 + 0.04*c},
		{"area", r.AreaMM2, 4.672}, {"sync area", r.SyncAreaMM2, 0.1},
		{"PUMA area", r.PumaAreaMM2, 0.044}, {"PUMA sync", r.PumaSyncPJ, 120 + 0.044*c},
		{"TOPS/W", r.TOPSPerW, 768 / r.EnergyPJ}, {"TOPS/mm²", r.TOPSPerMM2, 768 / (c * 1e-9) / 1e12 / 4.672},
	} {
		if math.Abs(v.got-v.want) > 1e-9*math.Max(1, math.Abs(v.want)) {
			t.Errorf("%s = %.12g, want %.12g (run of %d cycles)", v.name, v.got, v.want, r.Cycles)
		}
	}
}
