package sim

import (
	"testing"

	"github.com/cimkit/cimkit/cim/isa"
)

// TestActionsOfProgAndVOP: one core reprograms 3 rows of its crossbar,
// runs an MVM and a max-pooling VOP over 100 elements. On tinyArch (64x64
// crossbar, 8-bit weights in 2-bit cells, 1000 cycles per row write, 64
// digital lanes, 1 cycle per digital op):
//
//	PROG 3 rows: 3 rows x 64 columns x 4 cells = 768 cell writes, the
//	             crossbar busy 3000 cycles
//	MVM:         the crossbar busy 10 more cycles
//	VOP max 100: ceil(100/64) = 2 digital cycles, 100 elements
func TestActionsOfProgAndVOP(t *testing.T) {
	a := tinyArch()
	a.RowWriteCycles, a.DigitalLanes = 1000, 64
	prog := []isa.Instr{
		{Op: isa.PROG, Elems: 3, Vec: -1},
		{Op: isa.MVM, Vec: -1},
		{Op: isa.VOP, Fn: isa.Max, Reg: isa.Out, Elems: 100, Vec: -1},
	}
	tm, err := Execute(a, streams([][]isa.Instr{prog}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := tm.Cores[0]
	if c.RowWrites != 3 || c.CellWrites != 768 || c.MVMs != 1 || c.XbarBusy != 3010 {
		t.Errorf("crossbar: %d rows, %d cells written, %d MVMs, busy %d; want 3 768 1 3010",
			c.RowWrites, c.CellWrites, c.MVMs, c.XbarBusy)
	}
	if c.DigitalOps[isa.Max] != 1 || c.DigitalElems[isa.Max] != 100 || c.DigitalBusy != 2 {
		t.Errorf("digital: %d max ops on %d elements, busy %d; want 1 100 2",
			c.DigitalOps[isa.Max], c.DigitalElems[isa.Max], c.DigitalBusy)
	}
	if tm.Actions != c.Actions {
		t.Errorf("totals %+v differ from the only core's %+v", tm.Actions, c.Actions)
	}
}
