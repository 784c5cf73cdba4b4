package kernel

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
)

// Interconnect describes a chip's interconnect in one line, from its
// fields, so that a notebook prints its timing instead of stating it in
// prose: the kind (arch.AXI4 or arch.Shared), the bytes per beat, what the
// kind carries at the same time, its fixed cost, and how long a lone
// transfer of 64 bytes (the input slice of a 64-row crossbar, int8) takes
// when nothing else uses the interconnect: on AXI4 one address cycle,
// AXILatencyCycles and the beats (cim/sim's channel model), while the core
// goes on; on the shared bus the beats and BusOverheadCycles per burst
// (arch.BusCycles), while the core waits. Fields that the kind ignores (BusOverheadCycles on
// AXI4, AXIOutstanding and AXILatencyCycles on the shared bus) are left
// out.
func Interconnect(a arch.Arch) string {
	const n = 64
	switch a.Interconnect {
	case arch.AXI4:
		beats := (n + int64(a.BusBytes) - 1) / int64(max(a.BusBytes, 1))
		return fmt.Sprintf("interconnect axi4: %d B per beat, separate read and write channels, "+
			"up to %d transactions in flight per core, %s of latency; a lone %d B transfer takes %s while its core goes on",
			a.BusBytes, a.AXIOutstanding, cycles(int64(a.AXILatencyCycles)), n, cycles(1+int64(a.AXILatencyCycles)+beats))
	case arch.Shared:
		return fmt.Sprintf("interconnect shared: %d B per beat, one transaction at a time (reads and writes alike), "+
			"%s of overhead per burst; a lone %d B transfer takes %s while its core waits",
			a.BusBytes, cycles(int64(a.BusOverheadCycles)), n, cycles(a.BusCycles(n)))
	}
	return fmt.Sprintf("interconnect %q: unknown (arch.Interconnects() lists the known ones)", a.Interconnect)
}

// cycles writes a number of cycles: "1 cycle", "6 cycles".
func cycles(n int64) string {
	if n == 1 {
		return "1 cycle"
	}
	return fmt.Sprintf("%d cycles", n)
}
