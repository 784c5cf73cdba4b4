package energy

import (
	"math"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
)

// isaacChip is the ISAAC-CE chip of Shafiee et al., ISCA 2016, Table I,
// built from the shipped ISAAC technology file: an IMA has 8 ADCs, 8 x 128
// DACs and sample-and-holds, 8 arrays of 128 x 128 cells, 4 shift-and-adds,
// a 2 KB input register and a 256 B output register; a tile has 12 IMAs, a
// 64 KB eDRAM buffer, the 384-wire eDRAM-to-IMA bus, a quarter of a router
// (shared by 4 tiles), 2 sigmoid units, a shift-and-add, a max-pool unit
// and a 3 KB output register; the chip has 168 tiles and 4 HyperTransport
// links.
func isaacChip() (ima, tile, chip Part) {
	ima = Part{N: 1, Parts: []Part{
		{Name: "adc", N: 8}, {Name: "dac", N: 8 * 128}, {Name: "sample_hold", N: 8 * 128},
		{Name: "crossbar", N: 8 * 128 * 128}, {Name: "shift_add", N: 4},
		{Name: "input_register", N: 2048}, {Name: "output_register", N: 256},
	}}
	tile = Part{N: 1, Parts: []Part{
		{N: 12, Parts: ima.Parts}, {Name: "shared_memory", N: 64 << 10}, {Name: "bus", N: 384},
		{Name: "router", N: 0.25}, {Name: "digital_unit", N: 2}, {Name: "tile_shift_add", N: 1},
		{Name: "maxpool", N: 1}, {Name: "tile_output_register", N: 3 << 10},
	}}
	chip = Part{N: 1, Parts: []Part{{N: 168, Parts: tile.Parts}, {Name: "hyper_transport", N: 1}}}
	return ima, tile, chip
}

// TestISAACRollup rolls the ISAAC technology file up to ISAAC-CE and
// compares with the totals Table I publishes: IMA 289 mW / 0.157 mm² (for
// the 12 IMAs of a tile), tile 330 mW / 0.372 mm², 168 tiles 55.4 W /
// 62.5 mm², chip 65.8 W / 85.4 mm². Table I rounds its totals; the sums of
// its rows are 288.96 mW, 0.15744 mm², 329.81 mW and 0.37229 mm² per tile,
// 65.81 W and 85.43 mm² per chip: within 1% of every published total.
func TestISAACRollup(t *testing.T) {
	tech := ISAAC()
	ima, tile, chip := isaacChip()
	ima.N = 12
	tiles := tile
	tiles.N = 168
	for _, c := range []struct {
		name        string
		part        Part
		power, area float64 // published, W and mm²
	}{
		{"12 IMAs", ima, 0.289, 0.157},
		{"tile", tile, 0.330, 0.372},
		{"168 tiles", tiles, 55.4, 62.5},
		{"chip", chip, 65.8, 85.4},
	} {
		p, a, err := tech.Rollup(c.part)
		if err != nil {
			t.Fatal(err)
		}
		if rel(p, c.power) > 0.01 || rel(a, c.area) > 0.01 {
			t.Errorf("%s: %.4g W, %.4g mm²; ISAAC Table I: %g W, %g mm²", c.name, p, a, c.power, c.area)
		}
	}
}

