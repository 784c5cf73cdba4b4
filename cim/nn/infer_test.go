package nn

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func conv(name string, filters, k, stride, pad int) *Layer {
	return &Layer{Name: name, Kind: Conv2D, Filters: filters, KernelH: k, KernelW: k,
		StrideH: stride, StrideW: stride, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad}
}

func infer(t *testing.T, in Shape, layers ...*Layer) *Network {
	t.Helper()
	n := &Network{Name: "t", Input: in, Layers: layers}
	if err := n.Infer(); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInferHandWorked(t *testing.T) {
	dil := conv("dil", 4, 3, 1, 2)
	dil.DilationH, dil.DilationW = 2, 2
	grp := conv("grp", 8, 3, 1, 1)
	grp.Groups = 4
	dw := conv("dw", 8, 3, 2, 1)
	dw.Groups = 8
	asym := conv("asym", 2, 3, 2, 0)
	asym.PadBottom, asym.PadRight = 1, 1
	rect := &Layer{Name: "rect", Kind: Conv2D, Filters: 3, KernelH: 1, KernelW: 3, StrideH: 1, StrideW: 2}
	for _, c := range []struct {
		l    *Layer
		in   Shape
		want Shape
	}{
		{conv("s2", 16, 3, 2, 0), Shape{3, 7, 7}, Shape{16, 3, 3}},         // (7-3)/2+1
		{conv("s2p1", 16, 3, 2, 1), Shape{3, 8, 8}, Shape{16, 4, 4}},       // (8+2-3)/2+1 = 4 (floor of 3.5)
		{conv("k7", 64, 7, 2, 3), Shape{3, 224, 224}, Shape{64, 112, 112}}, // (224+6-7)/2+1
		{dil, Shape{1, 5, 5}, Shape{4, 5, 5}},                              // span 5, (5+4-5)/1+1
		{grp, Shape{8, 6, 6}, Shape{8, 6, 6}},
		{dw, Shape{8, 9, 9}, Shape{8, 5, 5}},   // (9+2-3)/2+1
		{asym, Shape{1, 8, 8}, Shape{2, 4, 4}}, // (8+1-3)/2+1, Keras-style (0,1) padding
		{rect, Shape{2, 4, 9}, Shape{3, 4, 4}}, // H: 4, W: (9-3)/2+1
		{&Layer{Name: "d", Kind: Dense, Filters: 10}, Shape{4, 3, 3}, Shape{10, 1, 1}},
		{&Layer{Name: "g", Kind: GlobalAvgPool}, Shape{4, 3, 3}, Shape{4, 1, 1}},
		{&Layer{Name: "f", Kind: Flatten}, Shape{4, 3, 3}, Shape{36, 1, 1}},
		{&Layer{Name: "a", Kind: Activation, Act: ActReLU6}, Shape{4, 3, 3}, Shape{4, 3, 3}},
		{&Layer{Name: "x", Kind: Digital, Op: "Resize", OutShape: Shape{4, 6, 6}}, Shape{4, 3, 3}, Shape{4, 6, 6}},
	} {
		n := infer(t, c.in, c.l)
		if got := n.Layers[0].Out; got != c.want {
			t.Errorf("%s on %s: %s, want %s", c.l.Name, c.in, got, c.want)
		}
	}
}

func TestPoolCeilMode(t *testing.T) {
	for _, c := range []struct {
		in, k, s, pad int
		ceil          bool
		want          int
	}{
		{112, 3, 2, 1, false, 56}, // ResNet max pool
		{6, 3, 2, 0, false, 2},    // (6-3)/2 = 1.5 -> 1, +1
		{6, 3, 2, 0, true, 3},     // ceil: 2+1; the last window starts at 4 < 6
		{5, 2, 2, 1, true, 3},     // ceil((5+2-2)/2)+1 = 4, but window 3 starts at 6 >= 5+1: dropped
		{13, 3, 2, 0, true, 6},    // exact: ceil mode changes nothing
	} {
		l := &Layer{Name: "p", Kind: MaxPool, KernelH: c.k, KernelW: c.k, StrideH: c.s, StrideW: c.s,
			PadTop: c.pad, PadBottom: c.pad, PadLeft: c.pad, PadRight: c.pad, CeilMode: c.ceil}
		n := infer(t, Shape{2, c.in, c.in}, l)
		if got := n.Layers[0].Out; got != (Shape{2, c.want, c.want}) {
			t.Errorf("pool k%d s%d p%d ceil=%v on %d: %s, want %d", c.k, c.s, c.pad, c.ceil, c.in, got, c.want)
		}
	}
}

func TestGraph(t *testing.T) {
	n := infer(t, Shape{3, 8, 8},
		conv("a", 4, 1, 1, 0),
		&Layer{Name: "b", Kind: Conv2D, Filters: 6, KernelH: 3, KernelW: 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Inputs: []string{InputName}},
		&Layer{Name: "cat", Kind: Concat, Inputs: []string{"a", "b"}},
		&Layer{Name: "c", Kind: Conv2D, Filters: 10, KernelH: 1, KernelW: 1},
		&Layer{Name: "sum", Kind: Add, Inputs: []string{"c", "cat"}, Act: ActReLU},
	)
	if got := n.Layer("cat").Out; got != (Shape{10, 8, 8}) {
		t.Errorf("concat: %s, want 10x8x8", got)
	}
	if got := n.Layer("sum"); got.Out != (Shape{10, 8, 8}) || len(got.In) != 2 {
		t.Errorf("add: %s from %d inputs, want 10x8x8 from 2", got.Out, len(got.In))
	}
	if n.Layer("b").In[0] != (Shape{3, 8, 8}) {
		t.Errorf("b reads %s, want the network input", n.Layer("b").In[0])
	}
	// MACs: a 64*3*4, b 64*27*6, c 64*10*10.
	if got, want := n.MACs(), int64(64*3*4+64*27*6+64*10*10); got != want {
		t.Errorf("MACs %d, want %d", got, want)
	}
	if n.Layer("nope") != nil || len(n.CrossbarLayers()) != 3 {
		t.Errorf("Layer/CrossbarLayers wrong")
	}
}

func TestCounts(t *testing.T) {
	c := conv("c", 8, 3, 1, 1)
	c.BatchNorm = true
	dw := conv("dw", 8, 3, 1, 1)
	dw.Groups, dw.Bias = 8, true
	d := &Layer{Name: "d", Kind: Dense, Filters: 5, Bias: true}
	n := infer(t, Shape{4, 6, 6}, c, dw, d, &Layer{Name: "g", Kind: GlobalAvgPool})
	for _, x := range []struct {
		l                 *Layer
		macs, params      int64
		rows, cols, g, nv int
	}{
		{c, 36 * 36 * 8, 36*8 + 16, 36, 8, 1, 36},
		{dw, 36 * 9 * 8, 9*8 + 8, 9, 1, 8, 36},
		{d, 288 * 5, 288*5 + 5, 288, 5, 1, 1},
	} {
		r, cl, g, nv := x.l.Im2col()
		if x.l.MACs() != x.macs || x.l.Params() != x.params || r != x.rows || cl != x.cols || g != x.g || nv != x.nv {
			t.Errorf("%s: MACs %d params %d im2col %d,%d,%d,%d; want %d %d %d,%d,%d,%d", x.l.Name,
				x.l.MACs(), x.l.Params(), r, cl, g, nv, x.macs, x.params, x.rows, x.cols, x.g, x.nv)
		}
	}
	if !dw.Depthwise() || c.Depthwise() {
		t.Errorf("Depthwise: dw %v, c %v", dw.Depthwise(), c.Depthwise())
	}
	if g := n.Layer("g"); g.MACs() != 0 || g.Params() != 0 || g.OnCrossbar() {
		t.Errorf("pool counted as crossbar work")
	}
}

func TestInvalid(t *testing.T) {
	bad := func(mod func(l *Layer)) []*Layer {
		l := conv("bad", 4, 3, 1, 0)
		mod(l)
		return []*Layer{conv("ok", 4, 1, 1, 0), l}
	}
	for _, c := range []struct {
		name   string
		in     Shape
		layers []*Layer
		want   string // in the message, besides the layer name
	}{
		{"zero filters", Shape{3, 8, 8}, bad(func(l *Layer) { l.Filters = 0 }), "filters 0"},
		{"negative filters", Shape{3, 8, 8}, bad(func(l *Layer) { l.Filters = -2 }), "filters -2"},
		{"zero kernel", Shape{3, 8, 8}, bad(func(l *Layer) { l.KernelW = 0 }), "kernel width 0"},
		{"negative stride", Shape{3, 8, 8}, bad(func(l *Layer) { l.StrideH = -1 }), "stride height -1"},
		{"negative padding", Shape{3, 8, 8}, bad(func(l *Layer) { l.PadLeft = -1 }), "left padding -1"},
		{"negative dilation", Shape{3, 8, 8}, bad(func(l *Layer) { l.DilationW = -1 }), "dilation width -1"},
		{"huge kernel", Shape{3, 8, 8}, bad(func(l *Layer) { l.KernelH = MaxDim + 1 }), "kernel height"},
		{"kernel over padded input", Shape{3, 4, 4}, bad(func(l *Layer) { l.KernelH, l.PadTop = 6, 1 }), "larger than the padded input 5"},
		{"dilated kernel over input", Shape{3, 4, 4}, bad(func(l *Layer) { l.DilationH = 2 }), "dilated 5"},
		{"groups not dividing channels", Shape{3, 8, 8}, bad(func(l *Layer) { l.Groups = 3 }), "groups 3"},
		{"groups not dividing filters", Shape{6, 8, 8}, bad(func(l *Layer) { l.Filters, l.Groups = 5, 2 }), "groups 2"},
		{"negative groups", Shape{3, 8, 8}, bad(func(l *Layer) { l.Groups = -4 }), "groups -4"},
		{"unknown input", Shape{3, 8, 8}, bad(func(l *Layer) { l.Inputs = []string{"ghost"} }), `"ghost"`},
		{"forward reference", Shape{3, 8, 8}, bad(func(l *Layer) { l.Inputs = []string{"bad"} }), `"bad"`},
		{"duplicate name", Shape{3, 8, 8}, bad(func(l *Layer) { l.Name = "ok" }), "twice"},
		{"two inputs to conv", Shape{3, 8, 8}, bad(func(l *Layer) { l.Inputs = []string{"ok", "ok"} }), "takes 1 input"},
		{"add of one", Shape{3, 8, 8}, bad(func(l *Layer) { l.Kind = Add }), "at least 2"},
		{"add of different shapes", Shape{3, 8, 8}, bad(func(l *Layer) { l.Kind, l.Inputs = Add, []string{"ok", InputName} }), "shape"},
		{"concat of different sizes", Shape{3, 8, 8}, []*Layer{conv("ok", 4, 3, 1, 0), {Name: "bad", Kind: Concat, Inputs: []string{"ok", InputName}}}, "H and W"},
		{"huge weight matrix", Shape{MaxDim, 1, 1}, bad(func(l *Layer) {
			l.KernelH, l.KernelW, l.PadTop, l.PadBottom, l.PadLeft, l.PadRight = 256, 256, 128, 128, 128, 128
			l.Inputs = []string{InputName}
		}), "weight matrix of 4294967296 rows"},
		{"zero dense units", Shape{3, 8, 8}, bad(func(l *Layer) { l.Kind, l.Filters = Dense, 0 }), "units 0"},
		{"unknown kind", Shape{3, 8, 8}, bad(func(l *Layer) { l.Kind = "lstm" }), "unknown layer kind"},
		{"output too big", Shape{3, 8, 8}, bad(func(l *Layer) { l.Kind, l.OutShape = Digital, Shape{1, MaxDim + 1, 1} }), "sizes above"},
	} {
		n := &Network{Name: "t", Input: c.in, Layers: c.layers}
		err := n.Infer()
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `layer "`+c.layers[len(c.layers)-1].Name+`"`) ||
			!strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want ErrInvalid naming the layer and %q", c.name, err, c.want)
		}
	}
}

