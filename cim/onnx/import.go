package onnx

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/cimkit/cimkit/cim/nn"
)

// Options steer Import.
type Options struct {
	// Name of the network; default: the graph name, or the file name.
	Name string
	// InputH and InputW replace symbolic (unknown) spatial dims of the
	// graph input: the last symbolic dim takes InputW, the one before it
	// InputH. Fixed dims are kept. Zero leaves symbolic dims an error.
	InputH, InputW int
	// Constants gives values for graph inputs, which are then treated as
	// weights (the ONNX operator tests feed Conv weights as inputs).
	Constants map[string]*Tensor
	// Limits against hostile files; zero fields take DefaultLimits.
	Limits Limits
	// SkipWeights leaves the weights undecoded: crossbar layers get nil
	// Weights (their bias values, a few per filter, are kept) and digital
	// operators' constant operands nil Const (tensor attributes nil
	// Floats). Shapes, MACs, parameters and everything mapping and
	// simulation use are the same; ImportFile then reads little more than
	// the model's structure, so a model of hundreds of MB imports in a few
	// MB. Running a network on data (inference, functional checks) needs
	// the weights.
	SkipWeights bool
	// Warn, when set, is told what the import ignores without failing: an
	// InputH or InputW that no symbolic dim takes (the file fixes the
	// input size).
	Warn func(msg string)
}

// ErrUnsupported is wrapped by the error of a graph that cimkit cannot
// build; the message lists the operator types and node names that stop it.
var ErrUnsupported = errors.New("onnx: graph cannot be built")

