// Package playground is the request/response layer behind cimkit's browser
// playground. The WebAssembly bridge (wasm/main.go) hands it one JSON request
// per call and returns the JSON response; keeping the logic here, free of
// syscall/js, lets it be tested natively.
//
// A Request names an operation (Op) and the configuration the page's form
// holds: model, input size, crossbar, bus width, core budget and scheme,
// plus every other chip parameter and simulator option the user changed
// (Params; see Params for the list, generated from cim/arch's fields), the
// technology that prices energy and area (Tech: cimkit's default, ISAAC's
// table, or a technology file the user chose, sent along as TechJSON), and
// a layer and a core where the operation needs them. The operations:
//
//   - "info": the model names, the schemes, the Params, the technologies
//     that ship with cimkit and whether ONNX upload exists.
//   - "layers": the checked configuration (RunConfig: canonical values, a
//     label, a file name base) and the model's conv and dense layers with
//     shapes, MACs, params, their cores and the work their runs take.
//   - "map": every conv and dense layer mapped onto the chip, without
//     simulation: PV, PH, cores, whether it fits, crossbar utilisation.
//   - "model": every conv and dense layer mapped and simulated on its own
//     (as cimkit sim does), one sim.Result per layer, the totals
//     (sim.Total; Totals says which layers were left out), the speedup,
//     sync-traffic and memory figures as SVG, and the energy and area
//     (EnergyCard, from the Results' energy fields: energy per inference,
//     chip area, TOPS/W, synchronisation against a PUMA attribute buffer),
//     with the energy-per-layer and sync-cost figures and the technology's
//     components (TechInfo). Each layer's Result is also passed to the
//     Progress callback as soon as it is ready.
//   - "run": one layer's sim.Result only; a long run reports its progress
//     in MVMs. A page with several workers spreads a model's layers over
//     them with "run" and then asks one of them for "summary", which checks
//     the Results (Rows) against the configuration and adds the totals and
//     the figures, as "model" does.
//   - "sweep": every conv and dense layer at each bus width of Buses, with
//     cim/sweep (crossbar, budget, scheme and Params from the request);
//     progress counts the sweep's units.
//   - "figure": the figure named by Figure (speedup, overhead, memory,
//     efficiency, energy or sync_cost, from cim's plots package) drawn from
//     Rows, as SVG.
//   - "layer": one layer run under the scheme, its cores' time summed and
//     a per-core timeline of the window From..To cycles as SVG.
//   - "listing": the assembly listing of one core of one layer (cut after
//     MaxLines lines).
//   - "tech": the request's technology (TechInfo: its name, description
//     and every component per instance); the page checks an uploaded
//     technology file with it before using it.
//   - "network": the whole model on the chip at once (cim/netsim), as
//     cimkit net runs it with Mode, Duplicate, Images and Segments: one
//     netsim.Result per run, the layers of every run and the network
//     timeline (NetworkResult, network.go).
//
// Figures are drawn to fit Width CSS pixels, and every SVG carries a
// <title> naming the configuration it was drawn from.
//
// Efficiencies (speedup / PV) can exceed 100% by a few per cent: in the
// sequential baseline the PH column groups of a layer run side by side and
// their cores reach the bus in lockstep, so the baseline waits for the bus
// more than PV times the scheme's ideal.
//
// Besides the zoo's models, a request may name an ONNX file that the page
// loaded with Upload (model "onnx:NAME"); the file stays in the browser.
//
// Every failure is a Response with Error set and, when one input is to
// blame, Field naming it with the id of the page's form field ("model",
// "input", "xbar", "bus", "cores", "scheme", "params" or "param-NAME",
// "layer", "core", "window", "buses", "figure", "onnx", "tech", "net-mode",
// "net-images", "net-segments"). Handle never
// panics: a panic in the code below is turned into an error Response.
package playground

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/zoo"
)

// Limits on what a request may ask for, so that a typo in the page cannot
// freeze or exhaust the browser tab.
const (
	MinInput        = 16   // smallest input size accepted
	MaxInput        = 1024 // largest input size accepted (pixels per side)
	MaxCores        = 1 << 16
	MaxListingLines = 5000 // most lines a listing returns
	DefaultLines    = 400  // lines of a listing when MaxLines is 0
	MaxTimelineRows = 64   // cores drawn in a timeline (the first ones)
)

