package compile

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/nn/nntest"
)

// tinyArch is a chip with r x c crossbars and a 4 KiB shared memory.
func tinyArch(r, c int) arch.Arch {
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.SharedMemBytes = r, c, 4096
	return a
}

func plan(t testing.TB, l *nn.Layer, in nn.Shape, a arch.Arch, s Scheme) *Plan {
	t.Helper()
	net := &nn.Network{Name: "t", Input: in, Layers: []*nn.Layer{l}}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Map(l, a)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(m, a, s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tinyPlan: 1x1 conv, 4 channels in, 2 out, 1x3 pixels, on 2x2 crossbars:
// PV = 2, PH = 1, N = 3.
func tinyPlan(t testing.TB, s Scheme) *Plan {
	l := &nn.Layer{Name: "c", Kind: nn.Conv2D, KernelH: 1, KernelW: 1, Filters: 2, Act: nn.ActReLU}
	return plan(t, l, nn.Shape{C: 4, H: 1, W: 3}, tinyArch(2, 2), s)
}

func program(p *Plan, core int) string {
	var b strings.Builder
	for _, in := range isa.Collect(p.Stream(core)) {
		b.WriteString(in.String() + "\n")
	}
	return b.String()
}

// Vector p of core 0 (channels 0,1 at IFM 4p) and core 1 (channels 2,3 at 4p+2).
// ch is the first input channel of the core's tile (0 or 2).
func first(p, ch int) string {
	return fmt.Sprintf("LOAD in[0:2], 0x%x, 2B ; v=%d\nMVM ; v=%d\nSTORE 0x%x, out[0:2], 8B ; v=%d\n", 4*p+ch, p, p, 64+8*p, p)
}

func firstCall(p, ch, target, value int) string {
	return first(p, ch) + fmt.Sprintf("CALL core%d, %d ; v=%d\n", target, value, p)
}

func last(p, ch, wait int) string {
	s := fmt.Sprintf("LOAD in[0:2], 0x%x, 2B ; v=%d\nMVM ; v=%d\n", 4*p+ch, p, p)
	if wait > 0 {
		s += fmt.Sprintf("WAIT %d ; v=%d\n", wait, p)
	}
	return s + fmt.Sprintf("LOAD acc[0:2], 0x%x, 8B ; v=%d\nMOV add out[0:2] ; v=%d\nMOV bias out[0:2] ; v=%d\nMOV act out[0:2] ; v=%d\nSTORE 0x%x, out[0:2], 2B ; v=%d\n",
		64+8*p, p, p, p, p, 128+2*p, p)
}

func TestTinyLinear(t *testing.T) {
	p := tinyPlan(t, Linear)
	if got, want := program(p, 0), firstCall(0, 0, 1, 1)+firstCall(1, 0, 1, 2)+firstCall(2, 0, 1, 3); got != want {
		t.Errorf("core 0:\n%s\nwant\n%s", got, want)
	}
	if got, want := program(p, 1), last(0, 2, 1)+last(1, 2, 2)+last(2, 2, 3); got != want {
		t.Errorf("core 1:\n%s\nwant\n%s", got, want)
	}
}

func TestTinySequential(t *testing.T) {
	p := tinyPlan(t, Sequential)
	if got, want := program(p, 0), first(0, 0)+first(1, 0)+first(2, 0)+"CALL core1, 3\n"; got != want {
		t.Errorf("core 0:\n%s\nwant\n%s", got, want)
	}
	if got, want := program(p, 1), "WAIT 3\n"+last(0, 2, 0)+last(1, 2, 0)+last(2, 2, 0); got != want {
		t.Errorf("core 1:\n%s\nwant\n%s", got, want)
	}
}

// Cyclic with N=3, PV=2: core 0 starts at 0, core 1 at floor(3/2) = 1.
// Core 0 is the first writer of vector 0 and the last of 1, 2; core 1 the
// first writer of 1, 2 and the last of 0.
func TestTinyCyclic(t *testing.T) {
	p := tinyPlan(t, Cyclic)
	c0 := firstCall(0, 0, 1, 1) + last(1, 0, 1) + last(2, 0, 2)
	if got := program(p, 0); got != c0 {
		t.Errorf("core 0:\n%s\nwant\n%s", got, c0)
	}
	c1 := firstCall(1, 2, 0, 1) + firstCall(2, 2, 0, 2) + last(0, 2, 1)
	if got := program(p, 1); got != c1 {
		t.Errorf("core 1:\n%s\nwant\n%s", got, c1)
	}
	if p.Writer(0, 0, 0) != 0 || p.Writer(0, 1, 0) != 1 || p.Writer(0, 2, 0) != 1 || p.Writer(0, 2, 1) != 0 {
		t.Errorf("cyclic writers wrong")
	}
}

func TestLayout(t *testing.T) {
	p := tinyPlan(t, Linear)
	l := p.Layout
	want := Layout{
		IFM:         Region{"ifm", 0, 12, 1},
		Psum:        Region{"psum", 64, 24, 4},
		OFM:         Region{"ofm", 128, 6, 1},
		SeqRegs:     Region{"seqreg", 4096, 8, 4},
		SharedBytes: 134,
	}
	if l != want {
		t.Errorf("layout %+v, want %+v", l, want)
	}
	if l.SeqReg(1) != 4100 {
		t.Errorf("seqreg(1) = %d", l.SeqReg(1))
	}
}

// A 3x3 pad-1 conv: padding rows are zeroed and kernel rows merge into one
// LOAD each.
func TestPaddingRuns(t *testing.T) {
	l := &nn.Layer{Name: "c", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Filters: 1}
	p := plan(t, l, nn.Shape{C: 2, H: 4, W: 4}, tinyArch(32, 4), Linear)
	got := isa.Collect(p.Stream(0))
	var b strings.Builder
	for _, in := range got[:4] {
		b.WriteString(in.String() + "\n")
	}
	want := "MOV zero in[0:8] ; v=0\nLOAD in[8:12], 0x0, 4B ; v=0\nMOV zero in[12:14] ; v=0\nLOAD in[14:18], 0x8, 4B ; v=0\n"
	if b.String() != want {
		t.Errorf("vector 0:\n%s\nwant\n%s", b.String(), want)
	}
	// vector 5 (y=1, x=1) is interior: three LOADs of 6 bytes, one per kernel row.
	n := 0
	for _, in := range got {
		if in.Vec == 5 && in.Op == isa.LOAD {
			if in.Bytes != 6 || in.Addr != int64((n*4)*2) {
				t.Errorf("vector 5 load %d: %s", n, in)
			}
			n++
		}
	}
	if n != 3 {
		t.Errorf("vector 5 has %d loads, want 3", n)
	}
}

func TestErrors(t *testing.T) {
	l := &nn.Layer{Name: "big", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, Filters: 64}
	net := &nn.Network{Input: nn.Shape{C: 64, H: 8, W: 8}, Layers: []*nn.Layer{l}}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	a := tinyArch(32, 32)
	a.Cores = 4
	m, _ := mapping.Map(l, a)
	if _, err := Compile(m, a, Linear); err == nil || !strings.Contains(err.Error(), `"big"`) || !strings.Contains(err.Error(), "needs 36 cores, arch has 4") {
		t.Errorf("no-fit error: %v", err)
	}
	a.Cores = 64
	m, _ = mapping.Map(l, a)
	if _, err := Compile(m, a, "zigzag"); err == nil || !strings.Contains(err.Error(), "zigzag") {
		t.Errorf("scheme error: %v", err)
	}
	a.SharedMemBytes = 1000
	if _, err := Compile(m, a, Cyclic); err == nil || !strings.Contains(err.Error(), "shared memory of 1000 B") {
		t.Errorf("layout error: %v", err)
	}
	if _, err := Compile(nil, a, Cyclic); err == nil {
		t.Error("nil mapping accepted")
	}
	if _, err := ParseScheme("Cyclic"); err != nil {
		t.Error(err)
	}
}

// Every stream ends; each vector's In rows are covered exactly once; each
// vector is written by its group's cores with PV-1 accumulations and one
// final store; the WAITs of a core are matched by CALLs to it.
func TestStreamsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		l, in := nntest.RandomLayer(rng, 7)
		a := tinyArch(1+rng.IntN(20), 1+rng.IntN(8))
		a.Cores, a.SharedMemBytes = 1<<20, 1<<20
		for _, s := range Schemes() {
			p := plan(t, l, in, a, s)
			if err := checkPlan(p); err != nil {
				t.Fatalf("trial %d %s %+v in %v xbar %dx%d: %v", trial, s, *l, in, a.XbarRows, a.XbarCols, err)
			}
		}
	}
}

