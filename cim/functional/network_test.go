package functional

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/place"
	"github.com/cimkit/cimkit/cim/zoo"
)

// randomNet returns a random small network: a stem convolution, then a few
// blocks drawn from convolutions (strided, dilated, grouped, depthwise),
// pools, residual adds, concatenations (written in place or copied) and
// activations, and sometimes a global pool, flatten and dense head.
func randomNet(rng *rand.Rand) *nn.Network {
	net := &nn.Network{Name: "random", Input: nn.Shape{C: 1 + rng.IntN(6), H: 3 + rng.IntN(7), W: 3 + rng.IntN(7)}}
	n := 0
	name := func(s string) string { n++; return fmt.Sprintf("%s%d", s, n) }
	add := func(l *nn.Layer, from ...string) string {
		l.Inputs = from
		net.Layers = append(net.Layers, l)
		return l.Name
	}
	conv := func(c, k, s, pad, g int, from ...string) string {
		return add(&nn.Layer{Name: name("conv"), Kind: nn.Conv2D, Filters: c, Groups: g, KernelH: k, KernelW: k,
			StrideH: s, StrideW: s, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad, Act: nn.ActReLU}, from...)
	}
	ch := 2 + rng.IntN(6)
	x := conv(ch, 1+rng.IntN(3), 1, 1, 1)
	for b := 0; b < 2+rng.IntN(4); b++ {
		switch rng.IntN(6) {
		case 0: // strided or dilated conv
			c := 1 + rng.IntN(8)
			l := &nn.Layer{Name: name("conv"), Kind: nn.Conv2D, Filters: c, KernelH: 3, KernelW: 2, StrideH: 1 + rng.IntN(2),
				PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 0, DilationH: 1 + rng.IntN(2)}
			x, ch = add(l, x), c
		case 1: // residual block
			y := conv(ch, 3, 1, 1, 1, x)
			y = conv(ch, 3, 1, 1, []int{1, ch}[rng.IntN(2)], y)
			x = add(&nn.Layer{Name: name("add"), Kind: nn.Add, Act: nn.ActReLU}, y, x)
		case 2: // concatenation of two branches (in place)
			a := conv(1+rng.IntN(4), 1, 1, 0, 1, x)
			c := conv(1+rng.IntN(4), 3, 1, 1, 1, x)
			x = add(&nn.Layer{Name: name("cat"), Kind: nn.Concat}, a, c)
			ch = net.Layers[len(net.Layers)-3].Filters + net.Layers[len(net.Layers)-2].Filters
		case 3: // concatenation that copies (one input also read elsewhere)
			a := conv(1+rng.IntN(4), 1, 1, 0, 1, x)
			x = add(&nn.Layer{Name: name("cat"), Kind: nn.Concat}, a, x)
			ch += net.Layers[len(net.Layers)-2].Filters
		case 4:
			kind := []nn.Kind{nn.MaxPool, nn.AvgPool}[rng.IntN(2)]
			x = add(&nn.Layer{Name: name("pool"), Kind: kind, KernelH: 2, KernelW: 2, StrideH: 1 + rng.IntN(2), StrideW: 1,
				PadTop: rng.IntN(2), CeilMode: rng.IntN(2) == 0}, x)
		case 5:
			x = add(&nn.Layer{Name: name("act"), Kind: nn.Activation, Act: nn.ActReLU6}, x)
		}
	}
	if rng.IntN(2) == 0 {
		x = add(&nn.Layer{Name: "gap", Kind: nn.GlobalAvgPool}, x)
		x = add(&nn.Layer{Name: "flat", Kind: nn.Flatten}, x)
		add(&nn.Layer{Name: "fc", Kind: nn.Dense, Filters: 3 + rng.IntN(5)}, x)
	}
	return net
}

// netProgram places net on xbar x xbar crossbars with the given budget of
// cores, in segments if it does not fit, and compiles it.
func netProgram(t *testing.T, net *nn.Network, xbar, cores int, copies map[string]int, opt netprog.Options) *netprog.Program {
	t.Helper()
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.Cores = xbar, xbar, cores
	pl, err := place.Place(net, a, place.Options{Segments: true, Copies: copies})
	if err != nil {
		t.Fatalf("%s: %v", net.Name, err)
	}
	p, err := netprog.Build(pl, opt)
	if err != nil {
		t.Fatalf("%s: %v", net.Name, err)
	}
	return p
}

