package energy

import (
	"math"

	"github.com/cimkit/cimkit/cim/arch"
)

// Chip is the hardware one run powers: Cores cores of the architecture,
// the shared memory the run holds and the bus that joins them. Cores a
// layer does not use, and shared memory it does not fill, are taken as
// power-gated: neither their area nor their leakage counts.
type Chip struct {
	Arch        arch.Arch
	Cores       int   // cores powered
	SharedBytes int64 // shared memory held (IFM + partial sums + OFM)
	SeqRegs     int   // sequence registers on the chip (0: one per core, the paper's)
}

// AddrBits is the address and control phase of one bus transaction, in
// wires driven once: a 32-bit address and 8 bits of control (AXI4's
// AxLEN, AxSIZE, AxBURST and valid/ready).
const AddrBits = 40

// PumaWordBytes is the shared-memory word that carries one PUMA attribute:
// PUMA computes on 16-bit fixed-point data.
const PumaWordBytes = 2

// PumaAttrBytes is the size of a PUMA-style attribute buffer for n bytes of
// shared data: one attribute byte (a valid bit and a 7-bit consumer count)
// per 16-bit word.
func PumaAttrBytes(n int64) int64 { return (n + PumaWordBytes - 1) / PumaWordBytes }

// Area is a chip's area by part, in mm², with the figures it follows from.
type Area struct {
	Core      float64 // one core: crossbar, converters, registers, digital unit (sequence registers apart)
	Crossbars float64 // every core's RRAM cells
	ADCs      float64 // every core's ADCs (and shift-and-adds)
	Periphery float64 // every core's DACs, sample-and-holds, registers and digital unit
	SeqRegs   float64 // the sequence registers (the paper's synchronisation memory)
	Memory    float64 // shared memory
	Bus       float64 // the bus wires
	Total     float64 // all of the above

	PumaAttr float64 // a PUMA attribute buffer for the same shared data (not in Total)

	ADCBits     int     // ADC resolution (see ADCBits)
	ADCsPerCore int     // ADCs a core needs to convert an MVM in arch.MVMCycles
	BusWires    int     // wires of the bus (see BusWires)
	BusMM       float64 // length of the bus: the side of the chip without it
}

// Energy is what a run cost, in pJ, by class. The classes add up to Total:
//
//	Xbar     crossbar cell reads, DAC conversions, samples, cell writes
//	ADC      ADC conversions
//	Digital  shift-and-adds, input and output registers, MOVs and VOPs
//	Memory   shared-memory reads and writes (LOAD, STORE)
//	Bus      bus transfers of LOADs and STOREs
//	Sync     synchronisation: CALL transfers, sequence-register writes,
//	         WAIT checks and the sequence registers' leakage
//	Static   leakage of everything else for the run's time
//
// PumaSync is what a PUMA attribute buffer for the same shared data would
// cost instead of Sync: an attribute read and rewrite per 16-bit word
// loaded or stored, and the buffer's leakage (it is not part of Total).
type Energy struct {
	Xbar, ADC, Digital, Memory, Bus, Sync, Static float64
	Total                                         float64
	PumaSync                                      float64
}

// ADCBits is the ADC resolution a crossbar of a.XbarRows rows needs, by
// ISAAC's rule (Shafiee et al., ISCA 2016, eqs. 1-2): log2(R) + v + w bits
// for R rows, v-bit DACs and w-bit cells, one bit less when v or w is 1,
// and one bit less again with ISAAC's encoding (weights flipped so that a
// column sum never exceeds half the range). ISAAC's 128 rows, 1-bit DACs
// and 2-bit cells need 8 bits; cimkit's 32, 64 and 128 rows 6, 7 and 8.
func ADCBits(a arch.Arch) int {
	b := int(math.Ceil(math.Log2(float64(max(a.XbarRows, 1))))) + a.DACBits + a.CellBits - 1
	if a.DACBits == 1 || a.CellBits == 1 {
		b--
	}
	return max(b, 1)
}

