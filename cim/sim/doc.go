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
// wait for the whole group on every vector. On the shared bus, with the
// paper's workloads at default timings (the conv layers of cim/sweep's
// calibration runs whose linear run keeps the bus at most 90% busy),
// cyclic then loses up to 26% against linear, and more than 5% in 72 of
// 471 runs (linear hides it: its ownership chain staggers the cores); with
// Oldest the early cores run ahead, the transfers spread out, and the two
// schemes end within 1% of each other (or cyclic ahead) in 252 of 305
// runs, cyclic more than 5% behind in 7. AXI4, whose channels overlap the
// transfers, suffers little from the convoy: under RoundRobin cyclic loses
// more than 5% in 6 of 563 runs, at most 5.6%.
//
// The simulator is a purpose-built event loop: cores run ahead through
// compute instructions on their local clocks and only enter a small heap
// when they reach a bus instruction or a WAIT in the future; the one
// transaction in flight is kept apart (on AXI4, the CALLs' register writes
// and the cores parked for a transaction wait in queues per channel, whose
// times only grow). At equal times the bus completion (the register writes,
// the parked cores) is handled first, then cores by index, then the grants,
// so results are deterministic. When every unfinished core is blocked the
// run stops with a deadlock error naming each core, its instruction index
// and its register.
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
// The paper gives no timings. The defaults (package arch, with sources)
// are a 1 GHz clock, 2000-cycle MVMs (eight bit-serial reads of 250 ns for
// int8 inputs), the AXI4 interconnect with 4 transactions in flight per
// core and 1 cycle of latency (the shared bus: 2 cycles of overhead per
// burst), int8 activations and int32 partial sums. The tests in cim/sweep
// (calib_test.go) run the paper's evaluation (conv layers of ResNet-18 and
// MobileNet v1 at 224x224, 32x32 to 128x128 crossbars, 4 to 64-byte buses,
// layers that fit 1024 cores) on both interconnects and hold what they
// find:
//
//   - Synchronisation stays below 1.4% of the bus bytes with 32x32
//     crossbars and 0.7% with 64x64 (paper: 4% and 2%), on either
//     interconnect (the programs are the same).
//   - Linear and cyclic reach 99% of PV when the bus is at most half busy
//     and at least 32 bytes wide, the layer has at least 16 PV output
//     vectors, and its im2col rows fill every crossbar: on AXI4 in all 180
//     such runs, on the shared bus in 132 of 140 (the others above 98.6%).
//     With any bus at most a quarter busy and 8 PV vectors the worst run
//     reaches 94.7% on AXI4 (91.4% on the shared bus), the median 99.7%
//     (99.4%). What these runs lose is a fixed number of cycles per output
//     vector, more on a narrower bus: each vector waits for its partial
//     sum's hand-off (STORE, CALL, WAIT, LOAD) on the pipeline's critical
//     path, most in the linear scheme, and short edge tiles (e.g. ResNet's
//     conv1, 147 rows) leave a core with less to do while the others set
//     the pace. ResNet-18 layer1.0.conv1 on 128x128 crossbars (linear, PV
//     5) reaches 99.7% of PV on a 64-byte AXI4 bus and 97.9% on a 4-byte
//     one with 2000-cycle MVMs, 99.85% and 98.9% with 4000-cycle MVMs.
//   - Cyclic against linear (bus at most half busy): on AXI4 cyclic is at
//     least as fast in 236 of 241 runs and within 1% in the other 5, as the
//     paper finds (its advantage: the bias and activation of the last
//     writer spread over all cores, and a core loads its next input while
//     its CALL is in flight). Where it is slower, the layer has too few
//     output vectors to fill the pipeline: cyclic pays more than linear to
//     fill and drain it and gains a little per vector. MobileNet v1
//     conv_pw_12 (64x64, 64 B, PV 8): cyclic is 90 cycles behind linear
//     with 49 output vectors (224x224 input), 166 ahead with 196 (448x448)
//     and 1527 ahead with 784 (896x896). On the shared bus cyclic is
//     faster in 44 of 158 runs, within 1% in 89 more and at worst 7%
//     slower: there every transfer waits for the one before, and the cores
//     of a cyclic schedule, which all do the same thing at the same time,
//     queue behind each other. With one transaction in flight per core
//     (arch.AXIOutstanding 1) AXI4 loses most of cyclic's edge too.
//   - How many cores a bus carries: the largest layer whose cyclic run
//     reaches 90% of PV. The paper reports about 16 cores on a 4-byte bus
//     and up to 512 on a 64-byte bus. AXI4 carries 36 at 4 B, 72 at 8 B,
//     144 at 16 B, 288 at 32 B and 576 at 64 B (layers on 32x32 crossbars:
//     on larger ones each core moves more bytes per MVM, so a bus carries
//     fewer of them); the shared bus 16, 36, 72, 72 and 144: its overhead
//     of 2 cycles per transfer dominates a wide bus, and reads and writes
//     take turns. A 64-byte shared bus thus falls short of the paper's
//     hundreds; AXI4 matches its wide end and carries about twice the
//     paper's 16 at 4 B. The MVM time sets the scale: on AXI4, 3200 cycles
//     carry 72 and 1024 (every layer that fits), 800 cycles 16 and 288;
//     1600 to 2000 fit the paper best, and 2000 meets the 99% condition in
//     more runs.
package sim