// TestRunNetworkRandom: random networks, resident or in segments and
// folded rounds, with and without copies, every scheme, both modes, one
// or two images, several random schedules on both interconnects (AXI4
// with 1 to 8 transactions in flight): no violation, no deadlock. The
// relaxed schedules do reorder: some LOAD overtakes an earlier STORE of
// its core to other bytes.
func TestRunNetworkRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	seen := map[string]int{} // what the trials covered
	overtakes := 0
	h := hooks{onPerform: func(_ int, done isa.Instr, older []isa.Instr) {
		for _, o := range older {
			if done.Op == isa.LOAD && o.Op == isa.STORE {
				overtakes++
			}
		}
	}}
	for trial := 0; trial < 40; trial++ {
		net := randomNet(rng)
		if err := net.Infer(); err != nil {
			continue // a random stack that shrinks below a kernel
		}
		xbar := []int{4, 8}[rng.IntN(2)]
		cores := []int{1024, 24, 5}[rng.IntN(3)]
		var copies map[string]int
		if cores == 1024 && rng.IntN(2) == 0 {
			copies = map[string]int{net.Layers[0].Name: 2}
		}
		for _, mode := range netprog.Modes() {
			for _, s := range compile.Schemes() {
				opt := netprog.Options{Scheme: s, Mode: mode, Images: 1 + rng.IntN(2)}
				p := netProgram(t, net, xbar, cores, copies, opt)
				p.Arch.AXIOutstanding = 1 + trial%8
				for _, ic := range arch.Interconnects() {
					p.Arch.Interconnect = ic
					rep, err := RunNetwork(p, NetOptions{Seed: uint64(trial), Seeds: 2, hooks: h})
					if err != nil {
						t.Fatal(err)
					}
					if !rep.OK() {
						t.Fatalf("trial %d on %s (%d layers, xbar %d, %d cores, %d segments, copies %v, %d images): %s",
							trial, ic, len(net.Layers), xbar, cores, len(p.Place.Segments), copies, opt.Images, rep)
					}
				}
				cover(seen, p)
			}
		}
	}
	if overtakes == 0 {
		t.Error("no LOAD overtook a STORE in the relaxed schedules")
	}
	for _, what := range []string{"segments", "folded", "copies", "in-place concat", "copied concat", "dense", "pool", "add", "images"} {
		if seen[what] == 0 {
			t.Errorf("no trial covered %s (%v)", what, seen)
		}
	}
}

// cover counts what program p exercises.
func cover(seen map[string]int, p *netprog.Program) {
	pl := p.Place
	if len(pl.Segments) > 1 {
		seen["segments"]++
	}
	if p.Images > 1 {
		seen["images"]++
	}
	for i := range pl.Layers {
		l := &pl.Layers[i]
		switch {
		case l.Folded():
			seen["folded"]++
		case l.Copies > 1:
			seen["copies"]++
		case l.Layer.Kind == nn.Concat && l.Role == place.Alias:
			seen["in-place concat"]++
		case l.Layer.Kind == nn.Concat:
			seen["copied concat"]++
		case l.Layer.Kind == nn.Dense:
			seen["dense"]++
		case l.Layer.Kind == nn.MaxPool || l.Layer.Kind == nn.AvgPool:
			seen["pool"]++
		case l.Layer.Kind == nn.Add:
			seen["add"]++
		}
	}
}

// chain is a 3x3 conv into a 3x3 conv on an 8x8 image: on 8x8 crossbars
// each conv needs PV = 3 cores (4 channels x 9 = 36 rows).
func chain() *nn.Network {
	conv := func(name string) *nn.Layer {
		return &nn.Layer{Name: name, Kind: nn.Conv2D, Filters: 4, KernelH: 3, KernelW: 3,
			PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Act: nn.ActReLU}
	}
	net := &nn.Network{Name: "chain", Input: nn.Shape{C: 4, H: 8, W: 8}, Layers: []*nn.Layer{conv("a"), conv("b")}}
	if err := net.Infer(); err != nil {
		panic(err)
	}
	return net
}

// TestRunNetworkCatchesDroppedWait: removing the inter-layer WAITs of one
// consumer core (or its ownership WAITs) gives a violation under some of a
// few random schedules, in every scheme and mode, on both interconnects.
func TestRunNetworkCatchesDroppedWait(t *testing.T) {
	for _, ic := range arch.Interconnects() {
		for _, mode := range netprog.Modes() {
			for _, s := range compile.Schemes() {
				p := netProgram(t, chain(), 8, 64, nil, netprog.Options{Scheme: s, Mode: mode, Images: 1})
				p.Arch.Interconnect = ic
				catchesDroppedWait(t, p)
			}
		}
	}
}