// adc returns one ADC's energy per conversion (pJ), leakage (W) and area
// (mm²) at the resolution the chip needs: the smallest listed resolution
// that is enough, or the largest scaled by 2 per missing bit (a SAR ADC's
// capacitive DAC doubles per bit). Without resolutions, the entry as given.
func (t *Tech) adc(bits int) (e, leak, area float64) {
	c := t.Components["adc"]
	if len(c.Resolutions) == 0 {
		return c.ActionEnergy(), c.InstanceLeakage(), c.InstanceArea()
	}
	best := -1
	for i, r := range c.Resolutions {
		if r.Bits >= bits && (best < 0 || r.Bits < c.Resolutions[best].Bits) {
			best = i
		}
	}
	scale := 1.0
	if best < 0 {
		for i, r := range c.Resolutions {
			if best < 0 || r.Bits > c.Resolutions[best].Bits {
				best = i
			}
		}
		scale = math.Ldexp(1, bits-c.Resolutions[best].Bits)
	}
	r := c.Resolutions[best]
	return r.Energy.Value * scale, r.Leakage.Value * scale, r.Area.Value * scale
}

// ADCsPerCore is the number of ADCs that convert one MVM's columns in
// arch.MVMCycles: every physical column once per input slice, at the ADC's
// rate.
func (t *Tech) ADCsPerCore(a arch.Arch) int {
	conv := float64(a.XbarCols) * float64(a.WeightSlices()) * float64(a.InputSlices())
	seconds := a.Seconds(int64(a.MVMCycles))
	n := math.Ceil(conv / seconds / t.Components["adc"].Rate.Value * (1 - 1e-12))
	return max(int(n), 1)
}

// DigitalLanes is the number of lanes (one element per cycle each) of a
// core's digital unit: arch.DigitalLanes elements per arch.DigitalCycles
// cycles, at least one.
func DigitalLanes(a arch.Arch) int {
	return max((a.DigitalLanes+a.DigitalCycles-1)/max(a.DigitalCycles, 1), 1)
}

// BusWires is the number of wires of the bus: AXI4's read and write data
// channels (8 x BusBytes each) and its read and write address channels
// (AddrBits each).
func BusWires(a arch.Arch) int { return 16*a.BusBytes + 2*AddrBits }

// perCore are the instance counts of one core.
type perCore struct {
	cells, dacs, shs, adcs, inBytes, outBytes, lanes float64
}

// seqBytes is the bytes of sequence register on chip c.
func (c Chip) seqBytes() float64 {
	regs := c.SeqRegs
	if regs <= 0 {
		regs = c.Cores
	}
	return float64(regs) * float64(c.Arch.SeqRegBytes)
}

func (t *Tech) core(c Chip) perCore {
	a := c.Arch
	phys := float64(a.XbarCols) * float64(a.WeightSlices())
	return perCore{
		cells: float64(a.XbarRows) * phys, dacs: float64(a.XbarRows), shs: phys,
		adcs:    float64(t.ADCsPerCore(a)),
		inBytes: float64(a.XbarRows) * float64(a.ActBytes),
		// Out and Acc, one partial sum per column each
		outBytes: 2 * float64(a.XbarCols) * float64(a.PsumBytes),
		lanes:    float64(DigitalLanes(a)),
	}
}

// Area returns the area of chip c.
func (t *Tech) Area(c Chip) Area {
	a := c.Arch
	k := t.core(c)
	comp := t.Components
	n := float64(c.Cores)
	bits := ADCBits(a)
	_, _, adcArea := t.adc(bits)
	ar := Area{ADCBits: bits, ADCsPerCore: int(k.adcs), BusWires: BusWires(a)}
	xbar := k.cells * comp["crossbar"].InstanceArea()
	adcs := k.adcs * (adcArea + comp["shift_add"].InstanceArea())
	peri := k.dacs*comp["dac"].InstanceArea() + k.shs*comp["sample_hold"].InstanceArea() +
		k.inBytes*comp["input_register"].InstanceArea() + k.outBytes*comp["output_register"].InstanceArea() +
		k.lanes*comp["digital_unit"].InstanceArea()
	ar.Core = xbar + adcs + peri
	ar.Crossbars, ar.ADCs, ar.Periphery = n*xbar, n*adcs, n*peri
	ar.SeqRegs = c.seqBytes() * comp["sequence_register"].InstanceArea()
	ar.Memory = float64(c.SharedBytes) * comp["shared_memory"].InstanceArea()
	ar.BusMM = math.Sqrt(n*ar.Core + ar.SeqRegs + ar.Memory)
	ar.Bus = float64(ar.BusWires) * comp["bus"].InstanceArea() * t.busScale(ar.BusMM)
	ar.Total = n*ar.Core + ar.SeqRegs + ar.Memory + ar.Bus
	ar.PumaAttr = float64(PumaAttrBytes(c.SharedBytes)) * comp["attribute_buffer"].InstanceArea()
	return ar
}

