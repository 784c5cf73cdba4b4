// Package netprog compiles a placed network (cim/place) into one
// instruction stream per core: the whole network as one program, so that
// the timed simulator (cim/sim) and the functional executor
// (cim/functional) run every layer together, and a layer waits for its
// inputs through the same sequence registers that synchronise the cores of
// a layer.
//
// # Crossbar layers
//
// Each core holding a tile runs its layer's scheme (sequential, linear or
// cyclic) as package compile writes it, with compile's instructions and
// input loads, over the output pixels of its copy (p mod copies = copy;
// all of them without duplication), once per image. Feature maps are HWC
// in shared memory, one slot per image (Layout), every image's input there
// from the start; partial sums too, so that images in flight never share a
// buffer. Nothing is reused: every feature map and partial sum of every
// image has its own slot, which bounds the images of a run by the shared
// memory (ErrMemory). A layer folded in rounds (cim/place) runs each round's part of a
// conflict group as a group of its own: the first writers of a group that
// continues an earlier round load that round's partial sums, and the last
// writers of a group that a later round continues store partial sums
// instead of final values. A core that moves to a later segment or round
// first reprograms its crossbar: one LOAD of the row's weights (from the
// Weights region, off-chip) and one PROG per row.
//
// # Digital layers
//
// A digital layer runs on its own core (cim/place) in chunks of at most
// arch.XbarCols channels of one output pixel (the width of the Out and Acc
// registers): every input chunk is a LOAD into Acc and a VOP into Out (a
// copied concatenation's is a LOAD into Out), and the result a STORE.
// Every VOP that takes an input reads it from Acc (copy, add, max, other),
// so that on an interconnect with transactions in flight (AXI4) a STORE
// waits for the LOADs whose data it stores (isa.MustWait).
// The element-wise work per output element, as VOPs of the chunk's width
// (arch.VOPCycles):
//
//   - residual add and other element-wise operators with m inputs (Add,
//     Sub, Mul, Div, activations, ...): m LOADs and m VOPs (copy, then
//     one per further input), one more VOP for the operator itself when it
//     has one input (an activation) and one for a fused activation;
//   - max and average pooling: a LOAD and a VOP per window position inside
//     the input (padding skipped), one VOP to scale an average;
//   - global average pooling: a LOAD and a VOP per input pixel, one to
//     scale (one chunk of channels after the other);
//   - resize: one LOAD and VOP per output pixel (nearest), four (linear)
//     or sixteen (cubic); zero insertion (a transposed convolution's
//     stride): a LOAD and VOP for the pixels that come from the input, one
//     VOP for the zeros;
//   - a concatenation that has to copy: a LOAD into Out and a STORE per
//     input chunk;
//   - any other operator (softmax, matrix products of two activations,
//     ...): the whole input is read (LOAD and VOP per chunk) before the
//     output is written (VOP and STORE per chunk).
//
// # Inter-layer synchronisation
//
// The paper's chip has one sequence register per core, the one a layer's
// ownership protocol uses. A whole network needs more: a core also waits
// for its inputs. Each core has as many registers as it needs, counted in
// SyncMemBytes:
//
//   - one ownership register per group it is a member of (one for a
//     resident layer: the paper's register; a core that runs several
//     layers in segments or rounds gets a fresh one for each, since a
//     group member running ahead may call it before it has finished with
//     the previous one);
//   - one chain register per cyclic group it is a member of (see below),
//     and in layer mode one per notifier it is (the barrier chain);
//   - one dependency register per notifier it listens to.
//
// A notifier is one core that declares pixels of a layer's output final:
// the last writer of a conflict group (linear, sequential, and any group of
// one core), per copy and column block, which writes its pixels in raster
// order. After the final STORE of the last pixel of each output row it
// CALLs every listener with the count of its pixels done (k*n + i for i
// pixels of image k, n pixels per image). A digital layer's core is the
// notifier of its output. A reader of an output pixel needs the input rows
// of its receptive field (y*stride - pad + ky*dilation for the kernel rows
// its tile holds, clipped at the borders; every row for a dense layer and a
// global pool; the rows an element-wise operator, a pool or a resize maps
// it to): before loading it, the core WAITs, on the register of each
// notifier whose channels it reads, for the count of that notifier's pixels
// in those rows. A residual add or a concatenation waits for each of its
// inputs in the same way: there is no shared counter fed by several
// producers (one producer running ahead could satisfy it while another
// lags).
//
// The cyclic scheme writes final values in rotated order: core j+1 of a
// group writes segment j's pixels last, all segments at about the same
// time near the end of the layer. Its last writers form a chain in segment
// order: at the end of each image, the writer of segment j WAITs on its
// chain register until segment j-1 is done (j > 0), then CALLs segment
// j+1's writer, and the writer of the last segment CALLs the listeners
// with the whole image's count. The listeners see one notifier per column
// block whose count jumps once per image; pipelining across a cyclic layer
// with more than one core per group is thus at image granularity (its
// rotated walk needs the whole input before its last cores can start
// anyway).
//
// # Modes
//
// Pipelined (cross-layer): the per-pixel WAITs above; a layer starts as
// soon as the first rows it needs exist, and several images can be in
// flight (Options.Images), each core working through them in order.
// Layer (layer by layer): the same programs, but a layer's cores start an
// image only when the previous layer in network order has finished it (and
// the first layer waits for the last layer's previous image; in segments,
// image after image within each segment). The previous layer's notifiers
// tell it through a barrier: at the end of an image they form a chain (each
// WAITs on a chain register for the one before, then CALLs the next), and
// the last CALLs every core of the next layer once, so that a core needs
// one register for its predecessor, not one per notifier. One layer is at
// work at a time, as when the paper's layers are simulated one after the
// other, now with digital layers and data movement included.
//
// The cores carry MARK annotations (zero cost, Label) from which cim/netsim
// reports per-layer times: every core at the end of each job (a layer for
// one image), and each notifier also at its start, after the WAITs of its
// first pixel (the start of the core that produces the layer's outputs:
// the first pixel of a group's first core may read nothing but padding);
// reprogramming is marked too (ProgLabel).
package netprog

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/place"
)

