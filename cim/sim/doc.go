// Package sim is cimkit's timed simulator: it executes the per-core
// programs of a compiled layer on a model of the chip and measures time, bus
// traffic and memory, the paper's metrics.
//
// # Timing model
//
// Cores run in parallel, each in program order, one instruction at a time.
// MVM takes arch.MVMCycles, MOV arch.DigitalCycles. LOAD, STORE and CALL
// are transactions on one shared bus: a transaction of n bytes holds the bus
// for arch.BusCycles(n) cycles (beats of BusBytes, bursts of at most
// BurstBeats, BusOverheadCycles per burst), one transaction at a time. When
// the bus is free the waiting core at or after a round-robin pointer is
// granted, and the pointer moves past it, so every waiting core is served
// within one round. A LOAD, STORE or CALL ends when its transfer ends; a CALL
// writes the target's sequence register at that moment. WAIT costs nothing
// when the core's own sequence register already holds at least the awaited
// value, otherwise the core blocks until a CALL raises it (no bus polling).
//
// The simulator is a purpose-built event loop: cores run ahead through
// compute instructions on their local clocks and only enter a small heap
// when they reach a bus instruction or a WAIT in the future; the one
// transaction in flight is kept apart. At equal times the bus completion is
// handled first, then cores by index, then the grant, so results are
// deterministic. When every unfinished core is blocked the run stops with a
// deadlock error naming each core, its instruction index and its register.
package sim
