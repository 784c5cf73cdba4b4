package mapping

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/zoo"
)

// layer returns an inferred conv (k x k, padding k/2) or, for k = 0, dense
// layer on the given input.
func layer(t testing.TB, in nn.Shape, filters, k, groups int) *nn.Layer {
	t.Helper()
	l := &nn.Layer{Name: "l", Kind: nn.Dense, Filters: filters}
	if k > 0 {
		p := k / 2
		l = &nn.Layer{Name: "l", Kind: nn.Conv2D, Filters: filters, KernelH: k, KernelW: k, Groups: groups,
			PadTop: p, PadBottom: p, PadLeft: p, PadRight: p}
	}
	n := &nn.Network{Name: "t", Input: in, Layers: []*nn.Layer{l}}
	if err := n.Infer(); err != nil {
		t.Fatal(err)
	}
	return l
}

func chip(r, c, cores int) arch.Arch {
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.Cores = r, c, cores
	return a
}

func mustMap(t *testing.T, l *nn.Layer, a arch.Arch) *Layer {
	t.Helper()
	m, err := Map(l, a)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

type summary struct {
	Rows, Cols, Groups, GroupsPerTile, Vectors, PV, PH, Cores int
	Fits                                                      bool
}

func summarize(m *Layer) summary {
	return summary{m.Rows, m.Cols, m.Groups, m.GroupsPerTile, m.Vectors, m.PV, m.PH, m.Cores, m.Fits}
}

func TestDenseConv(t *testing.T) {
	// 3x3, 64 -> 128 channels on 64x64: 576 x 128, 9 row blocks, 2 column blocks.
	m := mustMap(t, layer(t, nn.Shape{C: 64, H: 8, W: 8}, 128, 3, 1), chip(64, 64, 1024))
	if got, want := summarize(m), (summary{576, 128, 1, 1, 64, 9, 2, 18, true}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if m.Utilization() != 1 || len(m.Tiles) != 18 || len(m.Blocks) != 2 || m.Blocks[1] != 9 {
		t.Errorf("utilisation %v, %d tiles, blocks %v", m.Utilization(), len(m.Tiles), m.Blocks)
	}
	if got, want := m.Tiles[10], (Tile{Core: 10, V: 1, H: 1, Row0: 64, Rows: 64, Col0: 64, Cols: 64}); got != want {
		t.Errorf("tile 10: %+v, want %+v", got, want)
	}
	b := m.Block(1)
	if len(b) != 9 || b[0].Core != 9 || b[8] != (Tile{Core: 17, V: 8, H: 1, Row0: 512, Rows: 64, Col0: 64, Cols: 64}) {
		t.Errorf("block 1: %+v", b)
	}
}

func TestRaggedConv(t *testing.T) {
	// 3x3, 3 -> 40 channels on 16x16: 27 x 40, rows cut 16+11, cols 16+16+8.
	m := mustMap(t, layer(t, nn.Shape{C: 3, H: 5, W: 5}, 40, 3, 1), chip(16, 16, 8))
	if got, want := summarize(m), (summary{27, 40, 1, 1, 25, 2, 3, 6, true}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	want := []Tile{
		{0, 0, 0, 0, 16, 0, 16}, {1, 1, 0, 16, 11, 0, 16},
		{2, 0, 1, 0, 16, 16, 16}, {3, 1, 1, 16, 11, 16, 16},
		{4, 0, 2, 0, 16, 32, 8}, {5, 1, 2, 16, 11, 32, 8},
	}
	for i, w := range want {
		if m.Tiles[i] != w {
			t.Errorf("tile %d: %+v, want %+v", i, m.Tiles[i], w)
		}
	}
	// 27*40 used of 6*16*16 held.
	if got := m.Utilization(); got != 1080.0/1536 {
		t.Errorf("utilisation %v, want 0.703125", got)
	}
}

func TestDepthwisePacking(t *testing.T) {
	// 3x3 depthwise, 32 channels on 32x32: blocks of 9x1, 3 per crossbar
	// (32/9 = 3), 11 crossbars, the last with 2 channels.
	m := mustMap(t, layer(t, nn.Shape{C: 32, H: 6, W: 6}, 32, 3, 32), chip(32, 32, 1024))
	if got, want := summarize(m), (summary{288, 32, 32, 3, 36, 1, 11, 11, true}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if got, want := m.Tiles[1], (Tile{Core: 1, V: 0, H: 1, Row0: 27, Rows: 27, Col0: 3, Cols: 3}); got != want {
		t.Errorf("tile 1: %+v, want %+v", got, want)
	}
	if got, want := m.Tiles[10], (Tile{Core: 10, V: 0, H: 10, Row0: 270, Rows: 18, Col0: 30, Cols: 2}); got != want {
		t.Errorf("last tile: %+v, want %+v", got, want)
	}
	if got, want := m.Utilization(), 288.0/(11*1024); got != want {
		t.Errorf("utilisation %v, want %v", got, want)
	}
}

func TestGroupedNotPacked(t *testing.T) {
	// 2 groups of 3x3, 128 -> 100 channels each (per group 64 in, 100 out)
	// on 64x64: a block is 576 x 100, tiled alone: 9 x 2 per group.
	m := mustMap(t, layer(t, nn.Shape{C: 128, H: 4, W: 4}, 200, 3, 2), chip(64, 64, 1024))
	if got, want := summarize(m), (summary{1152, 200, 2, 1, 16, 9, 4, 36, true}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	// Group 1, second column block, last row block.
	if got, want := m.Block(3)[8], (Tile{Core: 35, V: 8, H: 3, Row0: 576 + 512, Rows: 64, Col0: 164, Cols: 36}); got != want {
		t.Errorf("last tile: %+v, want %+v", got, want)
	}
	if got, want := m.Block(1)[0], (Tile{Core: 9, V: 0, H: 1, Row0: 0, Rows: 64, Col0: 64, Cols: 36}); got != want {
		t.Errorf("block 1: %+v, want %+v", got, want)
	}
	if got, want := m.Utilization(), float64(1152*100)/(36*4096); got != want {
		t.Errorf("utilisation %v, want %v", got, want)
	}
}

func TestGroupedOnePerCrossbar(t *testing.T) {
	// 4 groups of 1x1, 40 -> 40 per group on 64x64: one block fits, two do
	// not (k = 1): one crossbar per group.
	m := mustMap(t, layer(t, nn.Shape{C: 160, H: 2, W: 2}, 160, 1, 4), chip(64, 64, 1024))
	if got, want := summarize(m), (summary{160, 160, 4, 1, 4, 1, 4, 4, true}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if got, want := m.Tiles[2], (Tile{Core: 2, V: 0, H: 2, Row0: 80, Rows: 40, Col0: 80, Cols: 40}); got != want {
		t.Errorf("tile 2: %+v, want %+v", got, want)
	}
}

func TestDense(t *testing.T) {
	// 1024 -> 1000 on 128x128: 8 x 8 tiles, the last column block 104 wide.
	m := mustMap(t, layer(t, nn.Shape{C: 1024, H: 1, W: 1}, 1000, 0, 1), chip(128, 128, 64))
	if got, want := summarize(m), (summary{1024, 1000, 1, 1, 1, 8, 8, 64, true}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if got, want := m.Tiles[63], (Tile{Core: 63, V: 7, H: 7, Row0: 896, Rows: 128, Col0: 896, Cols: 104}); got != want {
		t.Errorf("last tile: %+v, want %+v", got, want)
	}
	if got := m.Utilization(); got != 1000.0/1024 {
		t.Errorf("utilisation %v, want 0.9765625", got)
	}
}

func TestNotFitting(t *testing.T) {
	// 3x3, 512 -> 512 on 32x32: 4608 x 512 needs 144 x 16 = 2304 cores.
	m := mustMap(t, layer(t, nn.Shape{C: 512, H: 7, W: 7}, 512, 3, 1), chip(32, 32, 1024))
	if got, want := summarize(m), (summary{4608, 512, 1, 1, 49, 144, 16, 2304, false}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if len(m.Tiles) != 0 || len(m.Blocks) != 0 || m.Budget != 1024 {
		t.Errorf("%d tiles, %d blocks, budget %d for a layer that does not fit", len(m.Tiles), len(m.Blocks), m.Budget)
	}
	// Exactly at the budget it fits.
	if m := mustMap(t, m.Layer, chip(32, 32, 2304)); !m.Fits || len(m.Tiles) != 2304 {
		t.Errorf("at the budget: fits %v, %d tiles", m.Fits, len(m.Tiles))
	}
}

func TestErrors(t *testing.T) {
	pool := &nn.Layer{Name: "pool", Kind: nn.MaxPool, KernelH: 2, KernelW: 2}
	if _, err := Map(pool, arch.Default()); err == nil || !strings.Contains(err.Error(), `"pool"`) {
		t.Errorf("pool: %v, want an error naming the layer", err)
	}
	raw := &nn.Layer{Name: "raw", Kind: nn.Conv2D, Filters: 4, KernelH: 3, KernelW: 3}
	if _, err := Map(raw, arch.Default()); err == nil || !strings.Contains(err.Error(), "Infer") {
		t.Errorf("not inferred: %v", err)
	}
	l := layer(t, nn.Shape{C: 3, H: 4, W: 4}, 4, 3, 1)
	if _, err := Map(l, chip(0, 64, 1)); err == nil || !strings.Contains(err.Error(), "xbar_rows") || !strings.Contains(err.Error(), `"l"`) {
		t.Errorf("0-row crossbar: %v", err)
	}
}

// TestRandomLayers checks on random layers that the tiles hold every
// non-zero cell of the block-diagonal matrix exactly once, stay within a
// crossbar, and are grouped in PH column blocks of at most PV tiles.
func TestRandomLayers(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 300; i++ {
		g := 1 + r.IntN(6)
		if r.IntN(4) == 0 {
			g = 1 + r.IntN(40) // depthwise-like
		}
		in := nn.Shape{C: g * (1 + r.IntN(12)), H: 3 + r.IntN(4), W: 3 + r.IntN(4)}
		k := []int{1, 3, 5}[r.IntN(3)]
		l := layer(t, in, g*(1+r.IntN(12)), k, g)
		a := chip(4+r.IntN(60), 4+r.IntN(60), 1<<20)
		m := mustMap(t, l, a)
		checkTiles(t, m)
	}
}

func checkTiles(t *testing.T, m *Layer) {
	t.Helper()
	if len(m.Blocks) != m.PH || len(m.Tiles) != m.Cores {
		t.Fatalf("%+v: %d blocks, %d tiles", summarize(m), len(m.Blocks), len(m.Tiles))
	}
	seen := make(map[[2]int]bool)
	for h := 0; h < m.PH; h++ {
		b := m.Block(h)
		if len(b) == 0 || len(b) > m.PV {
			t.Fatalf("%+v: block %d has %d tiles", summarize(m), h, len(b))
		}
		for v, tl := range b {
			if tl.H != h || tl.V != v || tl.Rows < 1 || tl.Cols < 1 || tl.Rows > m.Xbar[0] || tl.Cols > m.Xbar[1] {
				t.Fatalf("%+v: bad tile %+v in block %d", summarize(m), tl, h)
			}
			for row := tl.Row0; row < tl.Row0+tl.Rows; row++ {
				for col := tl.Col0; col < tl.Col0+tl.Cols; col++ {
					if row/m.RowsPerGroup != col/m.ColsPerGroup {
						continue // a zero off the diagonal, held by a packed crossbar
					}
					if seen[[2]int{row, col}] {
						t.Fatalf("%+v: cell %d,%d held twice", summarize(m), row, col)
					}
					seen[[2]int{row, col}] = true
				}
			}
		}
	}
	if int64(len(seen)) != m.CellsUsed() {
		t.Fatalf("%+v: %d cells held, want %d", summarize(m), len(seen), m.CellsUsed())
	}
	for i, tl := range m.Tiles {
		if tl.Core != i {
			t.Fatalf("tile %d has core %d", i, tl.Core)
		}
	}
	if u := m.Utilization(); u <= 0 || u > 1 {
		t.Fatalf("utilisation %v", u)
	}
}

// BenchmarkMapResNet50 maps every conv and dense layer of ResNet-50 at 224
// on 32x32 crossbars with an unlimited budget (all tiles placed).
func BenchmarkMapResNet50(b *testing.B) {
	net, err := zoo.Get("resnet50", 224)
	if err != nil {
		b.Fatal(err)
	}
	a := chip(32, 32, 1<<20)
	for b.Loop() {
		for _, l := range net.CrossbarLayers() {
			if _, err := Map(l, a); err != nil {
				b.Fatal(err)
			}
		}
	}
}