// Mode is an execution mode (see the package doc).
type Mode string

// The modes.
const (
	LayerByLayer Mode = "layer"     // one layer at a time
	Pipelined    Mode = "pipelined" // layers start as soon as their inputs exist
)

// Modes returns both modes, layer by layer first.
func Modes() []Mode { return []Mode{LayerByLayer, Pipelined} }

// ParseMode reads a mode name: layer or pipelined (case-insensitive).
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes() {
		if strings.EqualFold(strings.TrimSpace(s), string(m)) {
			return m, nil
		}
	}
	return "", fmt.Errorf("mode %q: want layer or pipelined", s)
}

// Options control Build.
type Options struct {
	Scheme compile.Scheme // synchronisation scheme inside each layer
	Mode   Mode           // layer or pipelined
	Images int            // images streamed through the network, 1..MaxImages
}

// MaxImages is the most images one program streams.
const MaxImages = 4096

// maxRegs is the most sequence registers of one core (sim.MaxSeqRegs).
const maxRegs = 4096

// The errors Build wraps, so that callers can tell bad input apart.
var (
	ErrImages    = errors.New("bad image count")
	ErrMemory    = errors.New("shared memory too small")
	ErrRegisters = errors.New("too many sequence registers")
	ErrCounts    = errors.New("sequence counts overflow")
)

