package isa

// Ordering of overlapping bus transactions.
//
// On a bus that carries one transaction at a time and makes the core wait
// for it (cim/sim's shared bus), a core's instructions take effect in
// program order. On an interconnect with outstanding transactions (cim/sim's
// AXI4 model) a core issues a LOAD, STORE or CALL and goes on while it is in
// flight, so later instructions may overtake it. The rules below say when
// they may not; both the timed simulator and the functional executor's
// relaxed schedules follow them, so that a program the functional executor
// accepts is correct on the AXI4 model.
//
//   - Registers (interlocks, kept by the hardware): an instruction that
//     reads or writes register elements an in-flight LOAD writes waits until
//     its data has arrived; one that writes elements an in-flight STORE
//     reads waits until its data has left the register.
//   - Memory: a LOAD or STORE whose bytes overlap an in-flight STORE's, or a
//     STORE whose bytes overlap an in-flight LOAD's, waits until that
//     transaction is done (its data has arrived, or its write response has
//     come back). Accesses to different bytes may complete in any order: a
//     LOAD may overtake an earlier STORE to another address.
//   - CALL is a release: it is issued only when every earlier transaction of
//     the core is done. On AXI4 a write is known to be performed, and so
//     visible to every other core, only when its write response (B) has come
//     back; the sequence register the CALL writes is another slave than
//     the shared memory, and AXI4 orders transactions with the same ID to
//     different slaves only in their responses, not in when other masters
//     see them (AMBA AXI and ACE Protocol Specification, ARM IHI 0022,
//     "Transaction ordering"). So a partial sum stored before a CALL is in
//     shared memory when the CALL hands its vector on.
//   - WAIT is an acquire: it blocks the core, and instructions after it are
//     issued only once it has passed (in-order issue). A LOAD after the WAIT
//     therefore reads what the core that sent the CALL stored before it.

// Wait is what a later instruction must wait for of an earlier
// transaction still in flight.
type Wait uint8

// The waits, from none to the strongest.
const (
	NoWait   Wait = iota // the later instruction may go ahead
	WaitData             // until the earlier transaction's data has moved (arrived in or left its register)
	WaitDone             // until the earlier transaction is done (data arrived, or write response back)
)

// MustWait says what later, which comes after earlier in a core's program,
// must wait for while earlier (a LOAD, STORE or CALL) is in flight; see the
// rules above.
func MustWait(earlier, later *Instr) Wait {
	if later.Op == CALL {
		return WaitDone
	}
	switch earlier.Op {
	case LOAD:
		if later.Op == STORE && earlier.memOverlaps(later) {
			return WaitDone
		}
		if later.uses(earlier.Reg, earlier.Off, earlier.Elems, false) {
			return WaitData // a LOAD's data arriving is the LOAD done
		}
	case STORE:
		if (later.Op == LOAD || later.Op == STORE) && earlier.memOverlaps(later) {
			return WaitDone
		}
		if later.uses(earlier.Reg, earlier.Off, earlier.Elems, true) {
			return WaitData
		}
	}
	return NoWait
}

// memOverlaps reports whether the shared-memory bytes of two LOADs or
// STOREs overlap.
func (i *Instr) memOverlaps(j *Instr) bool {
	return i.Addr < j.Addr+int64(j.Bytes) && j.Addr < i.Addr+int64(i.Bytes)
}

// uses reports whether i writes (or, unless writeOnly, reads) any of the
// elements [off, off+n) of register reg. An MVM reads all of In and writes
// all of Out; a PROG reads all of Acc; a MOV or VOP writes its own range
// (and reads it, except zero and copy) and reads the same elements of Acc
// for add, copy, max and other (a pass of any other digital operator
// takes the chunk just loaded into Acc).
func (i *Instr) uses(reg Reg, off, n int32, writeOnly bool) bool {
	switch i.Op {
	case MVM:
		return reg == Out || (!writeOnly && reg == In)
	case LOAD:
		return i.Reg == reg && overlaps(i.Off, i.Elems, off, n)
	case STORE:
		return !writeOnly && i.Reg == reg && overlaps(i.Off, i.Elems, off, n)
	case PROG:
		return !writeOnly && reg == Acc
	case MOV, VOP:
		if i.Reg == reg && overlaps(i.Off, i.Elems, off, n) {
			return true
		}
		return !writeOnly && i.readsAcc() && reg == Acc && overlaps(i.Off, i.Elems, off, n)
	}
	return false
}

// readsAcc reports whether a MOV or VOP reads its elements of Acc.
func (i *Instr) readsAcc() bool {
	return i.Fn == Add || i.Fn == Copy || i.Fn == Max || i.Fn == Other
}

// Regs returns a bit, 1<<r, for every register r the instruction reads or
// writes (as MustWait counts them): a quick test before MustWait.
func (i *Instr) Regs() uint8 {
	switch i.Op {
	case MVM:
		return 1<<In | 1<<Out
	case LOAD, STORE:
		return 1 << i.Reg
	case PROG:
		return 1 << Acc
	case MOV, VOP:
		if i.readsAcc() {
			return 1<<i.Reg | 1<<Acc
		}
		return 1 << i.Reg
	}
	return 0
}

// overlaps reports whether element ranges [a, a+m) and [b, b+n) overlap.
func overlaps(a, m, b, n int32) bool { return a < b+n && b < a+m }