// ImportFile reads and imports an ONNX model file. It reads the file's
// structure and leaves the weights of large initializers in the file until
// the conversion decodes them: with Options.SkipWeights it reads little
// more than the graph, with weights it never holds the file's bytes and
// the decoded values at once.
func ImportFile(path string, opt Options) (*nn.Network, error) {
	if opt.Name == "" {
		opt.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	f, size, err := openChecked(path, opt.Limits)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	net, err := importFrom(f, size, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return net, nil
}

// importFrom imports the model in the first size bytes of r, reading
// large initializers' data only when the conversion decodes it.
func importFrom(r io.ReaderAt, size int64, opt Options) (*nn.Network, error) {
	fr := &fileReader{r: r, size: size}
	m, err := (&decoder{lim: opt.Limits.withDefaults()}).decodeFile(fr, size)
	if err != nil {
		return nil, err
	}
	net, err := m.Network(opt)
	if err == nil && fr.err != nil {
		return nil, fr.err // a weight that could not be read when it was decoded
	}
	return net, err
}

// Import decodes an ONNX model and converts it into an inferred network.
func Import(data []byte, opt Options) (*nn.Network, error) {
	m, err := Decode(data, opt.Limits)
	if err != nil {
		return nil, err
	}
	return m.Network(opt)
}

// Network converts the model's graph into an inferred cimkit network.
func (m *Model) Network(opt Options) (*nn.Network, error) {
	c := newConverter(m.Graph, opt)
	c.opset = max(m.Opsets[""], m.Opsets["ai.onnx"])
	if err := c.run(); err != nil {
		return nil, err
	}
	if err := c.net.Infer(); err != nil {
		return nil, fmt.Errorf("onnx: imported network does not check: %w", err)
	}
	return c.net, nil
}

// converter holds the state of one graph conversion.
type converter struct {
	g        *Graph
	opt      Options
	lim      Limits
	net      *nn.Network
	vals     map[string]*value
	uses     map[string]int
	names    map[string]bool
	info     map[string][]int64
	total    int64
	problems []string
	readers  map[string][]*Node // nodes reading each value
	skip     map[*Node]bool     // nodes folded into a pattern
	opset    int64              // operator set version of the default domain
}

func newConverter(g *Graph, opt Options) *converter {
	c := &converter{
		g: g, opt: opt, lim: opt.Limits.withDefaults(),
		net:  &nn.Network{Name: opt.Name},
		vals: map[string]*value{}, uses: map[string]int{},
		names: map[string]bool{nn.InputName: true}, info: map[string][]int64{},
		readers: map[string][]*Node{}, skip: map[*Node]bool{},
	}
	if c.net.Name == "" {
		c.net.Name = g.Name
	}
	for _, vi := range g.ValueInfo {
		if vi.HasShape {
			c.info[vi.Name] = vi.Dims
		}
	}
	return c
}

func (c *converter) run() error {
	if err := c.inputs(); err != nil {
		return err
	}
	order, err := c.sort()
	if err != nil {
		return err
	}
	for _, n := range order {
		if err := c.node(n); err != nil {
			return err
		}
	}
	if len(c.problems) > 0 {
		return fmt.Errorf("%w: %s", ErrUnsupported, strings.Join(c.problems, "; "))
	}
	if len(c.net.Layers) == 0 {
		return fmt.Errorf("%w: no operator of the graph works on its input", ErrUnsupported)
	}
	if len(c.g.Outputs) > 0 {
		if v := c.vals[c.g.Outputs[0].Name]; v != nil && v.k == nil {
			c.net.Output, c.net.OutputDims = v.name, v.dims
		}
	}
	return nil
}

// problem records why a node cannot be built; conversion goes on so that
// the error can list every such node.
func (c *converter) problem(n *Node, format string, a ...any) {
	if len(c.problems) < 10 {
		c.problems = append(c.problems, fmt.Sprintf("%s: %s", label(n), fmt.Sprintf(format, a...)))
	} else if len(c.problems) == 10 {
		c.problems = append(c.problems, "...")
	}
}

// label names a node in messages: its op type and name (or first output).
func label(n *Node) string {
	return fmt.Sprintf("%s node %q", n.OpType, nodeName(n))
}

// nodeName is the node's name, else its first output ("" when it has
// neither).
func nodeName(n *Node) string {
	if n.Name == "" && len(n.Outputs) > 0 {
		return n.Outputs[0]
	}
	return n.Name
}

// inputs registers initializers, given constants and the one dynamic input.
func (c *converter) inputs() error {
	for _, t := range c.g.Initializers {
		if err := c.setTensor(t.Name, t); err != nil {
			return err
		}
	}
	var dyn []ValueInfo
	for _, in := range c.g.Inputs {
		if _, ok := c.vals[in.Name]; ok {
			continue // an initializer listed as input (IR < 4)
		}
		if t, ok := c.opt.Constants[in.Name]; ok {
			if err := c.setTensor(in.Name, t); err != nil {
				return err
			}
			continue
		}
		dyn = append(dyn, in)
	}
	if len(dyn) != 1 {
		names := make([]string, len(dyn))
		for i, v := range dyn {
			names[i] = v.Name
		}
		return fmt.Errorf("%w: the graph must have exactly one input that is not a weight, it has %d %q (give the others in Options.Constants)", ErrUnsupported, len(dyn), names)
	}
	return c.input(dyn[0])
}

func (c *converter) setTensor(name string, t *Tensor) error {
	if t == nil {
		return fmt.Errorf("onnx: constant %q is nil", name)
	}
	if err := t.check("tensor "+name, c.lim); err != nil {
		return err
	}
	if err := c.account(t.Elems(), name); err != nil {
		return err
	}
	if err := t.validate(); err != nil {
		return err
	}
	c.vals[name] = &value{k: tensorKonst(t)}
	return nil
}

// account adds n decoded constant elements to the running total.
func (c *converter) account(n int64, name string) error {
	if n > c.lim.MaxTensorElems {
		return fmt.Errorf("%w: constant %q has %d elements, at most %d are accepted", ErrFormat, name, n, c.lim.MaxTensorElems)
	}
	c.total += n
	if c.total > c.lim.MaxTotalElems {
		return fmt.Errorf("%w: constants exceed %d elements in total (at %q)", ErrFormat, c.lim.MaxTotalElems, name)
	}
	return nil
}

// input fixes the graph input's dims (batch 1, symbolic spatial dims from
// Options) and makes it the network input.
func (c *converter) input(vi ValueInfo) error {
	if !vi.HasShape || len(vi.Dims) == 0 {
		return fmt.Errorf("%w: input %q has no shape", ErrUnsupported, vi.Name)
	}
	dims := append([]int64(nil), vi.Dims...)
	if dims[0] <= 0 || (len(dims) >= 2 && dims[0] == 1) {
		dims[0] = 1
	} else if len(dims) >= 2 {
		return fmt.Errorf("%w: input %q has batch %d; cimkit networks are batch 1", ErrUnsupported, vi.Name, dims[0])
	}
	fill := []int{c.opt.InputW, c.opt.InputH}
	k := 0 // symbolic dims filled
	for i := len(dims) - 1; i >= 1; i-- {
		if dims[i] > 0 {
			continue
		}
		if k >= len(fill) || fill[k] <= 0 || (len(dims) >= 4 && i < 2) {
			return fmt.Errorf("%w: input %q has dims %v with unknown sizes: give the input size (Options.InputH/InputW, cimkit --input)", ErrUnsupported, vi.Name, vi.Dims)
		}
		dims[i] = int64(fill[k])
		k++
	}
	if k == 0 && (c.opt.InputH > 0 || c.opt.InputW > 0) && c.opt.Warn != nil {
		c.opt.Warn(fmt.Sprintf("input %q has the fixed dims %v: the input size given (%dx%d, cimkit --input) is not used", vi.Name, dims, c.opt.InputH, c.opt.InputW))
	}
	s, err := canon(dims)
	if err != nil {
		return fmt.Errorf("%w: input %q: %v", ErrUnsupported, vi.Name, err)
	}
	c.net.Input, c.net.InputDims = s, dims
	c.vals[vi.Name] = &value{name: nn.InputName, dims: dims, shape: s}
	return nil
}

// sort orders the nodes so that every value is produced before it is read,
// counts the uses of every value, and reports values nothing produces and
// cycles.
func (c *converter) sort() ([]*Node, error) {
	nodes := c.g.Nodes
	producer := map[string]int{}
	for i, n := range nodes {
		for _, o := range n.Outputs {
			if o == "" {
				continue
			}
			if _, dup := producer[o]; dup || c.vals[o] != nil {
				return nil, fmt.Errorf("%w: %s: value %q is produced twice", ErrFormat, label(n), o)
			}
			producer[o] = i
		}
	}
	indeg := make([]int, len(nodes))
	next := make([][]int, len(nodes))
	for i, n := range nodes {
		for _, in := range n.Inputs {
			if in == "" {
				continue
			}
			c.uses[in]++
			c.readers[in] = append(c.readers[in], n)
			if p, ok := producer[in]; ok {
				indeg[i]++
				next[p] = append(next[p], i)
			} else if c.vals[in] == nil {
				return nil, fmt.Errorf("%w: %s reads %q, which no node, initializer or input provides", ErrFormat, label(n), in)
			}
		}
	}
	for _, o := range c.g.Outputs {
		c.uses[o.Name]++
	}
	return kahn(nodes, indeg, next)
}

func kahn(nodes []*Node, indeg []int, next [][]int) ([]*Node, error) {
	var queue, order []int
	for i, d := range indeg {
		if d == 0 {
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		order = append(order, i)
		for _, j := range next[i] {
			if indeg[j]--; indeg[j] == 0 {
				queue = append(queue, j)
			}
		}
	}
	if len(order) < len(nodes) {
		var stuck []string
		for i, d := range indeg {
			if d > 0 && len(stuck) < 5 {
				stuck = append(stuck, label(nodes[i]))
			}
		}
		return nil, fmt.Errorf("%w: the graph has a cycle through %s", ErrFormat, strings.Join(stuck, ", "))
	}
	out := make([]*Node, len(order))
	for k, i := range order {
		out[k] = nodes[i]
	}
	return out, nil
}