// TestISAACEfficiency reproduces ISAAC-CE's peak power and computational
// efficiency, Table IV of Shafiee et al. (HyperTransport included): PE
// 627.5 GOPS/W and CE 478.95 GOPS/(s mm²). An ISAAC crossbar is, in
// cimkit's terms, 128 rows of 16 weights (16-bit weights in 8 two-bit
// cells: 128 physical columns) read 16 times (16-bit inputs, 1-bit DACs)
// at 100 ns: an MVM takes 1.6 us, 1920 cycles of the 1.2 GHz tile clock.
// PeakOps gives 2 x 128 x 16 / 1.6 us = 2.56 GOPS per array, 41.29 TOPS for
// the 16128 arrays of the chip; over the rolled-up 65.81 W that is
// 627.4 GOPS/W (0.02% from Table IV), over 85.43 mm² 483.3 GOPS/(s mm²):
// 0.9% above the published CE, which corresponds to 40.9 TOPS; Table I
// rounds the array area to one digit and the paper does not say which
// throughput CE counts, so CE is held to 1% and PE to 0.1%.
func TestISAACEfficiency(t *testing.T) {
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.ClockMHz, a.MVMCycles = 128, 16, 1200, 1920
	a.ActBytes, a.WeightBits, a.DACBits, a.CellBits = 2, 16, 1, 2
	if got := ADCBits(a); got != 8 {
		t.Errorf("ADC bits for ISAAC's crossbar: %d, want 8 (Table I)", got)
	}
	ops := PeakOps(a) * 168 * 12 * 8
	_, _, chip := isaacChip()
	p, area, err := ISAAC().Rollup(chip)
	if err != nil {
		t.Fatal(err)
	}
	pe, ce := ops/p/1e9, ops/area/1e9
	if rel(pe, 627.5) > 0.001 || rel(ce, 478.95) > 0.01 {
		t.Errorf("ISAAC-CE: PE %.1f GOPS/W, CE %.2f GOPS/(s mm²); Table IV: 627.5, 478.95", pe, ce)
	}
}

// rel is |got - want| / want.
func rel(got, want float64) float64 { return math.Abs(got-want) / want }

// TestPUMAMVMU prices one MVM of PUMA's memristive MVMU and compares it
// with the energy PUMA publishes for it (Ankit et al., ASPLOS 2019,
// Sec. 7.4.3: 16,384 MACs of a 128x128 MVMU in 2,304 ns at 43.97 nJ; the
// latency is the PUMA simulator's (16+2) x 128 cycles at 1 GHz). PUMA's
// MVMU holds 16-bit weights in 2-bit cells (8 crossbars of 128x128) and
// applies 16-bit inputs one bit at a time, so in cimkit's terms it is a
// 128x128 crossbar with 16-bit weights, 2-bit cells, 2-byte activations
// and 1-bit DACs: 128 x 16 = 2048 DAC and 128 x 16 x 8 = 16,384 ADC
// conversions. Priced with ISAAC's component table the MVM costs 31.2 nJ
// (25.6 nJ of it the 16,384 ADC conversions), with cimkit's default
// technology 33.6 nJ (leakage of the 6 ADCs the conversions need in
// 2,304 ns included): 24 to 29% below PUMA's figure. The conversion counts
// are the same in both models; the difference is in the component values
// (PUMA's simulator has its own, lumping the crossbar's periphery into its
// read power), which the test does not try to match. The test holds the
// default technology within 30% of PUMA's figure, with the ADCs the
// largest part, so that a change to the counts or the prices that moves
// the MVM energy far from the published one fails.
func TestPUMAMVMU(t *testing.T) {
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.ActBytes, a.WeightBits, a.CellBits, a.DACBits = 128, 128, 2, 16, 2, 1
	a.ClockMHz, a.MVMCycles = 1000, 2304
	one := MVMOf(128, 128, a)
	if one.DACs != 2048 || one.ADCs != 16384 {
		t.Fatalf("PUMA MVM: %d DAC, %d ADC conversions; want 2048, 16384", one.DACs, one.ADCs)
	}
	var x Actions
	x.AddMVM(&one)
	e := Default().Energy(Chip{Arch: a, Cores: 1}, &x, int64(a.MVMCycles))
	if got := e.Total / 1e3; rel(got, 43.97) > 0.3 || e.ADC < e.Total/2 {
		t.Errorf("PUMA MVMU MVM: %.2f nJ (ADC %.2f nJ); PUMA publishes 43.97 nJ", got, e.ADC/1e3)
	}
}
