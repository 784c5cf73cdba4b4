// Package compile turns one mapped layer into per-core instruction streams
// for the synchronisation schemes of the paper (sequential, linear, cyclic).
//
// # Programs
//
// Every core holds one tile (V, H) of the layer's im2col weight matrix; the
// cores of column block H form a group of PV cores that all add into the same
// output vectors o[p,H] (p = output pixel, N of them; N = 1 for Dense). For
// each output vector it visits, a core runs
//
//	LOAD  in[..], IFM          one LOAD per contiguous run of its rows of p's im2col vector
//	MOV   zero in[..]          for rows that fall on padding
//	MVM                        Out = In x crossbar
//	WAIT  k                    until it owns o[p,H]          (not the first writer)
//	LOAD  acc, psum[p,H]       the partial sum so far        (not the first writer)
//	MOV   add out              Out += Acc                    (not the first writer)
//	MOV   bias out; MOV act out; STORE OFM[p,H]              (the last writer)
//	STORE psum[p,H]                                          (the others)
//	CALL  next, k              hand ownership on             (not the last writer)
//
// Rows of the im2col vector are ordered (ky, kx, c) and feature maps are HWC,
// so with dilation 1 a whole kernel row of a dense conv is one LOAD; grouped
// convolutions load each group's channel sub-range. Dense layers read the
// input feature map as one HWC vector.
//
// # Pipeline and registers
//
// The MVM of a vector is issued before the WAIT for its ownership: the
// crossbar never waits on synchronisation, and its latency overlaps the wait
// and the partial-sum load (a timed executor may run the MVM asynchronously;
// the first instruction that reads Out is the MOV add or, for a first writer,
// the STORE or MOV bias). In is written only by the LOADs/MOV zero of the
// next vector, which come after every use of Out of the current one, and Acc
// only by the partial-sum LOAD, so in-order execution of the stream is always
// correct and no register is shared between two vectors in flight.
//
// # Ownership and sequence registers
//
// Each core has one sequence register. CALL t, k writes the absolute count k
// into core t's register; WAIT k blocks until the core's own register is at
// least k. Counts only grow, so a lost or late CALL is covered by a later
// one. With PV = 1 there are no WAITs and CALLs at all.
//
//   - Sequential (the baseline): core v of a group starts only when core v-1
//     has finished all N vectors. Ownership is passed once per block: core
//     v-1 ends with CALL v, N, and core v starts with WAIT N (before its first
//     LOAD: the baseline does not overlap at all). Time ~ PV*N steps.
//   - Linear: every core visits p = 0..N-1. Core 0 is the first writer and
//     core PV-1 the last; core v>0 WAITs p+1 before accumulating p, and core
//     v<PV-1 CALLs v+1, p+1 after storing it. A pipeline: ~ N+PV-1 steps.
//   - Cyclic: core v starts at s_v = floor(v*N/PV) and walks the vectors
//     cyclically. Ownership goes around the ring downwards, from core v+1 to
//     core v (mod PV): vector p in core j's segment [s_j, s_(j+1)) is written
//     by j first, then j-1, j-2, ..., and last by j+1, which applies bias and
//     activation. Each core is thus the last writer of one segment: the
//     digital work is spread evenly. At walk step i core v WAITs
//     i-len_v+1 (len_v the length of its own segment) and CALLs v-1, i+1.
//     When N < PV some segments are empty (their cores are never first
//     writers); Dense layers (N = 1) thus run like a ring that starts at
//     core PV-1.
//
// # Memory
//
// Plan.Layout places the IFM (HWC activations), the partial sums (HWC,
// psum-sized elements; only when PV > 1) and the OFM (HWC activations) in
// shared memory, and memory-maps the sequence registers above shared memory.
// Streams are generated on demand: a stream keeps the im2col segments of its
// tile and the instructions of one vector, so its memory is bounded by the
// crossbar size, not by the layer.
package compile