// catchesDroppedWait drops the dependency, then the ownership, WAITs of a
// core of chain's layer b and expects a violation under some schedule.
func catchesDroppedWait(t *testing.T, p *netprog.Program) {
	t.Helper()
	name := fmt.Sprintf("%s %s on %s", p.Scheme, p.Mode, p.Arch.Interconnect)
	ok, err := RunNetwork(p, NetOptions{Seed: 1, Seeds: 4})
	if err != nil || !ok.OK() {
		t.Fatalf("%s: intact program fails: %v %v", name, ok, err)
	}
	for _, what := range []netprog.RegKind{netprog.DepReg, netprog.OwnerReg} {
		// The first core of the consumer's group reads inputs nobody else
		// has waited for; the last one gets ownership from the others.
		consumer := p.Place.Layer("b").Core0
		if what == netprog.OwnerReg {
			consumer += 2
		}
		dropped := 0
		rep, err := RunNetwork(p, NetOptions{Seed: 1, Seeds: 16, Drop: func(_ string, c int, _ int64, in isa.Instr) bool {
			if c == consumer && in.Op == isa.WAIT && p.RegKind(c, in.Seq) == what {
				dropped++
				return true
			}
			return false
		}})
		if err != nil {
			t.Fatal(err)
		}
		if dropped == 0 || rep.OK() {
			t.Errorf("%s: %d %s WAITs of core %d dropped, run still ok: %s", name, dropped, what, consumer, rep)
			continue
		}
		want := "before it was written"
		if what == netprog.OwnerReg {
			want = "partial sum" // read before it was stored, or stale (a row block missing)
		}
		if msg := rep.Violations[0].Msg; !strings.Contains(msg, want) && !strings.Contains(msg, "row block") {
			t.Errorf("%s: first violation %q, want one about %q", name, rep.Violations[0], want)
		}
	}
}

// TestRunNetworkCallNeedsWriteResponse: on AXI4, inter-layer CALLs that go
// ahead of the STOREs before them (no release: they do not wait for the
// write responses) let the consumer read its input before it is stored;
// the checker reports it under some schedule, in both modes. The same
// broken rule is harmless on the shared bus, where every STORE is done
// before the core goes on. (Linear, and sequential when pipelined: there
// the notifier CALLs right after its last STOREs. The cyclic chain, and
// the sequential one in layer mode, make the notifier WAIT for its
// predecessor before it CALLs; while a WAIT is not satisfied, its core's
// steps perform its transactions in flight, so they are mostly done when
// it passes, and the missing release goes unseen in these 16 schedules.)
func TestRunNetworkCallNeedsWriteResponse(t *testing.T) {
	for _, mode := range netprog.Modes() {
		for _, s := range []compile.Scheme{compile.Linear, compile.Sequential} {
			if s == compile.Sequential && mode == netprog.LayerByLayer {
				continue
			}
			p := netProgram(t, chain(), 8, 64, nil, netprog.Options{Scheme: s, Mode: mode, Images: 1})
			interLayer := func(_ int, in isa.Instr) bool { return p.RegKind(int(in.Target), in.Seq) != netprog.OwnerReg }
			opt := NetOptions{Seed: 1, Seeds: 16, hooks: hooks{unfenced: interLayer}}
			for _, ic := range arch.Interconnects() {
				p.Arch.Interconnect = ic
				rep, err := RunNetwork(p, opt)
				if err != nil {
					t.Fatal(err)
				}
				if ic == arch.Shared {
					if !rep.OK() {
						t.Errorf("%s %s on the shared bus: %s", s, mode, rep)
					}
					continue
				}
				if rep.OK() || !strings.Contains(rep.Violations[0].Msg, "before it was written") {
					t.Errorf("%s %s on AXI4: inter-layer CALLs without release: %s", s, mode, rep)
				}
			}
		}
	}
}

