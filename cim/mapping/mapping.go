// Package mapping lays one layer's weight matrix onto crossbars (im2col).
//
// A Conv2D with kernel Kh x Kw, C input channels and F filters has a weight
// matrix of Kh*Kw*C rows and F columns; each output pixel is one matrix-vector
// multiplication (MVM) of its im2col input vector with that matrix. Rows are
// ordered (ky, kx, c), which makes each kernel row of a patch one contiguous
// run of an HWC feature map. A Dense layer is the same with one output
// vector.
//
// The matrix is cut into tiles of at most R x C (the crossbar size): PV row
// blocks by PH column blocks, one tile per core. Tiles in the same column
// block hold different rows of the same outputs, so their cores produce
// partial sums of the same output vectors: they form a conflict group, and
// PV, the size of the largest group, is the paper's theoretical speedup
// limit.
//
// Grouped and depthwise convolutions have a block-diagonal matrix (Groups
// blocks of Kh*Kw*C/Groups rows by F/Groups columns, zero elsewhere). cimkit
// packs them as follows:
//
//   - When one block fits a crossbar, k = min(R/rows, C/cols) consecutive
//     blocks are packed along the diagonal of each crossbar. The zeros off the
//     diagonal are real crossbar cells (held, not used); nothing else in their
//     rows or columns is non-zero, so each column block has exactly one tile
//     and PV = 1. A 3x3 depthwise conv on 32x32 crossbars packs 3 channels per
//     core.
//   - Otherwise each block is tiled on its own like a dense matrix, and the
//     all-zero tiles between blocks are never placed.
//
// A layer that needs more cores than the budget does not fit: Map reports it
// with Fits false and the number of cores it needs, and places no tiles.
package mapping

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/nn"
)

// Tile is the part of the weight matrix held by one core's crossbar.
type Tile struct {
	Core int // core index within the layer, 0..Cores-1
	V, H int // row block within its column block, and column block
	Row0 int // first row of the (block-diagonal) weight matrix
	Rows int // rows held (at most the crossbar's rows)
	Col0 int // first column (output channel)
	Cols int // columns held (at most the crossbar's columns)
}

// Layer is the mapping of one layer.
type Layer struct {
	Layer *nn.Layer // the layer mapped (inferred, conv2d or dense)
	Xbar  [2]int    // crossbar rows, cols

	Rows, Cols    int // the whole weight matrix (block diagonal for Groups > 1)
	RowsPerGroup  int // rows of one group's block (Rows for Groups = 1)
	ColsPerGroup  int // columns of one group's block
	Groups        int // convolution groups
	GroupsPerTile int // groups packed on one crossbar (1 when not packed)
	Vectors       int // output vectors (output pixels; 1 for Dense)

	PV     int  // most tiles in one column block: the speedup limit
	PH     int  // column blocks
	Cores  int  // cores needed: one per tile
	Budget int  // cores available
	Fits   bool // Cores <= Budget: the tiles are placed

	// Tiles, ordered by column block then row block, Tiles[i].Core == i.
	// Empty when the layer does not fit.
	Tiles []Tile
	// Blocks[h] is the index in Tiles of column block h's first tile; the
	// block's tiles run up to Blocks[h+1] (or len(Tiles)).
	Blocks []int
}

// Map places layer l on the chip a. l must have been through nn.Network.Infer.
func Map(l *nn.Layer, a arch.Arch) (*Layer, error) {
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("mapping: layer %q: %w", l.Name, err)
	}
	if !l.OnCrossbar() {
		return nil, fmt.Errorf("mapping: layer %q is %s, only conv2d and dense layers go on crossbars", l.Name, l.Kind)
	}
	if len(l.In) == 0 || l.Out.Elems() == 0 {
		return nil, fmt.Errorf("mapping: layer %q has no inferred shapes (run Network.Infer first)", l.Name)
	}
	rpg, cpg, g, n := l.Im2col()
	m := &Layer{
		Layer: l, Xbar: [2]int{a.XbarRows, a.XbarCols},
		Rows: rpg * g, Cols: cpg * g, RowsPerGroup: rpg, ColsPerGroup: cpg,
		Groups: g, GroupsPerTile: 1, Vectors: n, Budget: a.Cores,
	}
	if k := min(a.XbarRows/rpg, a.XbarCols/cpg, g); g > 1 && k >= 2 {
		m.GroupsPerTile = k
		m.PV, m.PH = 1, ceilDiv(g, k)
	} else {
		m.PV = ceilDiv(rpg, a.XbarRows)
		m.PH = g * ceilDiv(cpg, a.XbarCols)
	}
	cores := int64(m.PV) * int64(m.PH)
	m.Fits = cores <= int64(a.Cores)
	m.Cores = int(min(cores, int64(1)<<40))
	if m.Fits {
		m.place(a)
	}
	return m, nil
}

// place fills Tiles and Blocks.
func (m *Layer) place(a arch.Arch) {
	m.Tiles = make([]Tile, 0, m.Cores)
	m.Blocks = make([]int, 0, m.PH)
	add := func(v, h, r0, rows, c0, cols int) {
		if v == 0 {
			m.Blocks = append(m.Blocks, len(m.Tiles))
		}
		m.Tiles = append(m.Tiles, Tile{Core: len(m.Tiles), V: v, H: h, Row0: r0, Rows: rows, Col0: c0, Cols: cols})
	}
	if k := m.GroupsPerTile; k > 1 {
		for h := 0; h < m.PH; h++ {
			n := min(k, m.Groups-h*k)
			add(0, h, h*k*m.RowsPerGroup, n*m.RowsPerGroup, h*k*m.ColsPerGroup, n*m.ColsPerGroup)
		}
		return
	}
	phg := ceilDiv(m.ColsPerGroup, a.XbarCols)
	for g := 0; g < m.Groups; g++ {
		for hh := 0; hh < phg; hh++ {
			c0 := g*m.ColsPerGroup + hh*a.XbarCols
			cols := min(a.XbarCols, (g+1)*m.ColsPerGroup-c0)
			for v := 0; v < m.PV; v++ {
				r0 := g*m.RowsPerGroup + v*a.XbarRows
				add(v, g*phg+hh, r0, min(a.XbarRows, (g+1)*m.RowsPerGroup-r0), c0, cols)
			}
		}
	}
}

// Block returns the tiles of column block h: the cores that add into the
// same output vectors, in row-block order.
func (m *Layer) Block(h int) []Tile {
	end := len(m.Tiles)
	if h+1 < len(m.Blocks) {
		end = m.Blocks[h+1]
	}
	return m.Tiles[m.Blocks[h]:end]
}

// MVMs is the number of crossbar MVMs one run of the layer performs: every
// tile once per output vector.
func (m *Layer) MVMs() int64 { return int64(m.Cores) * int64(m.Vectors) }

// CellsUsed is the number of crossbar cells that hold a weight of the layer
// (the non-zero part of the matrix).
func (m *Layer) CellsUsed() int64 {
	return int64(m.RowsPerGroup) * int64(m.ColsPerGroup) * int64(m.Groups)
}

// CellsHeld is the number of crossbar cells of the cores the layer occupies.
func (m *Layer) CellsHeld() int64 { return int64(m.Cores) * int64(m.Xbar[0]) * int64(m.Xbar[1]) }

// Utilization is CellsUsed / CellsHeld, in 0..1.
func (m *Layer) Utilization() float64 { return float64(m.CellsUsed()) / float64(m.CellsHeld()) }

func ceilDiv(a, b int) int { return (a + b - 1) / b }