import (
	"fmt"
	"strings"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

// Scheme is a synchronisation scheme.
type Scheme string

// The schemes (see the package doc).
const (
	Sequential Scheme = "sequential"
	Linear     Scheme = "linear"
	Cyclic     Scheme = "cyclic"
)

// Schemes returns every scheme, baseline first.
func Schemes() []Scheme { return []Scheme{Sequential, Linear, Cyclic} }

// ParseScheme reads a scheme name (case-insensitive).
func ParseScheme(s string) (Scheme, error) {
	for _, sc := range Schemes() {
		if strings.EqualFold(strings.TrimSpace(s), string(sc)) {
			return sc, nil
		}
	}
	names := make([]string, 0, len(Schemes()))
	for _, sc := range Schemes() {
		names = append(names, string(sc))
	}
	return "", fmt.Errorf("scheme %q: want one of %s", s, strings.Join(names, ", "))
}

// Region is one area of the bus address space.
type Region struct {
	Name      string // "ifm", "psum", "ofm", "seqreg"
	Base      int64  // first byte address
	Size      int64  // bytes
	ElemBytes int    // bytes per element
}

// End is the first address after the region.
func (r Region) End() int64 { return r.Base + r.Size }

// Contains reports whether the byte range [addr, addr+n) lies in the region.
func (r Region) Contains(addr, n int64) bool {
	return r.Size > 0 && addr >= r.Base && n >= 0 && addr+n <= r.End()
}

// Layout is the shared-memory map of one layer.
type Layout struct {
	IFM  Region // input feature map, HWC, one activation per element
	Psum Region // partial sums, HWC over the output, PsumBytes per element (empty when PV = 1)
	OFM  Region // output feature map, HWC, one activation per element
	// SeqRegs holds one sequence register per core (SeqRegBytes each),
	// memory-mapped just above shared memory: they live in the cores, the
	// addresses only route CALL writes.
	SeqRegs Region
	// SharedBytes is the shared memory the layer uses (end of the OFM).
	SharedBytes int64
}

// SeqReg returns the address of core's sequence register.
func (l Layout) SeqReg(core int) int64 {
	return l.SeqRegs.Base + int64(core)*int64(l.SeqRegs.ElemBytes)
}

// align is the alignment of every region base.
const align = 64

func roundUp(v, a int64) int64 { return (v + a - 1) / a * a }

// Plan is the compiled program of one layer: one instruction stream per core.
type Plan struct {
	Map    *mapping.Layer // the mapped layer (tiles, groups)
	Arch   arch.Arch      // the chip
	Scheme Scheme         // the synchronisation scheme
	Layout Layout         // the shared-memory map
	Geom   Geometry       // the layer as a convolution
}

// Geometry is the layer as a convolution over an HWC input: a Dense layer
// is a convolution whose kernel covers the whole input.
type Geometry struct {
	InC, InH, InW    int // input channels, height, width
	OutC, OutH, OutW int // output channels, height, width
	KH, KW           int // kernel
	SH, SW           int // strides
	DH, DW           int // dilations
	PadTop, PadLeft  int // padding before the first row and column
	Groups           int // convolution groups
	CinPerGroup      int // input channels per group
	CoutPerGroup     int // output channels per group
}

// GeometryOf returns the convolution geometry of a Conv2D or Dense layer
// (after Infer).
func GeometryOf(l *nn.Layer) (Geometry, error) {
	if !l.OnCrossbar() || len(l.In) == 0 || l.Out.Elems() == 0 {
		return Geometry{}, fmt.Errorf("compile: layer %q (%s) is not an inferred conv2d or dense layer", l.Name, l.Kind)
	}
	in := l.In[0]
	g := Geometry{InC: in.C, InH: in.H, InW: in.W, OutC: l.Out.C, OutH: l.Out.H, OutW: l.Out.W,
		SH: 1, SW: 1, DH: 1, DW: 1, Groups: 1}
	if l.Kind == nn.Dense {
		g.KH, g.KW = in.H, in.W
	} else {
		g.KH, g.KW = l.KernelH, l.KernelW
		g.SH, g.SW = l.Stride()
		g.DH, g.DW = l.Dilation()
		g.PadTop, g.PadLeft = l.PadTop, l.PadLeft
		g.Groups = l.GroupCount()
	}
	g.CinPerGroup, g.CoutPerGroup = g.InC/g.Groups, g.OutC/g.Groups
	return g, nil
}

// Compile builds the plan of mapped layer m on chip a with scheme s. A
// layer that does not fit the chip gives a *FitError.
func Compile(m *mapping.Layer, a arch.Arch, s Scheme) (*Plan, error) {
	if m == nil || m.Layer == nil {
		return nil, fmt.Errorf("compile: no mapped layer")
	}
	name := m.Layer.Name
	if _, err := ParseScheme(string(s)); err != nil {
		return nil, fmt.Errorf("compile: layer %q: %v", name, err)
	}
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("compile: layer %q: %v", name, err)
	}
	if !m.Fits {
		return nil, &FitError{Layer: name, Reason: fmt.Sprintf("crossbar %dx%d needs %d cores, arch has %d",
			m.Xbar[0], m.Xbar[1], m.Cores, m.Budget)}
	}
	if m.Xbar != [2]int{a.XbarRows, a.XbarCols} {
		return nil, fmt.Errorf("compile: layer %q was mapped on %dx%d crossbars, arch has %dx%d",
			name, m.Xbar[0], m.Xbar[1], a.XbarRows, a.XbarCols)
	}
	g, err := GeometryOf(m.Layer)
	if err != nil {
		return nil, err
	}
	p := &Plan{Map: m, Arch: a, Scheme: s, Geom: g}
	if err := p.layout(); err != nil {
		return nil, err
	}
	return p, nil
}