// TestRunNetworkDigitalStoreWaitsForLoad: a digital core's STORE must
// wait for the LOADs whose data it stores; the programs make it wait
// through the registers (isa.MustWait). Their first versions did not, and
// on AXI4 could write the output before the input had arrived: a copied
// concatenation loaded into Acc and stored from Out, and the VOP other of
// a two-input Mul did not read Acc (here: a VOP scale, which reads only
// Out, in its place). The checker reports both under some relaxed
// schedule, and neither on the shared bus, where every LOAD is done
// before the core goes on.
func TestRunNetworkDigitalStoreWaitsForLoad(t *testing.T) {
	conv := func(name string, from ...string) *nn.Layer {
		return &nn.Layer{Name: name, Kind: nn.Conv2D, Filters: 3, KernelH: 1, KernelW: 1, Inputs: from}
	}
	for _, tc := range []struct {
		op   *nn.Layer
		undo func(in *isa.Instr) bool // turns the program back into its first version
	}{
		{&nn.Layer{Name: "op", Kind: nn.Concat, Inputs: []string{"a", "s"}}, func(in *isa.Instr) bool {
			if in.Op != isa.LOAD {
				return false
			}
			if in.Reg != isa.Out {
				t.Fatalf("concatenation loads into %s", in.Reg)
			}
			in.Reg = isa.Acc
			return true
		}},
		{&nn.Layer{Name: "op", Kind: nn.Digital, Op: "Mul", Inputs: []string{"a", "s"}}, func(in *isa.Instr) bool {
			if in.Op != isa.VOP || in.Fn != isa.Other {
				return false
			}
			in.Fn = isa.Scale
			return true
		}},
	} {
		net := &nn.Network{Name: fmt.Sprint(tc.op.Kind, tc.op.Op), Input: nn.Shape{C: 2, H: 3, W: 3}, Layers: []*nn.Layer{conv("s"), conv("a", "s"), tc.op}}
		if err := net.Infer(); err != nil {
			t.Fatal(err)
		}
		p := netProgram(t, net, 8, 64, nil, netprog.Options{Scheme: compile.Linear, Mode: netprog.Pipelined, Images: 1})
		op := p.Place.Layer("op")
		if op.Role != place.Digital {
			t.Fatalf("%s placed as %v, want a digital core", net.Name, op.Role)
		}
		undone := 0
		undo := func(c int, in *isa.Instr) {
			if c == op.Core0 && tc.undo(in) {
				undone++
			}
		}
		for _, ic := range arch.Interconnects() {
			p.Arch.Interconnect = ic
			if rep, err := RunNetwork(p, NetOptions{Seed: 1, Seeds: 4}); err != nil || !rep.OK() {
				t.Fatalf("%s on %s: %v %v", net.Name, ic, rep, err)
			}
			rep, err := RunNetwork(p, NetOptions{Seed: 1, Seeds: 16, hooks: hooks{edit: undo}})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := !rep.OK(), ic == arch.AXI4; got != want || undone == 0 {
				t.Errorf("%s on %s, first version (%d instructions changed): %s", net.Name, ic, undone, rep)
			} else if want && !strings.Contains(rep.Violations[0].Msg, "stores before its LOAD") {
				t.Errorf("%s on %s: first violation %s", net.Name, ic, rep.Violations[0])
			}
		}
	}
}

// TestRunNetworkZoo: whole zoo networks at a 32x32 input on 64x64
// crossbars, resident and in segments (and folded rounds with 64 cores),
// two schedules each: the pipelined runs on AXI4 (relaxed), the
// layer-by-layer one on the shared bus.
func TestRunNetworkZoo(t *testing.T) {
	if testing.Short() {
		t.Skip("whole networks")
	}
	for _, model := range []string{"resnet18", "squeezenet1_1", "mobilenet_v2"} {
		net, err := zoo.Get(model, 32)
		if err != nil {
			t.Fatal(err)
		}
		for _, cores := range []int{4096, 64} {
			for _, opt := range []netprog.Options{
				{Scheme: compile.Linear, Mode: netprog.Pipelined, Images: 2},
				{Scheme: compile.Cyclic, Mode: netprog.Pipelined, Images: 1},
				{Scheme: compile.Sequential, Mode: netprog.LayerByLayer, Images: 2},
			} {
				p := netProgram(t, net, 64, cores, nil, opt)
				if opt.Mode == netprog.LayerByLayer {
					p.Arch.Interconnect = arch.Shared
				}
				rep, err := RunNetwork(p, NetOptions{Seed: 3, Seeds: 2})
				if err != nil {
					t.Fatal(err)
				}
				if !rep.OK() {
					t.Errorf("%s on %d cores (%d segments) on %s: %s", model, cores, len(p.Place.Segments), p.Arch.Interconnect, rep)
				}
			}
		}
	}
}