// Request is one call from the page. Zero values take the defaults of
// arch.Default and input 224; scheme defaults to cyclic.
type Request struct {
	Op       string `json:"op"`        // the operation (see the package doc)
	Model    string `json:"model"`     // a zoo model, or ONNXPrefix + an uploaded file's name
	Input    int    `json:"input"`     // input size in pixels (square)
	Xbar     string `json:"xbar"`      // crossbar size, "ROWSxCOLS"
	Bus      int    `json:"bus"`       // bus width, bytes per beat
	Cores    int    `json:"cores"`     // core budget
	Scheme   string `json:"scheme"`    // sequential, linear or cyclic
	Layer    string `json:"layer"`     // a conv or dense layer, for run, layer and listing
	Core     int    `json:"core"`      // a core of the layer, for listing
	MaxLines int    `json:"max_lines"` // listing length; 0 means DefaultLines

	// Params are the chip's other fields and the simulator's options (see
	// Params), as text by name; those not given keep their defaults.
	Params map[string]string `json:"params,omitempty"`
	// Tech is the technology that prices energy and area: TechDefault
	// (also when empty), TechISAAC, or TechFilePrefix + the name of a file
	// the user chose, whose text is TechJSON (the file stays in the
	// browser: every request that needs it carries it).
	Tech     string `json:"tech,omitempty"`
	TechJSON string `json:"tech_json,omitempty"`

	// Rows are the per-layer Results handed back for "summary" and "figure".
	Rows []sim.Result `json:"rows,omitempty"`
	// Buses are the bus widths of a "sweep".
	Buses []int `json:"buses,omitempty"`
	// Figure names the figure to draw: speedup, overhead, memory,
	// efficiency, energy or sync_cost.
	Figure string `json:"figure,omitempty"`
	// Width is the room the page has for a figure, in CSS pixels: figures
	// are drawn to fit it, so that their text keeps its size on a phone.
	// 0 draws them at the width of two paper columns.
	Width int `json:"width,omitempty"`
	// From and To are the window of a "layer" timeline, in cycles; To 0
	// means the end of the layer.
	From int64 `json:"from,omitempty"`
	To   int64 `json:"to,omitempty"`
	// Mode (layer, pipelined or both), Duplicate, Images and Segments
	// choose a "network" run, as cimkit net's flags (network.go).
	Mode      string `json:"mode,omitempty"`
	Duplicate bool   `json:"duplicate,omitempty"`
	Images    int    `json:"images,omitempty"`
	Segments  bool   `json:"segments,omitempty"`
}

// Response is the answer to one Request: Data on success, otherwise Error
// and, when one input is to blame, Field.
type Response struct {
	Data  any    `json:"data,omitempty"`
	Error string `json:"error,omitempty"`
	Field string `json:"field,omitempty"`
}

// Progress receives the progress of a long operation: done of total steps,
// and the item just finished (a sim.Result for "model"), or nil.
type Progress func(done, total int, item any)

// FieldError is an error caused by one input of the request.
type FieldError struct {
	Field string // the page's form field (the ids listed in the package doc)
	Msg   string
}

// Error returns the message, without the field.
func (e *FieldError) Error() string { return e.Msg }

// fieldErr builds a FieldError naming field.
func fieldErr(field, format string, a ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, a...)}
}

// Handle answers one request. progress may be nil.
func Handle(req Request, progress Progress) (resp Response) {
	defer func() {
		if p := recover(); p != nil {
			resp = Response{Error: fmt.Sprintf("internal error in %q: %v\n%s", req.Op, p, debug.Stack())}
		}
	}()
	if progress == nil {
		progress = func(int, int, any) {}
	}
	var data any
	var err error
	switch req.Op {
	case "info":
		data = info()
	case "layers":
		data, err = layers(req)
	case "map":
		data, err = mapLayers(req)
	case "model":
		data, err = simModel(req, progress)
	case "run":
		data, err = runLayer(req, progress)
	case "summary":
		data, err = summary(req)
	case "sweep":
		data, err = runSweep(req, progress)
	case "figure":
		data, err = figure(req)
	case "layer":
		data, err = simLayer(req, progress)
	case "listing":
		data, err = listing(req)
	case "tech":
		data, err = techInfo(req)
	case "network":
		data, err = simNetwork(req, progress)
	default:
		err = fmt.Errorf("unknown operation %q (want info, layers, map, model, run, summary, sweep, figure, layer, listing, tech or network)", req.Op)
	}
	if err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return Response{Error: fe.Msg, Field: fe.Field}
		}
		return Response{Error: err.Error()}
	}
	return Response{Data: data}
}