func TestInvalidNetwork(t *testing.T) {
	for _, c := range []struct {
		name string
		n    *Network
		want string
	}{
		{"zero input", &Network{Name: "t", Input: Shape{3, 0, 8}, Layers: []*Layer{conv("a", 1, 1, 1, 0)}}, "positive"},
		{"negative input", &Network{Name: "t", Input: Shape{-3, 8, 8}, Layers: []*Layer{conv("a", 1, 1, 1, 0)}}, "positive"},
		{"no layers", &Network{Name: "t", Input: Shape{3, 8, 8}}, "no layers"},
		{"nil layer", &Network{Name: "t", Input: Shape{3, 8, 8}, Layers: []*Layer{nil}}, "nil"},
		{"empty name", &Network{Name: "t", Input: Shape{3, 8, 8}, Layers: []*Layer{conv("", 1, 1, 1, 0)}}, "empty name"},
		{"reserved name", &Network{Name: "t", Input: Shape{3, 8, 8}, Layers: []*Layer{conv(InputName, 1, 1, 1, 0)}}, "reserved"},
	} {
		err := c.n.Infer()
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want ErrInvalid mentioning %q", c.name, err, c.want)
		}
	}
}

// TestRandomConv checks shape inference and the counts on random conv
// layers against the definitions: the last window lies inside the padded
// input and one more stride would not, and MACs = out pixels x Kh*Kw*C/G x F.
func TestRandomConv(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	valid := 0
	for i := 0; i < 5000; i++ {
		g := 1 + r.IntN(4)
		in := Shape{g * (1 + r.IntN(8)), 1 + r.IntN(40), 1 + r.IntN(40)}
		l := &Layer{Name: "c", Kind: Conv2D, Filters: g * (1 + r.IntN(8)), Groups: g,
			KernelH: 1 + r.IntN(7), KernelW: 1 + r.IntN(7), StrideH: 1 + r.IntN(3), StrideW: 1 + r.IntN(3),
			DilationH: 1 + r.IntN(3), DilationW: 1 + r.IntN(3),
			PadTop: r.IntN(4), PadBottom: r.IntN(4), PadLeft: r.IntN(4), PadRight: r.IntN(4)}
		n := &Network{Name: "r", Input: in, Layers: []*Layer{l}}
		err := n.Infer()
		spanH, spanW := l.DilationH*(l.KernelH-1)+1, l.DilationW*(l.KernelW-1)+1
		padH, padW := in.H+l.PadTop+l.PadBottom, in.W+l.PadLeft+l.PadRight
		if spanH > padH || spanW > padW {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("%+v on %s: %v, want ErrInvalid", l, in, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%+v on %s: %v", l, in, err)
		}
		valid++
		o := l.Out
		if (o.H-1)*l.StrideH+spanH > padH || o.H*l.StrideH+spanH <= padH ||
			(o.W-1)*l.StrideW+spanW > padW || o.W*l.StrideW+spanW <= padW || o.C != l.Filters {
			t.Fatalf("%+v on %s: output %s does not tile the padded input", l, in, o)
		}
		want := int64(o.H*o.W) * int64(l.KernelH*l.KernelW*in.C/g) * int64(l.Filters)
		if l.MACs() != want {
			t.Fatalf("%+v on %s: %d MACs, want %d", l, in, l.MACs(), want)
		}
	}
	if valid < 1000 {
		t.Errorf("only %d valid random layers", valid)
	}
}

// TestRandomCeilPool checks ceil mode against its definition: floor mode's
// count, plus one when a partial window is left that starts inside the input
// or its left padding.
func TestRandomCeilPool(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 5000; i++ {
		k, s := 1+r.IntN(5), 1+r.IntN(4)
		p := r.IntN(k/2 + 1)
		h := k + r.IntN(30)
		mk := func(ceil bool) int {
			l := &Layer{Name: "p", Kind: MaxPool, KernelH: k, KernelW: k, StrideH: s, StrideW: s,
				PadTop: p, PadBottom: p, PadLeft: p, PadRight: p, CeilMode: ceil}
			n := &Network{Name: "r", Input: Shape{1, h, h}, Layers: []*Layer{l}}
			if err := n.Infer(); err != nil {
				t.Fatalf("k%d s%d p%d on %d: %v", k, s, p, h, err)
			}
			return l.Out.H
		}
		floor, ceil := mk(false), mk(true)
		want := floor
		if rest := h + 2*p - k - (floor-1)*s; rest > 0 && floor*s < h+p {
			want++
		}
		if ceil != want {
			t.Fatalf("k%d s%d p%d on %d: ceil mode %d, want %d (floor %d)", k, s, p, h, ceil, want, floor)
		}
	}
}