func checkPlan(p *Plan) error {
	n := p.Vectors()
	waits := make([]int, p.Cores())
	calls := make([]int, p.Cores())
	maxCall := make([]int32, p.Cores())
	maxWait := make([]int32, p.Cores())
	finals := make(map[[2]int]int)
	adds := make(map[[2]int]int)
	for c := 0; c < p.Cores(); c++ {
		h, _, _ := p.GroupOf(c)
		rows := p.Map.Tiles[c].Rows
		cover := map[int32][]bool{}
		s := p.Stream(c)
		var in isa.Instr
		for cnt := 0; s.Next(&in); cnt++ {
			if cnt > 100000 {
				return fmt.Errorf("core %d: stream does not end", c)
			}
			switch {
			case in.Op == isa.WAIT:
				waits[c]++
				maxWait[c] = max(maxWait[c], in.Value)
			case in.Op == isa.CALL:
				calls[in.Target]++
				maxCall[in.Target] = max(maxCall[in.Target], in.Value)
			case in.Op == isa.MOV && in.Fn == isa.Add:
				adds[[2]int{h, int(in.Vec)}]++
			case in.Reg == isa.In:
				if cover[in.Vec] == nil {
					cover[in.Vec] = make([]bool, rows)
				}
				for e := in.Off; e < in.Off+in.Elems; e++ {
					if cover[in.Vec][e] {
						return fmt.Errorf("core %d vector %d: In[%d] filled twice", c, in.Vec, e)
					}
					cover[in.Vec][e] = true
				}
			case in.Op == isa.STORE && p.Layout.OFM.Contains(in.Addr, int64(in.Bytes)):
				finals[[2]int{h, int(in.Vec)}]++
			}
		}
		if len(cover) != n {
			return fmt.Errorf("core %d: %d vectors loaded, want %d", c, len(cover), n)
		}
		for v, cv := range cover {
			for e, ok := range cv {
				if !ok {
					return fmt.Errorf("core %d vector %d: In[%d] never filled", c, v, e)
				}
			}
		}
	}
	for h := range p.Map.Blocks {
		pv := len(p.Map.Block(h))
		for v := 0; v < n; v++ {
			if finals[[2]int{h, v}] != 1 {
				return fmt.Errorf("o[%d,%d] stored as final %d times", v, h, finals[[2]int{h, v}])
			}
			if adds[[2]int{h, v}] != pv-1 {
				return fmt.Errorf("o[%d,%d]: %d accumulations, want PV-1 = %d", v, h, adds[[2]int{h, v}], pv-1)
			}
			seen := map[int]bool{}
			for k := 0; k < pv; k++ {
				seen[p.Writer(h, v, k)] = true
			}
			if len(seen) != pv {
				return fmt.Errorf("o[%d,%d]: writers not distinct", v, h)
			}
		}
	}
	for c := range waits {
		if maxWait[c] > maxCall[c] {
			return fmt.Errorf("core %d: waits for %d, CALLs reach only %d", c, maxWait[c], maxCall[c])
		}
		if waits[c] != calls[c] {
			return fmt.Errorf("core %d: %d WAITs, %d CALLs to it", c, waits[c], calls[c])
		}
		if _, _, pv := p.GroupOf(c); pv == 1 && waits[c] > 0 {
			return fmt.Errorf("core %d: WAIT with PV=1", c)
		}
	}
	return nil
}

