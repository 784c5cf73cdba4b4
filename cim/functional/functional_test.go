package functional

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/nn/nntest"
)

func smallArch(r, c int) arch.Arch {
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.Cores, a.SharedMemBytes = r, c, 1<<20, 1<<20
	return a
}

func plan(t testing.TB, l *nn.Layer, in nn.Shape, a arch.Arch, s compile.Scheme) *compile.Plan {
	t.Helper()
	net := &nn.Network{Name: "t", Input: in, Layers: []*nn.Layer{l}}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Map(l, a)
	if err != nil {
		t.Fatal(err)
	}
	p, err := compile.Compile(m, a, s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A 1x1 conv, 4 channels to 2, over 1x3 pixels on 2x2 crossbars (PV = 2),
// with hand-picked weights, bias and input: out = relu(W x + b).
func TestHandWorkedFloat(t *testing.T) {
	l := &nn.Layer{Name: "c", Kind: nn.Conv2D, KernelH: 1, KernelW: 1, Filters: 2, Bias: true, Act: nn.ActReLU,
		Weights:    []float64{1, 2, 3, 4, -1, -1, -1, -1},
		BiasValues: []float64{0.5, 1}}
	// input CHW: channel c, pixel x = c*3 + x
	input := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	// pixel x: channels (x, 3+x, 6+x, 9+x)
	// f0 = 1x + 2(3+x) + 3(6+x) + 4(9+x) + 0.5 = 10x + 60.5
	// f1 = -(4x + 18) + 1 -> relu -> 0
	want := []float64{60.5, 70.5, 80.5, 0, 0, 0}
	for _, s := range compile.Schemes() {
		rep, err := Run(plan(t, l, nn.Shape{C: 4, H: 1, W: 3}, smallArch(2, 2), s), Options{Float: true, Input: input, Seeds: 5})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() {
			t.Fatalf("%s: %s", s, rep)
		}
		for i, w := range want {
			if rep.Output[i] != w {
				t.Errorf("%s: output %v, want %v", s, rep.Output, want)
				break
			}
		}
	}
}

// Issue 12 item 9: NaN and infinities in the input give the same NaN and
// infinities in output and reference, which must match (they were reported
// "FAIL ... got NaN, want NaN"). The hand-worked layer of TestHandWorkedFloat
// without ReLU: pixel 0 gets a NaN on channel 0, so f0 and f1 are NaN;
// pixel 1 gets +Inf on channel 1 (weights 2 and -1), so f0 = +Inf and
// f1 = -Inf; pixel 2 gets +Inf on channels 0 and 1 of f0 (1 and 2: +Inf)
// and -Inf on channel 2 (weight 3: -Inf), so +Inf - Inf = NaN for f0 and
// f1. Finite outputs still must agree within FloatTolerance.
func TestFloatNaNAndInf(t *testing.T) {
	l := &nn.Layer{Name: "c", Kind: nn.Conv2D, KernelH: 1, KernelW: 1, Filters: 2, Bias: true,
		Weights:    []float64{1, 2, 3, 4, -1, -1, -1, -1},
		BiasValues: []float64{0.5, 1}}
	inf, nan := math.Inf(1), math.NaN()
	input := []float64{nan, 1, inf, 3, inf, inf, 6, 7, -inf, 9, 10, 11}
	for _, s := range compile.Schemes() {
		rep, err := Run(plan(t, l, nn.Shape{C: 4, H: 1, W: 3}, smallArch(2, 2), s), Options{Float: true, Input: input, Seeds: 3})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.MaxAbsDiff != 0 {
			t.Fatalf("%s: %s (max diff %v)", s, rep, rep.MaxAbsDiff)
		}
		o := rep.Output // CHW: f0 at pixels 0..2, then f1
		if !math.IsNaN(o[0]) || o[1] != inf || !math.IsNaN(o[2]) || !math.IsNaN(o[3]) || o[4] != -inf || !math.IsNaN(o[5]) {
			t.Errorf("%s: output %v", s, o)
		}
	}
	for _, c := range []struct {
		got, want float64
		same      bool
	}{
		{nan, nan, true}, {inf, inf, true}, {-inf, -inf, true}, {inf, -inf, false}, {nan, 1, false},
		{1, nan, false}, {inf, 1e308, false}, {1e12, 1e12 + 900, true}, {1e12, 1e12 + 2000, false},
		{0, 1e-10, true}, {0, 2e-9, false},
	} {
		if got := sameFloat(c.got, c.want); got != c.same {
			t.Errorf("sameFloat(%v, %v) = %v", c.got, c.want, got)
		}
	}
}

// Integer requantisation on int8 with Shift 2: the shift rounds towards -inf
// (-5 >> 2 = -2), ReLU6 clamps at 6 << 4 = 96 after it, no activation clamps
// to -128..127; and the layer, on its own drawn data, equals the reference
// under 10 schedules.
func TestIntegerRequantisation(t *testing.T) {
	l := &nn.Layer{Name: "c", Kind: nn.Conv2D, KernelH: 1, KernelW: 1, Filters: 2, Act: nn.ActReLU6}
	p := plan(t, l, nn.Shape{C: 4, H: 1, W: 3}, smallArch(2, 2), compile.Cyclic)
	d, err := newData(p, Options{Shift: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ y, want float64 }{{-5, 0}, {7, 1}, {383, 95}, {384, 96}, {10000, 96}} {
		if got := d.finish(c.y, 0); got != c.want {
			t.Errorf("relu6 requant(%g) = %g, want %g", c.y, got, c.want)
		}
	}
	d.act = nn.ActNone
	for _, c := range []struct{ y, want float64 }{{-5, -2}, {-1000, -128}, {511, 127}, {1000, 127}} {
		if got := d.finish(c.y, 0); got != c.want {
			t.Errorf("requant(%g) = %g, want %g", c.y, got, c.want)
		}
	}
	rep, err := Run(p, Options{Seeds: 10, Shift: 2})
	if err != nil || !rep.OK() {
		t.Fatalf("%v %v", err, rep)
	}
}

// Random layers (odd sizes, strides, padding, dilation, groups, depthwise,
// dense; crossbars that do not divide rows or columns) x schemes x seeds x
// integer and float: always the reference, no violation, no deadlock.
func TestRandomLayers(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	trials := 200
	if testing.Short() {
		trials = 40
	}
	for trial := 0; trial < trials; trial++ {
		l, in := nntest.RandomLayer(rng, 9)
		a := smallArch(1+rng.IntN(24), 1+rng.IntN(8))
		a.ActBytes, a.PsumBytes, a.WeightBits = 1+rng.IntN(2), 4*(1+rng.IntN(2)), 2+rng.IntN(7)
		for _, s := range compile.Schemes() {
			p := plan(t, l, in, a, s)
			for _, float := range []bool{false, true} {
				rep, err := Run(p, Options{Seed: uint64(trial) * 100, Seeds: 4, Float: float, DataSeed: uint64(trial)})
				if err != nil {
					t.Fatal(err)
				}
				if !rep.OK() {
					t.Fatalf("trial %d, %+v on %v, xbar %dx%d (PV %d): %s", trial, *l, in, a.XbarRows, a.XbarCols, p.Map.PV, rep)
				}
			}
		}
	}
}

// pv3 is a 3x3 conv whose 36 rows need PV = 3 cores on 16x8 crossbars.
func pv3(t *testing.T, s compile.Scheme) *compile.Plan {
	l := &nn.Layer{Name: "c", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Filters: 5, Act: nn.ActReLU}
	return plan(t, l, nn.Shape{C: 4, H: 5, W: 5}, smallArch(16, 8), s)
}

// Removing one WAIT lets a core touch a partial sum it does not own: the
// checker reports it (core, instruction, vector) under some seed.
func TestMissingWaitIsReported(t *testing.T) {
	for _, s := range []compile.Scheme{compile.Linear, compile.Cyclic, compile.Sequential} {
		p := pv3(t, s)
		rep, err := Run(p, Options{Seeds: 50, Drop: dropFirstWait(1)})
		if err != nil {
			t.Fatal(err)
		}
		if rep.ViolationCount == 0 {
			t.Fatalf("%s: missing first WAIT of core 1 not reported in 50 seeds", s)
		}
		v := rep.Violations[0]
		if v.Core != 1 || v.Vector < 0 || !strings.Contains(rep.String(), "does not own") {
			t.Errorf("%s: violation %+v; report %s", s, v, rep)
		}
	}
}

// Removing a core's last CALL leaves its successor waiting for ever: the run
// reports a deadlock naming the blocked core, its WAIT and its register.
func TestMissingCallDeadlocks(t *testing.T) {
	for _, s := range compile.Schemes() {
		p := pv3(t, s)
		drop, target := dropLastCall(p, 0)
		rep, err := Run(p, Options{Seed: 3, Drop: drop})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Deadlock == nil {
			t.Fatalf("%s: no deadlock: %s", s, rep)
		}
		found := false
		for _, b := range rep.Deadlock.Blocked {
			if b.Core == int(target) && b.Reg < int64(b.Wait) {
				found = true
			}
		}
		if !found || !strings.Contains(rep.String(), "deadlock: core") {
			t.Errorf("%s: deadlock does not name core %d: %s", s, target, rep)
		}
	}
}

func TestBadOptions(t *testing.T) {
	p := pv3(t, compile.Linear)
	if _, err := Run(p, Options{Input: []float64{1, 2}}); err == nil || !strings.Contains(err.Error(), "input has 2 values") {
		t.Errorf("short input: %v", err)
	}
	in := make([]float64, 100)
	in[3] = 0.5
	if _, err := Run(p, Options{Input: in}); err == nil || !strings.Contains(err.Error(), "input[3]") {
		t.Errorf("fractional input: %v", err)
	}
	p.Map.Layer.Act = nn.ActSigmoid
	defer func() { p.Map.Layer.Act = nn.ActReLU }()
	if _, err := Run(p, Options{}); err == nil || !strings.Contains(err.Error(), "sigmoid") {
		t.Errorf("sigmoid in int mode: %v", err)
	}
	if rep, err := Run(p, Options{Float: true}); err != nil || !rep.OK() {
		t.Errorf("sigmoid in float mode: %v %v", err, rep)
	}
	if _, err := Run(nil, Options{}); err == nil {
		t.Error("nil plan accepted")
	}
}

// A dropped instruction (core 0's partial-sum STORE of vector 7) is caught
// as a violation (the next writer loads a vector core 0 never handed on) and
// a mismatch.
func TestCorruptedStore(t *testing.T) {
	p := pv3(t, compile.Linear)
	rep, err := Run(p, Options{Drop: func(core int, i int64, in isa.Instr) bool {
		return core == 0 && in.Op == isa.STORE && in.Vec == 7
	}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Match || rep.ViolationCount == 0 {
		t.Errorf("dropped store not noticed: %s", rep)
	}
}

// Hand-worked reference values: a grouped, dilated conv and a dense layer
// whose weights are in ONNX (CHW flatten) order.
func TestReferenceByHand(t *testing.T) {
	// 2 channels of 4x4: channel 0 = 0..15, channel 1 = 100..115; 2 groups,
	// 2x2 kernel dilated by 2: each output adds x(y,x), x(y,x+2), x(y+2,x),
	// x(y+2,x+2); group 0 weights 1, group 1 weights 2.
	in := make([]float64, 32)
	for i := range in {
		in[i] = float64(i%16 + 100*(i/16))
	}
	conv := &nn.Layer{Name: "g", Kind: nn.Conv2D, KernelH: 2, KernelW: 2, DilationH: 2, DilationW: 2, Groups: 2, Filters: 2,
		Weights: []float64{1, 1, 1, 1, 2, 2, 2, 2}}
	want := []float64{20, 24, 36, 40, 840, 848, 872, 880}
	dense := &nn.Layer{Name: "fc", Kind: nn.Dense, Filters: 1, Bias: true,
		Weights: []float64{1, 10, 100, 1000}, BiasValues: []float64{0.5}}
	for _, c := range []struct {
		l    *nn.Layer
		in   nn.Shape
		x    []float64
		want []float64
	}{
		{conv, nn.Shape{C: 2, H: 4, W: 4}, in, want},
		// CHW input (1, 2; 3, 4): 1*1 + 2*10 + 3*100 + 4*1000 + 0.5
		{dense, nn.Shape{C: 2, H: 1, W: 2}, []float64{1, 2, 3, 4}, []float64{4321.5}},
		// 3x3 input 1..9, 2x2 kernel (1 10; 100 1000): 1+20+400+5000, ...
		{&nn.Layer{Name: "k", Kind: nn.Conv2D, KernelH: 2, KernelW: 2, Filters: 1, Weights: []float64{1, 10, 100, 1000}},
			nn.Shape{C: 1, H: 3, W: 3}, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, []float64{5421, 6532, 8754, 9865}},
		// 1x1, filters (1 2) and (3 4) over channels (1, 10): 21 and 43
		{&nn.Layer{Name: "fc2", Kind: nn.Conv2D, KernelH: 1, KernelW: 1, Filters: 2, Weights: []float64{1, 2, 3, 4}},
			nn.Shape{C: 2, H: 1, W: 1}, []float64{1, 10}, []float64{21, 43}},
	} {
		for _, xbar := range []int{1, 3, 8} {
			p := plan(t, c.l, c.in, smallArch(xbar, 1), compile.Cyclic)
			rep, err := Run(p, Options{Float: true, Input: c.x, Seeds: 3})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				t.Fatalf("%s on %dx1: %s", c.l.Name, xbar, rep)
			}
			for i := range c.want {
				if rep.Reference[i] != c.want[i] || rep.Output[i] != c.want[i] {
					t.Fatalf("%s on %dx1: reference %v, output %v, want %v", c.l.Name, xbar, rep.Reference, rep.Output, c.want)
				}
			}
		}
	}
}

// Output vectors stored twice or never are reported (here on a machine that
// has not run: vector 0 marked twice, every other vector never).
func TestDoubleFinalStore(t *testing.T) {
	p := pv3(t, compile.Linear)
	d, err := newData(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := d.newMachine(&Options{})
	m.finals[0] = 2
	m.checkFinals()
	v := m.rep.Violations[0]
	if m.rep.ViolationCount != len(m.finals) || v.Vector != 0 || v.Msg != "final value stored 2 times, want once" ||
		m.rep.Violations[1].Msg != "final value stored 0 times, want once" {
		t.Errorf("%d violations, first %+v", m.rep.ViolationCount, v)
	}
}

// dropFirstWait drops core's first WAIT (the Drop of Options).
func dropFirstWait(core int) func(int, int64, isa.Instr) bool {
	var idx int64 = -1
	return func(c int, i int64, in isa.Instr) bool {
		if c == core && in.Op == isa.WAIT && idx < 0 {
			idx = i
		}
		return c == core && i == idx
	}
}

// dropLastCall drops core's last CALL and says which core it called.
func dropLastCall(p *compile.Plan, core int) (drop func(int, int64, isa.Instr) bool, target int32) {
	var last int64 = -1
	for i, in := range isa.Collect(p.Stream(core)) {
		if in.Op == isa.CALL {
			last, target = int64(i), in.Target
		}
	}
	return func(c int, i int64, _ isa.Instr) bool { return c == core && i == last }, target
}