// HandleJSON decodes a Request, answers it and encodes the Response. Progress
// items are passed on JSON-encoded.
func HandleJSON(in []byte, progress func(done, total int, itemJSON []byte)) []byte {
	var req Request
	var resp Response
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		resp = Response{Error: "malformed request: " + err.Error()}
	} else {
		resp = Handle(req, func(done, total int, item any) {
			if progress == nil {
				return
			}
			var b []byte
			if item != nil {
				b, _ = json.Marshal(item)
			}
			progress(done, total, b)
		})
	}
	out, err := json.Marshal(resp)
	if err != nil {
		out, _ = json.Marshal(Response{Error: "encoding the response: " + err.Error()})
	}
	return out
}

// Info is the answer to "info".
type Info struct {
	Models  []string     `json:"models"`
	Schemes []string     `json:"schemes"`
	ONNX    bool         `json:"onnx"`   // an .onnx file can be loaded with Upload
	Params  []Param      `json:"params"` // the chip's other fields and the simulator's options
	Techs   []TechChoice `json:"techs"`  // the technologies that ship with cimkit
}

func info() Info {
	var schemes []string
	for _, s := range compile.Schemes() {
		schemes = append(schemes, string(s))
	}
	return Info{Models: zoo.Names(), Schemes: schemes, ONNX: true, Params: Params(), Techs: techChoices()}
}

// config is a checked request: the network, the chip and the simulator's
// options.
type config struct {
	net    *nn.Network
	arch   arch.Arch
	scheme compile.Scheme
	opt    sim.Options
	model  string // as requested: a zoo name or ONNXPrefix + file name
	input  int
	tech   string // TechDefault, TechISAAC or TechFilePrefix + file name
	// techJSON is the text of an uploaded technology file (tech names it).
	techJSON string
}

// parse checks every field of the configuration, in form order, and builds
// the network and the chip.
func parse(req Request) (*config, error) {
	c := &config{arch: arch.Default()}
	if req.Model == "" {
		req.Model = "resnet18"
	}
	c.model = req.Model
	fromFile := strings.HasPrefix(req.Model, ONNXPrefix)
	if !fromFile && !slices.Contains(zoo.Names(), req.Model) {
		return nil, fieldErr("model", "model %q is not in the zoo (known: %s)", req.Model, strings.Join(zoo.Names(), ", "))
	}
	if req.Input == 0 {
		req.Input = 224
	}
	if req.Input < MinInput || req.Input > MaxInput {
		return nil, fieldErr("input", "input size must be a whole number of pixels in %d..%d", MinInput, MaxInput)
	}
	c.input = req.Input
	if req.Xbar != "" {
		r, col, err := arch.ParseXbar(req.Xbar)
		if err != nil {
			return nil, fieldErr("xbar", "%v", err)
		}
		c.arch.XbarRows, c.arch.XbarCols = r, col
	}
	if req.Bus != 0 {
		if req.Bus < 1 || req.Bus > arch.MaxBus {
			return nil, fieldErr("bus", "bus width must be a whole number of bytes per beat in 1..%d", arch.MaxBus)
		}
		c.arch.BusBytes = req.Bus
	}
	if req.Cores != 0 {
		if req.Cores < 1 || req.Cores > MaxCores {
			return nil, fieldErr("cores", "core budget must be a whole number in 1..%d", MaxCores)
		}
		c.arch.Cores = req.Cores
	}
	if err := applyParams(c, req.Params); err != nil {
		return nil, err
	}
	if err := c.arch.Validate(); err != nil {
		return nil, err
	}
	c.scheme = compile.Cyclic
	if req.Scheme != "" {
		s, err := compile.ParseScheme(req.Scheme)
		if err != nil {
			return nil, fieldErr("scheme", "%v", err)
		}
		c.scheme = s
	}
	if err := c.setTech(req.Tech, req.TechJSON); err != nil {
		return nil, err
	}
	if fromFile {
		net, err := uploaded(req.Model, req.Input)
		if err != nil {
			return nil, err
		}
		c.net = net
		return c, nil
	}
	net, err := zoo.Get(req.Model, req.Input)
	if err != nil {
		return nil, fieldErr("input", "%v", err)
	}
	c.net = net
	return c, nil
}