// Program is a placed network compiled for one scheme, mode and image
// count: one instruction stream per core.
type Program struct {
	Place  *place.Placement // the placement compiled
	Arch   arch.Arch        // the chip
	Scheme compile.Scheme   // synchronisation inside crossbar layers
	Mode   Mode             // layer by layer or pipelined
	Images int              // images streamed through the chip
	Layout Layout           // the memory map
	// Cores is the number of cores the program uses (the largest segment).
	Cores int

	input     view
	views     []view             // per placement layer: its output tensor
	psum      []int              // per placement layer: its partial-sum buffer (-1: none)
	geoms     []compile.Geometry // per placement layer (crossbar)
	streams   []notifier
	outputs   [][]int // per placement layer: notifiers of its output
	barrier   []int   // layer mode, per placement layer: the notifier of its barrier
	units     [][]unit
	regs      []int       // sequence registers per core
	kinds     [][]RegKind // per core: each register's kind
	listenReg []map[int]uint16
	timed     []int // crossbar and digital layers, in network order
	index     map[string]int
	weightOff []int64 // per placement layer: its tiles' offset in Layout.Weights
}

// Build compiles placement pl.
func Build(pl *place.Placement, opt Options) (*Program, error) {
	if pl == nil {
		return nil, fmt.Errorf("netprog: no placement")
	}
	if _, err := compile.ParseScheme(string(opt.Scheme)); err != nil {
		return nil, fmt.Errorf("netprog: %v", err)
	}
	if _, err := ParseMode(string(opt.Mode)); err != nil {
		return nil, fmt.Errorf("netprog: %v", err)
	}
	if opt.Images < 1 || opt.Images > MaxImages {
		return nil, fmt.Errorf("netprog: %w: %d images, want 1..%d", ErrImages, opt.Images, MaxImages)
	}
	p := &Program{Place: pl, Arch: pl.Arch, Scheme: opt.Scheme, Mode: opt.Mode, Images: opt.Images,
		index: map[string]int{}}
	for i := range pl.Layers {
		p.index[pl.Layers[i].Layer.Name] = i
	}
	for _, s := range pl.Segments {
		p.Cores = max(p.Cores, s.Cores)
	}
	p.units = make([][]unit, p.Cores)
	p.regs = make([]int, p.Cores)
	p.kinds = make([][]RegKind, p.Cores)
	p.listenReg = make([]map[int]uint16, p.Cores)
	p.geoms = make([]compile.Geometry, len(pl.Layers))
	p.outputs = make([][]int, len(pl.Layers))
	if err := p.layout(); err != nil {
		return nil, err
	}
	for i := range pl.Layers {
		l := &pl.Layers[i]
		switch l.Role {
		case place.Crossbar:
			g, err := compile.GeometryOf(l.Layer)
			if err != nil {
				return nil, fmt.Errorf("netprog: %w", err)
			}
			p.geoms[i] = g
			if err := p.crossbarUnits(i); err != nil {
				return nil, err
			}
			p.timed = append(p.timed, i)
		case place.Digital:
			if err := p.digitalUnit(i); err != nil {
				return nil, err
			}
			p.timed = append(p.timed, i)
		}
	}
	if len(p.timed) == 0 {
		return nil, fmt.Errorf("netprog: network %q has no layer that runs on a core", pl.Net.Name)
	}
	if err := p.dependencies(); err != nil {
		return nil, err
	}
	if err := p.checkCounts(); err != nil {
		return nil, err
	}
	p.finishLayout()
	return p, nil
}

// checkCounts refuses programs whose sequence counts would not fit the
// 32-bit CALL and WAIT values.
func (p *Program) checkCounts() error {
	for i := range p.streams {
		if s := &p.streams[i]; int64(s.n)*int64(p.Images) >= 1<<31 {
			return fmt.Errorf("netprog: %w: layer %q: %d pixels x %d images", ErrCounts,
				p.Place.Layers[s.layer].Layer.Name, s.n, p.Images)
		}
	}
	if int64(len(p.Place.Layers))*int64(p.Images)*2 >= 1<<31 {
		return fmt.Errorf("netprog: %w: %d layers x %d images of MARK labels", ErrCounts, len(p.Place.Layers), p.Images)
	}
	return nil
}

// Label is the MARK label of the start (end false) or end of placement
// layer's job for image k.
func (p *Program) Label(layer, k int, end bool) int32 {
	v := int32((layer*p.Images + k) * 2)
	if end {
		v++
	}
	return v
}

