// Package energy prices what a simulated chip did: it counts the actions
// of a run (Actions: crossbar MVMs with the rows and columns they use, DAC
// and ADC conversions, digital-unit operations, bus transfers by kind,
// shared-memory bytes, sequence-register writes and waits) as the
// executors in cim/sim and cim/functional run the programs.
package energy
