package functional

import (
	"math"
	"math/rand/v2"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/isa"
)

// The random schedules of Run and RunNetwork: a runner advances the cores
// of one run, one step of a randomly picked core at a time, and on an
// AXI4 chip keeps each core's bus transactions in flight until a later
// step performs them (see the package doc, Scheduling and checking). The
// two executors supply what an instruction does (executor).

// slowTries is how often the scheduler re-draws when it draws a slow core
// (see scheduler.pick).
const slowTries = 64

// scheduler picks the next core of a random schedule (runner.run makes a
// random half of the cores slow with odd seeds).
type scheduler struct {
	rng *rand.Rand
}

func newScheduler(seed uint64) *scheduler {
	return &scheduler{rng: rand.New(rand.NewPCG(seed, 0xc1c))}
}

// pick returns one of the runnable cores, fast or slow, at random: a core
// drawn from all of them, re-drawn up to slowTries times while the draw
// is a slow core. The result is slow only when all slowTries+1 draws are,
// so a slow core runs when the fast ones are blocked or done, or nearly
// all runnable cores are slow. pick draws it in one step, with that
// probability, (s/n)^(slowTries+1) for s slow cores of n.
func (s *scheduler) pick(fast, slow []int) int {
	nf, ns := len(fast), len(slow)
	if ns > 0 && (nf == 0 || s.rng.Float64() < math.Pow(float64(ns)/float64(nf+ns), slowTries+1)) {
		return slow[s.rng.IntN(ns)]
	}
	return fast[s.rng.IntN(nf)]
}

// proc is a core's place in its program during a run.
type proc struct {
	id      int
	stream  isa.Stream
	index   int64     // index of cur in the program
	cur     isa.Instr // the next instruction, when have
	have    bool      // cur is fetched and not yet executed
	ended   bool      // the stream has no more instructions
	done    bool      // ended, nothing in flight
	blocked bool      // on a WAIT not satisfied
	slow    bool      // the scheduler picks it rarely (see scheduler.pick)
	slot    int       // position in its runnable list, -1 if absent
	flight  []inFlight
}

// inFlight is a bus transaction issued by a core and not yet performed.
type inFlight struct {
	in     isa.Instr
	index  int64 // its index in the program
	job, k int   // whole-network runs: the core's job and image when it was issued
}

// executor is what a run's instructions do.
type executor interface {
	// drops reports whether p.cur is removed from the program (Options.Drop).
	drops(p *proc) bool
	// passes reports whether the WAIT p.cur is satisfied.
	passes(p *proc) bool
	// issue notes bus transaction f, just put in flight.
	issue(p *proc, f *inFlight)
	// exec carries out instruction in now.
	exec(p *proc, in *isa.Instr)
	// perform carries out transaction f, issued earlier; p.index is f's
	// index meanwhile.
	perform(p *proc, f *inFlight)
}

// hooks let tests break the schedules' rules or watch them (Options,
// NetOptions).
type hooks struct {
	// edit, when set, may rewrite every instruction as it is fetched (a
	// broken program generator).
	edit func(core int, in *isa.Instr)
	// unfenced, when set, says which CALLs go ahead of their core's
	// transactions in flight (a broken release).
	unfenced func(core int, in isa.Instr) bool
	// onPerform sees every transaction of a relaxed schedule performed,
	// with the core's older ones still in flight.
	onPerform func(core int, done isa.Instr, older []isa.Instr)
}

// runner advances the cores of one run. Relaxed schedules (AXI4 chips) let
// a core's LOADs, STOREs and CALLs be performed after later instructions,
// as isa.MustWait allows, with up to outstanding of them in flight.
type runner struct {
	hooks
	procs       []*proc
	runnable    [2][]int // the runnable cores, fast and slow
	steps       int64    // instructions executed or issued
	relaxed     bool
	outstanding int
}

// newRunner prepares a run on chip a.
func newRunner(a arch.Arch, h hooks) runner {
	return runner{hooks: h, relaxed: a.Interconnect == arch.AXI4, outstanding: a.AXIOutstanding}
}

// add makes p the next core, running stream s.
func (r *runner) add(p *proc, s isa.Stream) {
	*p = proc{id: len(r.procs), stream: s, index: -1, slot: -1}
	r.procs = append(r.procs, p)
}

// run steps randomly picked cores (schedule seed) until none can run or
// stop says so. With odd seeds a random half of the cores is slow.
func (r *runner) run(seed uint64, x executor, stop func() bool) {
	sch := newScheduler(seed)
	for _, p := range r.procs {
		p.slow = seed%2 == 1 && sch.rng.IntN(2) == 0
		r.wake(p)
	}
	fast, slow := &r.runnable[0], &r.runnable[1]
	for len(*fast)+len(*slow) > 0 && (stop == nil || !stop()) {
		r.step(r.procs[sch.pick(*fast, *slow)], sch.rng, x)
	}
}