// ProgLabel is the MARK label (negative) of the start (end false) or end
// of a core's reprogramming for placement layer's job.
func (p *Program) ProgLabel(layer int, end bool) int32 {
	v := -1 - int32(layer)*2
	if end {
		v--
	}
	return v
}

// Unlabel splits a MARK label into placement layer, image and end; prog
// is true for a reprogramming label (k is then 0).
func (p *Program) Unlabel(v int32) (layer, k int, end, prog bool) {
	if v < 0 {
		v = -1 - v
		return int(v / 2), 0, v%2 == 1, true
	}
	end = v%2 == 1
	v /= 2
	return int(v) / p.Images, int(v) % p.Images, end, false
}

// Stream returns a fresh generator of core's instructions: its jobs in
// order (segments, rounds), each for every image. Cores out of range get
// an empty stream. The generator keeps memory bounded by the crossbar
// size, not by the network.
func (p *Program) Stream(core int) isa.Stream {
	if core < 0 || core >= p.Cores {
		return &isa.Slice{}
	}
	return &stream{p: p, core: core, units: p.units[core]}
}

// Streams returns a fresh stream for every core. Each also tells the tile
// of the job at hand (TileShape, for cim/sim's sim.TileShaper).
func (p *Program) Streams() []isa.Stream {
	out := make([]isa.Stream, p.Cores)
	for c := range out {
		out[c] = p.Stream(c)
	}
	return out
}

// SeqRegs is the number of sequence registers core uses (at least one,
// the paper's).
func (p *Program) SeqRegs(core int) int {
	if core < 0 || core >= p.Cores {
		return 0
	}
	return max(p.regs[core], 1)
}

// SyncMemBytes is the synchronisation memory of every core that runs a
// job: its sequence registers times arch.SeqRegBytes.
func (p *Program) SyncMemBytes() int64 { return int64(p.SeqRegsTotal()) * int64(p.Arch.SeqRegBytes) }

// Job is one core's share of one layer: the tile (crossbar) or the whole
// layer (digital) it runs, for every image.
type Job struct {
	Layer int    // placement layer index
	Name  string // the layer's name
	Copy  int    // crossbar: weight copy
	Tile  int    // crossbar: tile index in the mapping
	Round int    // crossbar: round of a folded layer
	Prog  bool   // the core reprograms its crossbar before the job
}

// Jobs returns core's jobs in program order.
func (p *Program) Jobs(core int) []Job {
	if core < 0 || core >= p.Cores {
		return nil
	}
	out := make([]Job, len(p.units[core]))
	for i := range p.units[core] {
		u := &p.units[core][i]
		out[i] = Job{Layer: int(u.layer), Name: p.Place.Layers[u.layer].Layer.Name,
			Copy: int(u.copy), Tile: int(u.tile), Round: int(u.round), Prog: u.prog}
	}
	return out
}

// inputs returns the views layer i reads, in order.
func (p *Program) inputs(i int) []*view {
	l := &p.Place.Layers[i]
	names := p.Place.Inputs(l)
	out := make([]*view, len(names))
	for j, name := range names {
		if name == nn.InputName {
			out[j] = &p.input
			continue
		}
		out[j] = &p.views[p.index[name]]
	}
	return out
}

// Producers returns the crossbar and digital layers whose outputs layer i
// reads, through aliases (an in-place concatenation's inputs, a flatten's
// source); the network input is not listed.
func (p *Program) Producers(i int) []int {
	var out []int
	for _, v := range p.inputs(i) {
		if v.src < 0 {
			continue
		}
		if p.Place.Layers[v.src].Role == place.Alias {
			out = append(out, p.Producers(v.src)...)
			continue
		}
		out = append(out, v.src)
	}
	return out
}

// Timed returns the crossbar and digital layers, in network order.
func (p *Program) Timed() []int { return p.timed }

// SeqRegsTotal is the number of sequence registers of all cores that run
// a job.
func (p *Program) SeqRegsTotal() int {
	n := 0
	for c := 0; c < p.Cores; c++ {
		if len(p.units[c]) > 0 {
			n += p.SeqRegs(c)
		}
	}
	return n
}
