// Package sim is cimkit's timed simulator: it executes the per-core
// programs of a compiled layer on a model of the chip and measures time, bus
// traffic and memory, the paper's metrics.
//
// # Timing model
//
// Cores run in parallel, each in program order. A core's crossbar is a unit
// of its own: MVM starts it for arch.MVMCycles and the core goes on; only an
// instruction that reads Out or writes In (a MOV, a LOAD into In, a STORE of
// Out, the next MVM) waits for it. So the WAIT for ownership and the
// partial-sum LOAD after an MVM overlap it, the pipeline the compiler's
// programs are written for (Options.BlockingMVM makes the core wait for its
// MVM instead). MOV takes arch.DigitalCycles.
//
// LOAD, STORE and CALL are transactions between the cores and the shared
// memory (a CALL writes another core's sequence register). The chip's
// interconnect (arch.Interconnect) carries them:
//
//   - The shared bus (arch.Shared): a transaction of n bytes holds the bus
//     for arch.BusCycles(n) cycles (beats of BusBytes, bursts of at most
//     BurstBeats, BusOverheadCycles per burst), one transaction at a time,
//     and the core waits for it to end. A CALL writes the target's sequence
//     register when its transfer ends. This is AXI4 in the single-issue,
//     shared-access mode of simple interconnects (one transaction in
//     flight, the next arbitrated when the previous one, write response
//     included, is done: AMD's AXI Interconnect, PG059, "Shared Access
//     mode").
//   - AXI4 (arch.AXI4): separate read and write channels that carry
//     transfers at the same time, address phases that overlap the previous
//     burst's data, write responses, and up to arch.AXIOutstanding
//     transactions in flight per core, whose order isa.MustWait rules; a
//     CALL is a write, issued only when the core's earlier transactions are
//     done (their write responses back), and performed when its own
//     response comes back (see axi.go for the channel model). This is the
//     "crossbar" mode of the same interconnect: one arbiter per address
//     channel, parallel read and write data paths, several transactions
//     issued per master.
//
// WAIT costs nothing when the core's own sequence register already holds
// at least the awaited value; otherwise the core blocks until a CALL raises
// it (no bus polling).
//
// A core has sequence registers 0, 1, 2, ... (at most MaxSeqRegs); CALL
// and WAIT name one by isa.Instr.Seq. Per-layer programs use register 0
// only, the paper's one; whole-network programs also wait for their inputs
// on others. A CALL raises its register to its value when that is larger.
// A VOP (a digital layer's op) takes arch.VOPCycles of its element count and
// otherwise behaves as a MOV. A PROG writes crossbar rows: like an MVM it
// occupies the crossbar (arch.RowWriteCycles per row) while the core goes
// on, and whatever waits for an MVM waits for it.
//
// When the bus (on AXI4, an address channel) is free it goes to a waiting
// core chosen by the arbiter.
// The default, Oldest, serves the core that has waited longest and breaks
// ties among cores that asked in the same cycle round-robin; RoundRobin
// serves the first waiting core after the last one served. Both are fair.
// Oldest is the default because with RoundRobin the cores of a cyclic
// schedule, which all do the same thing at the same time, fall into a
// convoy: each core's chain of transfers after its MVM (STORE, CALL, the
// next input LOADs) is interleaved with every other core's, so all of them
// wait for the whole group on every vector. With the paper's workloads at
// default timings, cyclic then loses up to 30% against linear, and more
// than 5% in 77 of 259 runs where the bus is at most 90% busy (linear hides
// it: its ownership chain staggers the cores); with Oldest the early cores
// run ahead, the transfers spread out, and the two schemes end within 1% of
// each other in most runs.
//
// The simulator is a purpose-built event loop: cores run ahead through
// compute instructions on their local clocks and only enter a small heap
// when they reach a bus instruction or a WAIT in the future; the one
// transaction in flight is kept apart (on AXI4, the CALLs' register writes
// and the cores parked for a transaction wait in queues per channel, whose
// times only grow). At equal times the bus completion (the register writes,
// the parked cores) is handled first, then cores by index, then the grants,
// so results are deterministic. When every unfinished core is blocked the run stops with a
// deadlock error naming each core, its instruction index and its register.
//
// # Metrics
//
// A Result describes one layer under one configuration (its fields are
// documented where they are declared). speedup is the sequential scheme's
// makespan over the scheme's; limit is PV and efficiency speedup/PV.
// bus_limit is the speedup the bus alone would allow: the sequential
// makespan over the cycles the bus was busy in the scheme's run (a run can
// never be shorter than its bus time). overhead is the share of bus bytes
// spent on CALLs. Efficiency can exceed 1 by a little: in the sequential
// baseline the PH column groups still run side by side and contend for the
// bus in lockstep, which the pipelined schemes partly avoid.
//
// sync_mem_bytes is the sequence registers of the layer's cores
// (cores x arch.SeqRegBytes). puma_attr_bytes is what a PUMA-style
// attribute buffer would need for the same shared data: PUMA keeps, for
// every 16-bit word of shared memory, an attribute (a valid bit and a
// consumer count), one byte per word, and every word the layer touches in
// shared memory (IFM, partial sums, OFM) is produced by one core and
// consumed by others, so all of it needs attributes: ceil((ifm_bytes +
// psum_bytes + ofm_bytes) / 2). This reproduces the paper's example (64 kB
// of data: 32K attributes, 32 kB, against 4 kB of sequence registers for
// 1024 cores, 87.5% less).
//
// # Energy and area
//
// While it times a run, the simulator counts what the hardware does
// (Timing.Actions, and per core in CoreStats): MVMs, with the rows and
// columns of each core's tile (streams report it through MVMShaper, or
// TileShaper when a core changes tiles during the run), the
// DAC and ADC conversions they make, digital-unit operations by function,
// bus transactions, bytes and beats by kind, sequence-register writes and
// WAITs, crossbar rows written by PROG, and the cycles each unit is busy.
// The functional executor counts the same actions (a test holds them
// equal). Package cim/energy prices them: RunLayerWith and the sweeps fill
// in Result's energy, area and TOPS/W fields with Options.Tech (cimkit's
// default technology when nil), for the layer's cores and the shared memory
// it holds; Total sums the energies and SetModelArea sizes the chip that
// runs every layer.
//
// # Calibration
//
// The paper gives no timings. The defaults (package arch) are a 1 GHz
// clock, 3200-cycle MVMs (eight bit-serial reads of 400 ns for int8
// inputs), 2 cycles of overhead per bus transaction, int8 activations and
// int32 partial sums. The tests in cim/sweep (calib_test.go) run the paper's
// evaluation (conv layers of ResNet-18 and MobileNet v1 at 224x224, 32x32
// to 128x128 crossbars, 4 to 64-byte buses, layers that fit 1024 cores)
// and hold its trends:
//
//   - Synchronisation stays below 1.4% of the bus bytes with 32x32
//     crossbars and 0.7% with 64x64 (paper: 4% and 2%).
//   - Linear and cyclic reach 99% of PV when the bus is at most half busy
//     and at least 32 bytes wide, the layer has at least 16 PV output
//     vectors, and its im2col rows fill every crossbar. Short edge tiles
//     (e.g. ResNet's conv1, 147 rows) leave a core with less to do while
//     the others set the pace (98.1-98.8%), and on narrow buses the first
//     writer's 4-byte partial sums cost visibly more than the last writer's
//     1-byte outputs. With any bus at most a quarter busy and 8 PV vectors
//     the worst run reaches 94% and the median 99.6%.
//   - Cyclic against linear (bus at most half busy): cyclic is faster in 45
//     of 207 runs, within 1% in 135 more, and at worst 8% slower. The
//     paper's advantage of cyclic (the bias and activation of the last
//     writer spread over all cores) is worth two MOVs per vector, about
//     0.25% of a 3200-cycle step, smaller than the bus effects above, so it
//     shows in part of the runs only. None of the timings tried (MVM 800 to
//     3200 cycles, 0 to 2 cycles of bus overhead, blocking or overlapping
//     MVMs, either arbiter) makes cyclic faster in general.
//   - A 4-byte bus stops scaling at a few tens of cores: every layer of at
//     most 16 cores keeps 94% of PV, every layer of 64 cores or more stays
//     below 75%. A 64-byte bus keeps 98% up to 128 cores, 83-100% at 144 and
//     71-93% at 256. With the 800-cycle MVM of an ISAAC-speed crossbar the
//     64-byte bus would saturate near 60 cores instead.
package sim