func TestListing(t *testing.T) {
	p := tinyPlan(t, Cyclic)
	var b strings.Builder
	if err := p.Listing(1, &b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{`; layer "c" (conv2d 4x1x3 -> 2x1x3), scheme cyclic`, "; core 1 of 2: tile v=1 h=0", "       0\tLOAD in[0:2], 0x6, 2B ; v=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("listing lacks %q:\n%s", want, out)
		}
	}
	if err := p.Listing(2, &b); err == nil {
		t.Error("core 2 accepted")
	}
	st := p.Stats(0)
	if st.Instrs != 20 || st.ByOp["CALL"] != 1 || st.SyncBytes != 4 || st.BusBytes != 3*2+8+4+2*8+2*2 {
		t.Errorf("stats %+v", st)
	}
}

// Cyclic spreads the last writer (bias and activation) evenly: with PV = 4
// and N = 10 the starts are 0, 2, 5, 7 and each core finalises the segment
// of the core before it in the ring (3, 2, 3, 2 vectors); linear leaves all
// of it to the last core.
func TestCyclicSpreadsFinalWork(t *testing.T) {
	l := &nn.Layer{Name: "c", Kind: nn.Conv2D, KernelH: 1, KernelW: 1, Filters: 1}
	for _, c := range []struct {
		s    Scheme
		want []int
	}{{Cyclic, []int{3, 2, 3, 2}}, {Linear, []int{0, 0, 0, 10}}} {
		p := plan(t, l, nn.Shape{C: 4, H: 2, W: 5}, tinyArch(1, 1), c.s)
		for core, want := range c.want {
			acts := 0
			for _, in := range isa.Collect(p.Stream(core)) {
				if in.Op == isa.MOV && in.Fn == isa.Act {
					acts++
				}
			}
			if acts != want {
				t.Errorf("%s core %d: %d final vectors, want %d", c.s, core, acts, want)
			}
		}
	}
}
