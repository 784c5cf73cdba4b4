package compile

import (
	"bufio"
	"fmt"
	"io"

	"github.com/cimkit/cimkit/cim/isa"
)

// Listing writes core's program as assembly text: a header comment naming
// the layer, the core, its tile and the scheme, then one instruction per
// line.
func (p *Plan) Listing(core int, w io.Writer) error {
	if core < 0 || core >= p.Cores() {
		return fmt.Errorf("compile: layer %q: core %d out of range 0..%d", p.Map.Layer.Name, core, p.Cores()-1)
	}
	bw := bufio.NewWriter(w)
	p.header(core, bw)
	s := p.Stream(core)
	var in isa.Instr
	for n := 0; s.Next(&in); n++ {
		fmt.Fprintf(bw, "%8d\t%s\n", n, in)
	}
	return bw.Flush()
}

func (p *Plan) header(core int, w io.Writer) {
	l, t := p.Map.Layer, p.Map.Tiles[core]
	h, v, size := p.GroupOf(core)
	lay := p.Layout
	fmt.Fprintf(w, "; layer %q (%s %s -> %s), scheme %s\n", l.Name, l.Kind, l.In[0], l.Out, p.Scheme)
	fmt.Fprintf(w, "; core %d of %d: tile v=%d h=%d (group of %d), rows %d..%d, cols %d..%d of the %dx%d weight matrix\n",
		core, p.Cores(), v, h, size, t.Row0, t.Row0+t.Rows-1, t.Col0, t.Col0+t.Cols-1, p.Map.Rows, p.Map.Cols)
	fmt.Fprintf(w, "; crossbar %dx%d, %d output vectors\n", p.Map.Xbar[0], p.Map.Xbar[1], p.Vectors())
	for _, r := range []Region{lay.IFM, lay.Psum, lay.OFM, lay.SeqRegs} {
		fmt.Fprintf(w, "; %-6s 0x%08x %10d B (%d B/elem)\n", r.Name, r.Base, r.Size, r.ElemBytes)
	}
	if c := p.Writer(h, 0, 0); c >= 0 {
		fmt.Fprintf(w, "; vector 0: first writer core %d, last writer core %d\n", c, p.Writer(h, 0, size-1))
	}
}

// Stats counts a core's instructions by operation and its bus traffic.
type Stats struct {
	Instrs    int64            // all instructions
	ByOp      map[string]int64 // per operation name (MVM, LOAD, ...)
	BusBytes  int64            // bytes moved over the bus (LOAD, STORE, CALL)
	SyncBytes int64            // of which CALL writes
}

// Stats drains core's stream and counts it.
func (p *Plan) Stats(core int) Stats {
	st := Stats{ByOp: map[string]int64{}}
	s := p.Stream(core)
	var in isa.Instr
	for s.Next(&in) {
		st.Instrs++
		st.ByOp[in.Op.String()]++
		b := in.BusBytes()
		st.BusBytes += b
		if in.Op == isa.CALL {
			st.SyncBytes += b
		}
	}
	return st
}
