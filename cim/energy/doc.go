// Package energy prices what a simulated chip did: energy per action,
// leakage and area per component, from a technology file.
//
// # Actions
//
// The executors count the actions of a run as they execute the programs
// (Actions): crossbar MVMs with the rows and columns of the core's tile,
// DAC conversions (rows x arch.InputSlices per MVM) and ADC conversions
// (columns x InputSlices x WeightSlices: every physical column on every
// read), digital-unit operations and the elements they touch by function,
// bus transactions, bytes and beats by kind (LOAD reads shared memory,
// STORE writes it, CALL writes a sequence register), sequence-register
// writes received, WAITs, and crossbar rows and cells programmed (PROG).
// cim/sim counts them while it times the run, cim/functional while it
// checks it; the two agree (a test in cim/sim).
//
// # Technology files
//
// A technology file (JSON, see Load) gives every component of the model:
//
//	component          one instance is                action (energy) is
//	crossbar           one RRAM cell                  one cell read (one input slice); write_energy: one cell programmed
//	dac                one DAC (one per row)          one conversion
//	adc                one ADC                        one conversion (rate: conversions per second)
//	sample_hold        one S+H (one per column cell)  one sample
//	shift_add          one unit (one per ADC)         one shift-and-add of a conversion
//	input_register     one byte                       one byte written or read
//	output_register    one byte                       one byte written or read
//	digital_unit       one lane                       one element operation
//	sequence_register  one byte                       one byte written; access_energy: one WAIT check
//	shared_memory      one byte                       one byte read or written; access_energy: one access
//	bus                one wire as long as length     one bit over length; access_energy: one arbitration
//	attribute_buffer   one byte (a PUMA attribute)    one attribute access (read and rewrite)
//
// Every value is a string with its unit ("16 mW", "0.0096 mm2", "1.28
// GS/s"), and every component names its source. Power, leakage and area may
// be given for count instances, as published tables give group totals;
// the energy of an action may be given, or derived as power / count /
// rate. Components outside the model (ISAAC's router, its HyperTransport
// links) go under "extra", for roll-ups (Rollup). Unknown fields, missing
// components or values, quantities without a unit or with the unit of
// another dimension, and negative or non-finite values are errors naming
// the component and the field.
//
// Two files ship with the package. Default (tech/default.json) is cimkit's
// default technology, 32 nm: ISAAC's component table (Shafiee et al., ISCA
// 2016, Table I) for the crossbar, DACs, ADCs (other resolutions as
// Accelergy's ISAAC model scales them), sample-and-holds, shift-and-adds,
// registers, the eDRAM shared memory and the bus wires; the PUMA
// simulator's constants (Ankit et al., ASPLOS 2019) for leakage where ISAAC
// gives total power only (10% of DAC, ADC, S+H and S+A power, as the PUMA
// simulator splits it), for the crossbar's write energy and for the SRAM of
// PUMA's attribute buffer; Aladdin's 40 nm adder, register and comparator
// (scaled to 32 nm) for the digital unit and the sequence registers. Each
// component's source field gives the published numbers and the arithmetic.
// ISAAC (tech/isaac.json) is ISAAC-CE's Table I as printed; rolled up to
// ISAAC's chip (12 IMAs per tile, 168 tiles) it gives the published tile
// and chip power and area within 1%, and with PeakOps ISAAC's power
// efficiency of Table IV (tests). Priced with the default technology, one
// MVM of PUMA's 128x128 MVMU (16-bit weights and inputs) costs 33.6 nJ,
// 24% below the 43.97 nJ PUMA publishes (Ankit et al., ASPLOS 2019): the
// conversions counted are the same, the component values are ISAAC's, not
// PUMA's own (a test holds the gap under 30%).
//
// # Scaling to cimkit's chips
//
// Per-instance values scale with cimkit's crossbar sizes and bit widths by
// these rules:
//
//   - A crossbar of R x C weights has R x C x WeightSlices cells, R DACs, C x
//     WeightSlices sample-and-holds and an input register of R x ActBytes
//     and output registers (Out and Acc) of 2 x C x PsumBytes bytes.
//   - The ADC resolution follows ISAAC's rule (ADCBits): 6, 7 and 8 bits
//     for 32, 64 and 128 rows with 1-bit DACs and 2-bit cells. A file may
//     list ADCs by resolution; the smallest that suffices is used, or the
//     largest with energy, leakage and area doubled per missing bit.
//   - A core has as many ADCs (and shift-and-adds) as convert an MVM's
//     C x WeightSlices x InputSlices conversions in arch.MVMCycles at the
//     ADC's rate (ADCsPerCore), and arch.DigitalLanes / arch.DigitalCycles
//     digital lanes (DigitalLanes).
//   - The bus has AXI4's two data channels and two address channels
//     (BusWires: 16 x BusBytes + 80 wires) and spans the chip: its length is
//     the side of a square of the cores' and the shared memory's area.
//     Wire energy, leakage and area scale with that length.
//
// # The model
//
// Energy is every action times its energy plus leakage times time, per
// class (Energy): the analog MVM (cell reads, DAC conversions, samples,
// cell writes), ADC conversions, digital work (shift-and-adds, register
// traffic, MOV and VOP elements), shared-memory traffic, bus traffic,
// synchronisation (CALL transfers, sequence-register writes, WAIT checks,
// and the sequence registers' leakage) and the leakage of everything else.
// Register traffic is derived from the counted rows and columns: each
// input byte is written once and read once per MVM, and each partial sum
// written once and read once. A run powers its own cores and the shared
// memory it fills (Chip); cores it does not use are taken as power-gated.
//
// The paper's memory argument, 4 B of sequence register per core against a
// PUMA-style attribute buffer (one attribute byte per 16-bit word of shared
// data), becomes an energy and area argument: Area.SeqRegs against
// Area.PumaAttr, and Energy.Sync against Energy.PumaSync, what the attribute
// buffer would cost instead (an attribute read and rewrite per word loaded
// or stored, plus the buffer's leakage; the timing effect of dropping the
// CALLs is not modelled). PeakOps and the Result fields in cim/sim give
// TOPS/W and TOPS/mm².
//
// # Limitations
//
// Values are 32 nm and come from models (ISAAC's and PUMA's tables are
// simulations, not silicon); leakage where ISAAC gives none follows the
// PUMA simulator's split, and with cimkit's slow default MVM (bit-serial
// reads of hundreds of nanoseconds) leakage is most of a layer's energy.
// Device non-idealities, ADC precision loss, wire capacitance by layout,
// clock trees, power gating's own cost and off-chip I/O are not modelled.
// A per-layer run prices the chip it powers, so its bus spans only its own
// cores and memory; a chip sized for a whole network has a longer bus.
// Whole-network runs (cim/netsim) keep every core of the chip powered for
// the whole run; like per-layer runs they price each MVM on the tile the
// core holds at the time (its rows and columns).
package energy
