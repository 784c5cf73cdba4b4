// Package place puts a whole network on a chip: which core holds which
// crossbar tile of which layer, which core runs each digital layer, and in
// what order the chip is used when the network does not fit at once.
//
// # Roles
//
// Every layer of the network gets one Role:
//
//   - Crossbar: a conv2d or dense layer, mapped by package mapping onto
//     PV x PH tiles; each tile is held by one core (weights resident).
//   - Digital: every other operator (pooling, residual add, activation,
//     global pooling, resize, softmax, the ONNX reader's digital layers,
//     and a concatenation that must copy). Each runs on one core of its
//     own, a core whose crossbar holds no weights: its digital unit does
//     the work (see cim/netprog for the per-element costs). One core per
//     digital layer keeps the crossbar cores' instruction streams free of
//     other layers' work; the cost is one core per digital layer.
//   - Alias: a layer that moves no data and needs no core: a Flatten (a
//     view of its input: the chip keeps feature maps in HWC order, and a
//     dense layer reads its input as one vector either way) and a
//     concatenation whose inputs write straight into its channel slices
//     (each input a layer's output read by nothing else).
//
// # Resident placement, segments and folding
//
// When the tiles of every crossbar layer (times their copies) and one core
// per digital layer fit the core budget (arch.Cores), the whole network is
// one Segment and every weight stays on the chip.
//
// Otherwise, and only when Options.Segments allows it, the network is cut
// into segments: consecutive layers, in network order, that fit the budget
// together. The chip runs one segment after the other and each core is
// reprogrammed (its crossbar written row by row, arch.RowWriteCycles per
// row) when it moves on to the next segment; the first segment's weights are
// on the chip before the run starts, as in a resident placement. A crossbar
// layer whose tiles alone exceed the budget is folded: it is a segment of
// its own, and its tiles run in Rounds on every core of the chip, tile t
// on core t mod budget in round t / budget (tiles in mapping order, so a
// round holds whole conflict groups except at its two ends). A conflict
// group cut by a round boundary keeps its partial sums in shared memory
// between the rounds.
//
// # Duplication
//
// A crossbar layer may be placed in several copies (Options.Copies, which
// cim/netsim chooses greedily): copy d holds all the layer's tiles again and
// computes the output pixels p with p mod Copies = d, so that every copy
// follows the raster order of the input at the same pace. Dense layers
// (one output vector) are never duplicated; folded layers neither.
package place

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

// Role says how a layer uses the chip (see the package doc).
type Role uint8

// The roles.
const (
	Crossbar Role = iota + 1 // tiles on crossbar cores
	Digital                  // one core's digital unit
	Alias                    // no core, no data movement
)