// layer finds a conv or dense layer of the configured network.
func (c *config) layer(name string) (*nn.Layer, error) {
	l := c.net.Layer(name)
	if l == nil || !l.OnCrossbar() {
		var names []string
		for _, x := range c.net.CrossbarLayers() {
			names = append(names, x.Name)
		}
		if len(names) > 6 {
			names = append(names[:6], "...")
		}
		return nil, fieldErr("layer", "model %q has no conv or dense layer %q (layers: %s)", c.net.Name, name, strings.Join(names, ", "))
	}
	return l, nil
}

// Layers is the answer to "layers": the checked configuration and the
// model's conv and dense layers.
type Layers struct {
	Config RunConfig   `json:"config"`
	Layers []LayerInfo `json:"layers"`
}

// LayerInfo describes one conv or dense layer for "layers".
type LayerInfo struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	In     string `json:"in"`
	Out    string `json:"out"`
	Kernel string `json:"kernel"`
	Stride int    `json:"stride"`
	Groups int    `json:"groups"`
	MACs   int64  `json:"macs"`
	Params int64  `json:"params"`
	// Same is the index of the first layer with the same shape (itself
	// when none before has it): such layers run the same programs and get
	// the same Result but for the name, so a page simulates each shape once.
	Same int `json:"same"`
	// Cores, Fits: the layer's mapping on the chip. Work is the number of
	// MVMs its "run" simulates (0 when it does not fit): the unit of the
	// run's progress, and a page's measure of how long it will take.
	Cores int   `json:"cores"`
	Fits  bool  `json:"fits"`
	Work  int64 `json:"work"`
}

// shapeKey is what decides a layer's programs and results: kind, shapes,
// kernel, stride, padding, dilation, groups, filters, bias and activation.
func shapeKey(l *nn.Layer) string {
	return fmt.Sprintf("%s|%v|%v|%d,%d|%d,%d|%d,%d,%d,%d|%d,%d|%d|%d|%v|%s", l.Kind, l.In, l.Out,
		l.KernelH, l.KernelW, l.StrideH, l.StrideW, l.PadTop, l.PadBottom, l.PadLeft, l.PadRight,
		l.DilationH, l.DilationW, l.Groups, l.Filters, l.Bias, l.Act)
}

func layers(req Request) (*Layers, error) {
	c, err := parse(req)
	if err != nil {
		return nil, err
	}
	out := &Layers{Config: c.runConfig()}
	first := map[string]int{}
	for i, l := range c.net.CrossbarLayers() {
		m, err := mapping.Map(l, c.arch)
		if err != nil {
			return nil, err
		}
		sh, _ := l.Stride()
		li := LayerInfo{Name: l.Name, Kind: l.KindName(), In: l.In[0].String(), Out: l.Out.String(),
			Stride: sh, Groups: l.GroupCount(), MACs: l.MACs(), Params: l.Params(),
			Cores: m.Cores, Fits: m.Fits, Work: work(m, c.scheme)}
		if l.Kind == nn.Conv2D {
			li.Kernel = fmt.Sprintf("%dx%d", l.KernelH, l.KernelW)
		}
		k := shapeKey(l)
		if _, ok := first[k]; !ok {
			first[k] = i
		}
		li.Same = first[k]
		out.Layers = append(out.Layers, li)
	}
	return out, nil
}

// Mapping is one layer's entry in the answer to "map".
type Mapping struct {
	Layer         string  `json:"layer"`
	Rows          int     `json:"rows"`            // weight matrix rows (im2col)
	Cols          int     `json:"cols"`            // weight matrix columns
	PV            int     `json:"pv"`              // row blocks: the speedup limit
	PH            int     `json:"ph"`              // column blocks
	Cores         int     `json:"cores"`           // cores needed
	Fits          bool    `json:"fits"`            // within the core budget
	GroupsPerTile int     `json:"groups_per_tile"` // conv groups packed on one crossbar
	Vectors       int     `json:"vectors"`         // output vectors
	Utilization   float64 `json:"utilization"`     // crossbar cells used / held
}

func mapLayers(req Request) ([]Mapping, error) {
	c, err := parse(req)
	if err != nil {
		return nil, err
	}
	var out []Mapping
	for _, l := range c.net.CrossbarLayers() {
		m, err := mapping.Map(l, c.arch)
		if err != nil {
			return nil, err
		}
		out = append(out, Mapping{Layer: l.Name, Rows: m.Rows, Cols: m.Cols, PV: m.PV, PH: m.PH, Cores: m.Cores,
			Fits: m.Fits, GroupsPerTile: m.GroupsPerTile, Vectors: m.Vectors, Utilization: m.Utilization()})
	}
	return out, nil
}