// deadlock returns the cores that have not finished, each with the
// register reg of the WAIT it is on, or nil when every core has.
func (r *runner) deadlock(reg func(p *proc) int64) *Deadlock {
	var d *Deadlock
	for _, p := range r.procs {
		if !p.done {
			if d == nil {
				d = &Deadlock{}
			}
			d.Blocked = append(d.Blocked, Blocked{Core: p.id, Index: p.index, Wait: p.cur.Value, Reg: reg(p)})
		}
	}
	return d
}

// list is the runnable list p belongs on.
func (r *runner) list(p *proc) *[]int {
	if p.slow {
		return &r.runnable[1]
	}
	return &r.runnable[0]
}

// remove takes p off the runnable list.
func (r *runner) remove(p *proc) {
	l := r.list(p)
	last := (*l)[len(*l)-1]
	(*l)[p.slot] = last
	r.procs[last].slot = p.slot
	*l = (*l)[:len(*l)-1]
	p.slot = -1
}

// wake puts p, at the start or blocked on a WAIT that is now satisfied, on
// the runnable list.
func (r *runner) wake(p *proc) {
	p.blocked = false
	l := r.list(p)
	p.slot = len(*l)
	*l = append(*l, p.id)
}

// next makes p.cur p's next instruction, fetching it unless it is
// already; false at the end of its program (p.ended).
func (r *runner) next(p *proc, x executor) bool {
	if !p.have {
		if p.ended || !r.fetch(p, x) {
			p.ended = true
			return false
		}
		p.have = true
	}
	return true
}

// fetch makes p.cur the next instruction not dropped; false at the end.
func (r *runner) fetch(p *proc, x executor) bool {
	for {
		if !p.stream.Next(&p.cur) {
			return false
		}
		p.index++
		if r.edit != nil {
			r.edit(p.id, &p.cur)
		}
		if !x.drops(p) {
			return true
		}
	}
}

// step executes p's next instruction (or blocks it on a WAIT, or ends
// it). In a relaxed schedule it may instead perform one of the core's
// transactions in flight, chosen at random: always when the next
// instruction cannot go yet, else with probability 1/2. A core leaves the
// runnable list (blocked or done) only with nothing in flight.
func (r *runner) step(p *proc, rng *rand.Rand, x executor) {
	if len(p.flight) > 0 && (rng.IntN(2) == 0 || !r.ready(p, x)) {
		r.perform(p, rng.IntN(len(p.flight)), x)
		return
	}
	if !r.next(p, x) {
		p.done = true
		r.remove(p)
		return
	}
	in := &p.cur
	if in.Op == isa.WAIT && !x.passes(p) {
		p.blocked = true
		r.remove(p)
		return
	}
	p.have = false
	r.steps++
	if r.relaxed && (in.Op == isa.LOAD || in.Op == isa.STORE || in.Op == isa.CALL) {
		p.flight = append(p.flight, inFlight{in: *in, index: p.index})
		x.issue(p, &p.flight[len(p.flight)-1])
		return
	}
	x.exec(p, in)
}

// ready reports whether p's next instruction may be executed now, next to
// its transactions in flight (isa.MustWait; at most r.outstanding in
// flight); false at the end of its program and on a WAIT not satisfied.
func (r *runner) ready(p *proc, x executor) bool {
	if !r.next(p, x) {
		return false
	}
	in := &p.cur
	switch in.Op {
	case isa.WAIT:
		return x.passes(p)
	case isa.CALL:
		if r.unfenced != nil && r.unfenced(p.id, *in) {
			return len(p.flight) < r.outstanding
		}
		fallthrough
	case isa.LOAD, isa.STORE:
		if len(p.flight) >= r.outstanding {
			return false
		}
	}
	for i := range p.flight {
		if isa.MustWait(&p.flight[i].in, in) != isa.NoWait {
			return false
		}
	}
	return true
}

// perform carries out p's transaction in flight k: a LOAD's data arrives
// in its register, a STORE's in memory, a CALL writes its target's
// register. The executor checks it now, when it takes effect, under the
// transaction's own instruction index.
func (r *runner) perform(p *proc, k int, x executor) {
	f := p.flight[k]
	if r.onPerform != nil {
		var older []isa.Instr
		for _, g := range p.flight {
			if g.index < f.index {
				older = append(older, g.in)
			}
		}
		r.onPerform(p.id, f.in, older)
	}
	last := len(p.flight) - 1
	p.flight[k] = p.flight[last]
	p.flight = p.flight[:last]
	index := p.index
	p.index = f.index
	x.perform(p, &f)
	p.index = index
}