// String is "crossbar", "digital" or "alias".
func (r Role) String() string {
	switch r {
	case Crossbar:
		return "crossbar"
	case Digital:
		return "digital"
	case Alias:
		return "alias"
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// Layer is the placement of one layer of the network.
type Layer struct {
	Layer *nn.Layer // the network's layer (inferred)
	Index int       // its position in the network
	Role  Role

	// Map is a crossbar layer's mapping: every tile, whatever the budget
	// (Map.Fits and Map.Budget describe a budget of unlimited cores).
	Map *mapping.Layer
	// Copies is the number of weight copies of a crossbar layer (1: no
	// duplication; 0 for other roles).
	Copies int
	// Segment is the segment the layer runs in.
	Segment int
	// Rounds is 1 for a resident crossbar layer, the number of rounds of a
	// folded one, and 0 for the other roles.
	Rounds int
	// Core0 is the first core the layer occupies; it occupies Cores()
	// cores from there.
	Core0 int
}

// Tiles is the number of tiles of one copy of a crossbar layer (0 for the
// other roles).
func (l *Layer) Tiles() int {
	if l.Map == nil {
		return 0
	}
	return l.Map.Cores
}

// Folded reports whether the layer runs in more than one round.
func (l *Layer) Folded() bool { return l.Rounds > 1 }

// Cores is the number of cores the layer occupies in its segment: copies
// times tiles for a resident crossbar layer, the whole budget for a folded
// one, 1 for a digital layer, 0 for an alias.
func (l *Layer) Cores(budget int) int {
	switch {
	case l.Role == Digital:
		return 1
	case l.Role != Crossbar:
		return 0
	case l.Folded():
		return min(budget, l.Tiles())
	}
	return l.Copies * l.Tiles()
}

// Segment is a run of consecutive layers that are on the chip together.
type Segment struct {
	Layers []int // indexes into Placement.Layers, in network order
	Cores  int   // cores the segment occupies (0 .. Cores-1)
	Folded bool  // the segment is one folded layer
}

// Placement is a whole network on one chip.
type Placement struct {
	Net      *nn.Network
	Arch     arch.Arch
	Layers   []Layer   // one per network layer, in network order
	Segments []Segment // in execution order; one when the network fits
	// Need is the number of cores the whole network would occupy at once
	// (with its copies): the budget a resident placement needs.
	Need int
}

// Resident reports whether the whole network is on the chip at once.
func (p *Placement) Resident() bool { return len(p.Segments) == 1 }

// Layer returns the placement of the named layer, or nil.
func (p *Placement) Layer(name string) *Layer {
	for i := range p.Layers {
		if p.Layers[i].Layer.Name == name {
			return &p.Layers[i]
		}
	}
	return nil
}

// CoreOf returns the core and round of tile t of copy d of crossbar layer
// l: core Core0 + d*Tiles + t in round 0 when resident, core t mod budget in
// round t / budget when folded.
func (p *Placement) CoreOf(l *Layer, d, t int) (core, round int) {
	if l.Folded() {
		return t % p.Arch.Cores, t / p.Arch.Cores
	}
	return l.Core0 + d*l.Tiles() + t, 0
}

// Options control Place.
type Options struct {
	// Segments allows a network that does not fit the core budget to run
	// in segments (and a layer larger than the chip to be folded). Without
	// it such a network is refused with an error wrapping ErrNoFit.
	Segments bool
	// Copies gives the number of weight copies of crossbar layers, by
	// layer name (missing: 1).
	Copies map[string]int
}

// MaxRounds is the most rounds a folded layer may take: a budget that
// would need more is refused (ErrFold) as below the layer's fold.
const MaxRounds = 256

// The errors Place wraps, so that callers can tell bad input apart.
var (
	// ErrNoFit: the network does not fit the budget and segments are not
	// allowed.
	ErrNoFit = errors.New("network does not fit the chip")
	// ErrFold: a layer would need more than MaxRounds rounds.
	ErrFold = errors.New("core budget below a layer's fold")
	// ErrCopies: Options.Copies names no crossbar layer, asks for fewer
	// than one copy, more copies than output pixels, or copies that do not
	// fit.
	ErrCopies = errors.New("bad weight copies")
)

// Place places the inferred network net on chip a.
func Place(net *nn.Network, a arch.Arch, opt Options) (*Placement, error) {
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("place: %w", err)
	}
	if net == nil || len(net.Layers) == 0 {
		return nil, fmt.Errorf("place: no network")
	}
	p := &Placement{Net: net, Arch: a, Layers: make([]Layer, len(net.Layers))}
	alias := concatAliases(net)
	for i, l := range net.Layers {
		if len(l.In) == 0 {
			return nil, fmt.Errorf("place: network %q: layer %q has no inferred shapes (run Network.Infer first)", net.Name, l.Name)
		}
		pl := Layer{Layer: l, Index: i}
		switch {
		case l.OnCrossbar():
			unbounded := a
			unbounded.Cores = arch.MaxCores
			m, err := mapping.Map(l, unbounded)
			if err != nil {
				return nil, fmt.Errorf("place: %w", err)
			}
			pl.Role, pl.Map, pl.Copies, pl.Rounds = Crossbar, m, 1, 1
		case l.Kind == nn.Flatten || alias[l.Name]:
			pl.Role = Alias
		default:
			pl.Role = Digital
		}
		p.Layers[i] = pl
	}
	if err := p.setCopies(opt.Copies); err != nil {
		return nil, err
	}
	for i := range p.Layers {
		p.Need += p.Layers[i].Cores(arch.MaxCores)
	}
	if p.Need > a.Cores && !opt.Segments {
		return nil, fmt.Errorf("place: %w: network %q needs %d cores (%s), the chip has %d; allow segments to reprogram the chip between parts of the network",
			ErrNoFit, net.Name, p.Need, p.biggest(), a.Cores)
	}
	if err := p.segment(); err != nil {
		return nil, err
	}
	return p, nil
}

// concatAliases returns the concatenations whose inputs can write straight
// into their slices: each input is the output of a crossbar or digital
// layer (not the network input, not another alias) that nothing else
// reads.
func concatAliases(net *nn.Network) map[string]bool {
	readers := map[string]int{}
	for i := range net.Layers {
		for _, in := range inputsOf(net, i) {
			readers[in]++
		}
	}
	out := map[string]bool{}
	for i, l := range net.Layers {
		if l.Kind != nn.Concat {
			continue
		}
		ok := true
		for _, in := range inputsOf(net, i) {
			src := net.Layer(in)
			if src == nil || readers[in] != 1 || src.Kind == nn.Flatten || src.Kind == nn.Concat {
				ok = false
			}
		}
		out[l.Name] = ok
	}
	return out
}

// inputsOf returns the names of the tensors layer i reads (the previous
// layer, or the network input, when Inputs is empty).
func inputsOf(net *nn.Network, i int) []string {
	if l := net.Layers[i]; len(l.Inputs) > 0 {
		return l.Inputs
	}
	if i == 0 {
		return []string{nn.InputName}
	}
	return []string{net.Layers[i-1].Name}
}

// Inputs returns the names of the tensors layer l reads (nn.InputName for
// the network input).
func (p *Placement) Inputs(l *Layer) []string { return inputsOf(p.Net, l.Index) }

// setCopies applies Options.Copies.
func (p *Placement) setCopies(copies map[string]int) error {
	names := make([]string, 0, len(copies))
	for name := range copies {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		n := copies[name]
		l := p.Layer(name)
		switch {
		case l == nil || l.Role != Crossbar:
			return fmt.Errorf("place: %w: %q is not a conv2d or dense layer of network %q", ErrCopies, name, p.Net.Name)
		case n < 1 || n > l.Map.Vectors:
			return fmt.Errorf("place: %w: layer %q: %d copies, want 1..%d (its output pixels)", ErrCopies, name, n, l.Map.Vectors)
		case n > 1 && int64(n)*int64(l.Tiles()) > int64(p.Arch.Cores):
			return fmt.Errorf("place: %w: layer %q: %d copies of %d tiles need %d cores, the chip has %d",
				ErrCopies, name, n, l.Tiles(), n*l.Tiles(), p.Arch.Cores)
		}
		l.Copies = n
	}
	return nil
}

// biggest names the layers that need the most cores, for error messages.
func (p *Placement) biggest() string {
	idx := make([]int, 0, len(p.Layers))
	for i := range p.Layers {
		if p.Layers[i].Role == Crossbar {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return p.Layers[idx[a]].Cores(arch.MaxCores) > p.Layers[idx[b]].Cores(arch.MaxCores)
	})
	var parts []string
	for _, i := range idx[:min(len(idx), 3)] {
		l := &p.Layers[i]
		parts = append(parts, fmt.Sprintf("%s %d", l.Layer.Name, l.Cores(arch.MaxCores)))
	}
	if len(parts) == 0 {
		return "digital layers only"
	}
	return "largest: " + strings.Join(parts, ", ")
}

// segment cuts the layers into segments and assigns cores.
func (p *Placement) segment() error {
	budget := p.Arch.Cores
	var cur Segment
	flush := func() {
		if len(cur.Layers) > 0 {
			p.Segments = append(p.Segments, cur)
		}
		cur = Segment{}
	}
	for i := range p.Layers {
		l := &p.Layers[i]
		need := l.Cores(arch.MaxCores)
		if l.Role == Crossbar && need > budget {
			if l.Copies > 1 {
				return fmt.Errorf("place: %w: layer %q: %d copies of %d tiles do not fit %d cores", ErrCopies, l.Layer.Name, l.Copies, l.Tiles(), budget)
			}
			rounds := (l.Tiles() + budget - 1) / budget
			if rounds > MaxRounds {
				return fmt.Errorf("place: %w: layer %q needs %d cores; folded on %d cores it would take %d rounds, at most %d",
					ErrFold, l.Layer.Name, l.Tiles(), budget, rounds, MaxRounds)
			}
			flush()
			l.Rounds, l.Segment, l.Core0 = rounds, len(p.Segments), 0
			p.Segments = append(p.Segments, Segment{Layers: []int{i}, Cores: budget, Folded: true})
			continue
		}
		if cur.Cores+need > budget {
			flush()
		}
		l.Segment, l.Core0 = len(p.Segments), cur.Cores
		cur.Layers = append(cur.Layers, i)
		cur.Cores += need
	}
	flush()
	return nil
}