// layout fills p.Layout and checks it against the shared memory size.
func (p *Plan) layout() error {
	a, g := p.Arch, p.Geom
	ifm := int64(g.InH) * int64(g.InW) * int64(g.InC)
	ofm := int64(g.OutH) * int64(g.OutW) * int64(g.OutC)
	l := &p.Layout
	l.IFM = Region{Name: "ifm", Base: 0, Size: ifm * int64(a.ActBytes), ElemBytes: a.ActBytes}
	next := roundUp(l.IFM.End(), align)
	l.Psum = Region{Name: "psum", Base: next, ElemBytes: a.PsumBytes}
	if p.Map.PV > 1 {
		l.Psum.Size = ofm * int64(a.PsumBytes)
		next = roundUp(l.Psum.End(), align)
	}
	l.OFM = Region{Name: "ofm", Base: next, Size: ofm * int64(a.ActBytes), ElemBytes: a.ActBytes}
	l.SharedBytes = l.OFM.End()
	l.SeqRegs = Region{Name: "seqreg", Base: roundUp(a.SharedMemBytes, align),
		Size: int64(p.Map.Cores) * int64(a.SeqRegBytes), ElemBytes: a.SeqRegBytes}
	if l.SharedBytes > a.SharedMemBytes {
		return &FitError{Layer: p.Map.Layer.Name, Reason: fmt.Sprintf("IFM %d B + partial sums %d B + OFM %d B = %d B do not fit the shared memory of %d B",
			l.IFM.Size, l.Psum.Size, l.OFM.Size, l.SharedBytes, a.SharedMemBytes)}
	}
	return nil
}

// FitError is the error of Compile for a layer that does not fit the chip:
// it needs more cores than the budget, or its IFM, partial sums and OFM
// need more than the shared memory. Simulators report such a layer as not
// fitting (with Reason) instead of failing.
type FitError struct {
	Layer  string // the layer's name
	Reason string // what does not fit, e.g. "crossbar 32x32 needs 2304 cores, arch has 1024"
}

// Error names the layer and what does not fit.
func (e *FitError) Error() string { return fmt.Sprintf("compile: layer %q: %s", e.Layer, e.Reason) }

// Cores is the number of cores (streams) of the plan.
func (p *Plan) Cores() int { return p.Map.Cores }

// Vectors is the number of output vectors N (output pixels; 1 for Dense).
func (p *Plan) Vectors() int { return p.Geom.OutH * p.Geom.OutW }

// GroupOf returns core's column block h, its index v in the group and the
// group size. core must be in 0..Cores()-1.
func (p *Plan) GroupOf(core int) (h, v, size int) {
	t := p.Map.Tiles[core]
	return t.H, t.V, len(p.Map.Block(t.H))
}

// Writer returns the core that writes output vector o[vec, h] k-th
// (k = 0 is the first writer, k = size-1 the last, who stores the final
// activations). It returns -1 for arguments out of range.
func (p *Plan) Writer(h, vec, k int) int {
	if h < 0 || h >= len(p.Map.Blocks) || vec < 0 || vec >= p.Vectors() {
		return -1
	}
	blk := p.Map.Block(h)
	pv := len(blk)
	if k < 0 || k >= pv {
		return -1
	}
	v := k
	if p.Scheme == Cyclic {
		j := segmentOf(vec, p.Vectors(), pv)
		v = ((j-k)%pv + pv) % pv
	}
	return blk[v].Core
}

// segStart is s_v = floor(v*n/pv), the cyclic start of core v.
func segStart(v, n, pv int) int { return int(int64(v) * int64(n) / int64(pv)) }

// segmentOf returns the j with s_j <= vec < s_j+1.
func segmentOf(vec, n, pv int) int {
	j := int((int64(vec+1)*int64(pv)+int64(n)-1)/int64(n)) - 1
	return min(j, pv-1)
}