// busScale is the length of the chip's bus over the length the bus
// component's values are for.
func (t *Tech) busScale(mm float64) float64 {
	ref := 1.0
	if l := t.Components["bus"].Length; l.IsSet() {
		ref = l.Value
	}
	return mm / ref
}

// Leakage returns the static power of chip c in W: all of it, and the part
// of it that is the sequence registers'.
func (t *Tech) Leakage(c Chip) (total, seqRegs float64) {
	a := c.Arch
	k := t.core(c)
	comp := t.Components
	_, adcLeak, _ := t.adc(ADCBits(a))
	core := k.cells*comp["crossbar"].InstanceLeakage() + k.dacs*comp["dac"].InstanceLeakage() +
		k.shs*comp["sample_hold"].InstanceLeakage() + k.adcs*(adcLeak+comp["shift_add"].InstanceLeakage()) +
		k.inBytes*comp["input_register"].InstanceLeakage() + k.outBytes*comp["output_register"].InstanceLeakage() +
		k.lanes*comp["digital_unit"].InstanceLeakage()
	seqRegs = c.seqBytes() * comp["sequence_register"].InstanceLeakage()
	ar := t.Area(c)
	bus := float64(ar.BusWires) * comp["bus"].InstanceLeakage() * t.busScale(ar.BusMM)
	mem := float64(c.SharedBytes) * comp["shared_memory"].InstanceLeakage()
	return float64(c.Cores)*core + mem + bus + seqRegs, seqRegs
}

// Energy prices the actions x of a run of the given length (cycles at the
// chip's clock) on chip c: every action times its energy, plus leakage
// times time (see Energy for the classes).
func (t *Tech) Energy(c Chip, x *Actions, cycles int64) Energy {
	a := c.Arch
	comp := t.Components
	e := func(name string) float64 { return comp[name].ActionEnergy() }
	acc := func(name string) float64 { return comp[name].AccessEnergy.Value }
	adcE, _, _ := t.adc(ADCBits(a))
	slices := float64(a.InputSlices()) * float64(a.WeightSlices())
	ar := t.Area(c)
	bit := e("bus") * t.busScale(ar.BusMM) // one bit over the chip's bus
	seconds := a.Seconds(cycles)
	leak, seqLeak := t.Leakage(c)
	_, elems := x.Digital()
	data, dataTx := float64(x.LoadBytes+x.StoreBytes), float64(x.Loads+x.Stores)

	var out Energy
	out.Xbar = float64(x.Cells)*slices*e("crossbar") + float64(x.DACs)*e("dac") +
		float64(x.ADCs)*e("sample_hold") + float64(x.CellWrites)*comp["crossbar"].WriteEnergy.Value
	out.ADC = float64(x.ADCs) * adcE
	out.Digital = float64(x.ADCs)*e("shift_add") + float64(elems)*e("digital_unit") +
		2*float64(x.Rows)*float64(a.ActBytes)*e("input_register") + // written by LOADs, read by the DACs
		2*float64(x.Cols)*float64(a.PsumBytes)*e("output_register") // written by the shift-and-adds, read once
	out.Memory = data*e("shared_memory") + dataTx*acc("shared_memory")
	out.Bus = (8*data+AddrBits*dataTx)*bit + dataTx*acc("bus")
	out.Sync = (8*float64(x.CallBytes)+AddrBits*float64(x.Calls))*bit + float64(x.Calls)*acc("bus") +
		float64(x.SeqWrites)*float64(a.SeqRegBytes)*e("sequence_register") +
		float64(x.Waits)*acc("sequence_register") + seqLeak*seconds*1e12
	out.Static = (leak - seqLeak) * seconds * 1e12
	out.Total = out.Xbar + out.ADC + out.Digital + out.Memory + out.Bus + out.Sync + out.Static
	attr := comp["attribute_buffer"]
	out.PumaSync = math.Ceil(data/PumaWordBytes)*attr.ActionEnergy() +
		float64(PumaAttrBytes(c.SharedBytes))*attr.InstanceLeakage()*seconds*1e12
	return out
}

// PeakOps is the operations per second of one core at full use: every
// weight of its crossbar multiplied and added (2 operations) once per
// arch.MVMCycles.
func PeakOps(a arch.Arch) float64 {
	return 2 * float64(a.XbarRows) * float64(a.XbarCols) / a.Seconds(int64(a.MVMCycles))
}
