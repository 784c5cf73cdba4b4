package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/png" // --image reads PNG files
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/infer"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/internal/limitio"
)

func init() {
	register(command{
		name:    "infer",
		summary: "run a whole network through its compiled programs (float64 or int8): top-5, and the comparison with a reference output (ONNX Runtime)",
		run:     runInfer,
	})
}

// inferFlags are the flags of infer besides the model and chip.
type inferFlags struct {
	image, norm, scheme, out, expect, saveInput, mode string
	seeds                                             int
	seed                                              uint64
	int8, network, segments                           bool
	tolerance                                         float64
}

func (f *inferFlags) register(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	Uint64Var(*uint64, string, uint64, string)
	BoolVar(*bool, string, bool, string)
	Float64Var(*float64, string, float64, string)
}) {
	names := make([]string, 0, 3)
	for _, n := range infer.Norms() {
		names = append(names, n.Name)
	}
	fs.StringVar(&f.image, "image", "", "input `file`: a PNG of the input's size (gray for 1 channel, colour for 3) or a .npy tensor (default: a synthetic picture)")
	fs.StringVar(&f.norm, "norm", "imagenet", "pixel normalisation of the picture: "+strings.Join(names, "|")+" (half is PaddleOCR's)")
	fs.StringVar(&f.scheme, "scheme", string(compile.Cyclic), "synchronisation scheme: "+schemeNames())
	fs.IntVar(&f.seeds, "seeds", 1, "random schedules per crossbar layer (1..100)")
	fs.Uint64Var(&f.seed, "seed", 1, "scheduler seed of the first crossbar layer")
	fs.BoolVar(&f.int8, "int8", false, "integer pass after the float pass: int8 activations and weights, scales calibrated on this input")
	fs.StringVar(&f.out, "out", "", "write the output tensor to `file` (.npy or .json)")
	fs.StringVar(&f.expect, "expect", "", "compare the output with a reference tensor `file` (.npy, e.g. ONNX Runtime's from test/ort/run.mjs)")
	fs.StringVar(&f.saveInput, "save-input", "", "write the input tensor to `file` (.npy), to run a reference on it")
	fs.Float64Var(&f.tolerance, "tolerance", infer.Tolerance, "largest error against --expect, relative to its largest magnitude, in float mode (exit 1 beyond)")
	fs.BoolVar(&f.network, "network", false, "run the whole network as one program per core on the chip's core budget (--cores), inter-layer WAITs and digital layers included, and check it against the layer-by-layer run (exit 1 if they differ)")
	fs.StringVar(&f.mode, "mode", string(netprog.Pipelined), "with --network: layer (layer by layer) or pipelined (across layers)")
	fs.BoolVar(&f.segments, "segments", false, "with --network: when the network does not fit the cores, run it in segments (reprogramming the chip in between; layers larger than the chip folded)")
}

func runInfer(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("infer", stderr)
	var mf modelFlags
	var af archFlags
	var f inferFlags
	mf.register(fs)
	af.register(fs)
	f.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	opt, norm, expect, err := f.check()
	if err != nil {
		return err
	}
	if !flagGiven(fs, "cores") && !f.network {
		af.cores = arch.MaxCores // layers run one at a time, each on the whole chip
	}
	for _, name := range []string{"mode", "segments"} {
		if flagGiven(fs, name) && !f.network {
			return usagef("--%s needs --network", name)
		}
	}
	if opt.Arch, err = af.arch(); err != nil {
		return err
	}
	mf.weights, mf.stderr = true, stderr
	net, err := mf.load()
	if err != nil {
		return err
	}
	input, what, err := f.input(net, norm)
	if err != nil {
		return err
	}
	if f.saveInput != "" {
		if err := writeTensor(f.saveInput, inputDims(net), input); err != nil {
			return err
		}
	}
	start := time.Now()
	res, err := infer.Run(net, input, opt)
	elapsed := time.Since(start)
	if err != nil {
		return inferError(&mf, err)
	}
	printInference(stdout, net, res, &f, what, opt, elapsed)
	if f.out != "" {
		if err := writeTensor(f.out, res.Dims, res.Output); err != nil {
			return err
		}
	}
	if err := f.compare(stdout, res, expect); err != nil {
		return err
	}
	if f.network {
		return sameAsLayers(stdout, net, input, opt, res)
	}
	return nil
}

// inferError turns the errors of bad input (an operator the executor
// lacks, a network that cannot be placed or compiled) into usage errors.
func inferError(mf *modelFlags, err error) error {
	if errors.Is(err, infer.ErrOperator) {
		return usagef("%s: %v", modelName(mf), err)
	}
	return netError(err)
}

// sameAsLayers runs the network layer by layer (each layer alone on an
// unlimited chip) and compares the whole-network run res with it: the
// integer output bit for bit, the float output within
// infer.NetworkTolerance; a difference fails the command.
func sameAsLayers(w io.Writer, net *nn.Network, input []float64, opt infer.Options, res *infer.Result) error {
	opt.Network = nil
	opt.Arch.Cores = arch.MaxCores
	lay, err := infer.Run(net, input, opt)
	if err != nil {
		return fmt.Errorf("layer by layer: %w", err)
	}
	got, want := res.Output, lay.Output
	if res.Float != nil {
		got, want = res.Float, lay.Float
	}
	c, err := infer.Compare(got, want, lay.Dims)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "against the layer-by-layer run (float64): %s", c)
	if c.MaxRel > infer.NetworkTolerance {
		fmt.Fprintf(w, ": FAIL (tolerance %.3g)\n", infer.NetworkTolerance)
		return fmt.Errorf("the whole-network output differs from the layer-by-layer one: max rel error %.3g", c.MaxRel)
	}
	fmt.Fprintf(w, ": within %.3g\n", infer.NetworkTolerance)
	if res.Float == nil {
		return nil
	}
	if !slices.Equal(res.Output, lay.Output) {
		c, _ := infer.Compare(res.Output, lay.Output, lay.Dims)
		fmt.Fprintf(w, "against the layer-by-layer run (int8): %s: FAIL (want identical)\n", c)
		return fmt.Errorf("the whole-network int8 output differs from the layer-by-layer one")
	}
	fmt.Fprintln(w, "against the layer-by-layer run (int8): identical")
	return nil
}

// modelName names the model for messages: --onnx FILE or --model NAME.
func modelName(mf *modelFlags) string {
	if mf.onnx != "" {
		return "--onnx " + mf.onnx
	}
	return "--model " + mf.model
}

// check validates the flags (before any work) and reads --expect.
func (f *inferFlags) check() (infer.Options, infer.Norm, []float64, error) {
	var opt infer.Options
	var norm infer.Norm
	s, err := compile.ParseScheme(f.scheme)
	if err != nil {
		return opt, norm, nil, usagef("--scheme: %v", err)
	}
	opt.Scheme, opt.Seed, opt.Int8 = s, f.seed, f.int8
	if f.network {
		m, err := netprog.ParseMode(f.mode)
		if err != nil {
			return opt, norm, nil, usagef("--mode: %v", err)
		}
		opt.Network = &infer.NetworkOptions{Mode: m, Segments: f.segments}
	}
	if f.seeds < 1 || f.seeds > 100 {
		return opt, norm, nil, usagef("--seeds %d: want a number in 1..100", f.seeds)
	}
	opt.Seeds = f.seeds
	for _, n := range infer.Norms() {
		if n.Name == f.norm {
			norm = n
		}
	}
	if norm.Name == "" {
		return opt, norm, nil, usagef("--norm %q: want imagenet, half or unit", f.norm)
	}
	if !(f.tolerance >= 0) {
		return opt, norm, nil, usagef("--tolerance %g: want a number >= 0", f.tolerance)
	}
	for _, o := range []struct{ flag, file, exts string }{{"--out", f.out, ".npy .json"}, {"--save-input", f.saveInput, ".npy"}} {
		if o.file == "" {
			continue
		}
		if !strings.Contains(o.exts, strings.ToLower(filepath.Ext(o.file))) || filepath.Ext(o.file) == "" {
			return opt, norm, nil, usagef("%s %s: want a file ending in %s", o.flag, o.file, strings.ReplaceAll(o.exts, " ", " or "))
		}
		if err := checkOutFile(o.flag, o.file); err != nil {
			return opt, norm, nil, err
		}
	}
	var expect []float64
	if f.expect != "" {
		if _, expect, err = readTensor("--expect", f.expect); err != nil {
			return opt, norm, nil, err
		}
	}
	return opt, norm, expect, nil
}

// readTensor reads a .npy file given by flag; problems are usage errors.
func readTensor(flag, path string) ([]int64, []float64, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, usagef("%s %s: %v", flag, path, pathErr(err))
	}
	defer file.Close()
	dims, v, err := infer.ReadNPY(file)
	if err != nil {
		return nil, nil, usagef("%s %s: %v", flag, path, err)
	}
	return dims, v, nil
}

// input returns the network input: --image (PNG or .npy) or the synthetic
// picture, and a description of it.
func (f *inferFlags) input(net *nn.Network, norm infer.Norm) ([]float64, string, error) {
	if f.image == "" {
		return infer.SyntheticInput(net.Input, norm), "synthetic picture, " + norm.Name, nil
	}
	if strings.EqualFold(filepath.Ext(f.image), ".npy") {
		_, v, err := readTensor("--image", f.image)
		if err == nil && int64(len(v)) != net.Input.Elems() {
			err = usagef("--image %s: %d values, the input %s needs %d", f.image, len(v), net.Input, net.Input.Elems())
		}
		return v, "tensor " + f.image, err
	}
	data, err := readImage(f.image, net.Input)
	if err != nil {
		return nil, "", err
	}
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", usagef("--image %s: not a PNG or .npy file: %v", f.image, err)
	}
	if format != "png" {
		return nil, "", usagef("--image %s: a %s image; want PNG or .npy", f.image, format)
	}
	v, err := infer.ImageTensor(img, net.Input, norm)
	if err != nil {
		return nil, "", usagef("--image %s: %v", f.image, err)
	}
	return v, "image " + f.image + ", " + norm.Name, nil
}

// maxImageBytes is the largest --image file read (64 MiB).
const maxImageBytes = 64 << 20

// readImage reads the --image file, at most maxImageBytes of it, and
// checks from its header that its size is the input's before it is
// decoded: a small PNG can announce a picture of gigapixels, which
// decoding would allocate.
func readImage(path string, in nn.Shape) ([]byte, error) {
	file, err := openInput("--image", path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	data, err := io.ReadAll(limitio.NewReader(file, maxImageBytes, 0))
	if err != nil {
		return nil, usagef("--image %s: %v", path, err)
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && (cfg.Width != in.W || cfg.Height != in.H) {
		return nil, usagef("--image %s: %dx%d pixels, the input is %dx%d (W x H; cimkit does not resize)", path, cfg.Width, cfg.Height, in.W, in.H)
	}
	return data, nil
}

// inputDims are the ONNX dims of the network input (images [1, C, H, W]).
func inputDims(net *nn.Network) []int64 {
	if net.InputDims != nil {
		return net.InputDims
	}
	return []int64{1, int64(net.Input.C), int64(net.Input.H), int64(net.Input.W)}
}

// writeTensor writes dims and values as .npy or, by the file's extension,
// JSON ({"dims": [...], "values": [...]}).
func writeTensor(path string, dims []int64, v []float64) error {
	var b bytes.Buffer
	if strings.EqualFold(filepath.Ext(path), ".json") {
		enc := json.NewEncoder(&b)
		if err := enc.Encode(struct {
			Dims   []int64   `json:"dims"`
			Values []float64 `json:"values"`
			Top5   []int     `json:"top5"`
		}{dims, v, infer.TopK(v, 5)}); err != nil {
			return err
		}
	} else if err := infer.WriteNPY(&b, dims, v); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// printInference writes what ran and the top-5 output elements.
func printInference(w io.Writer, net *nn.Network, res *infer.Result, f *inferFlags, what string, opt infer.Options, elapsed time.Duration) {
	mode := "float64"
	if opt.Int8 {
		mode = fmt.Sprintf("int%d (calibrated on this input)", 8*opt.Arch.ActBytes)
	}
	fmt.Fprintf(w, "%s, input %s (%s), %dx%d crossbars, %s, %s\n", termSafe(net.Name), net.Input, termSafe(what),
		opt.Arch.XbarRows, opt.Arch.XbarCols, opt.Scheme, mode)
	top := infer.TopK(res.Output, 5)
	fmt.Fprintf(w, "output %v: top-5", res.Dims)
	for _, i := range top {
		fmt.Fprintf(w, " %d (%.4g)", i, res.Output[i])
	}
	fmt.Fprintln(w)
	xbar := 0
	for _, l := range res.Layers {
		if l.PV > 0 {
			xbar++
		}
	}
	if res.Program != nil {
		fmt.Fprintf(w, "whole-network program: %s; %d crossbar and %d other layers, %d instructions (every core's program checked); %.2f s, %s (whole process)\n",
			res.Program, xbar, len(res.Layers)-xbar, res.Steps, elapsed.Seconds(), resources())
	} else {
		fmt.Fprintf(w, "%d crossbar layers (%d instructions, every program checked), %d digital; %.2f s, %s (whole process)\n",
			xbar, res.Steps, len(res.Layers)-xbar, elapsed.Seconds(), resources())
	}
	if res.Float != nil {
		c, _ := infer.Compare(res.Output, res.Float, res.Dims)
		fmt.Fprintf(w, "int8 against float64: %s\n", c)
	}
}

// compare prints the comparison with --expect; in float mode an error
// above the tolerance fails the command.
func (f *inferFlags) compare(w io.Writer, res *infer.Result, expect []float64) error {
	if expect == nil {
		return nil
	}
	if len(expect) != len(res.Output) {
		return usagef("--expect %s: %d values, the output %v has %d", f.expect, len(expect), res.Dims, len(res.Output))
	}
	c, err := infer.Compare(res.Output, expect, res.Dims)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "against %s: %s", termSafe(f.expect), c)
	if res.Float != nil {
		fmt.Fprintln(w)
		return nil
	}
	if c.MaxRel > f.tolerance {
		fmt.Fprintf(w, ": FAIL (tolerance %.3g)\n", f.tolerance)
		return fmt.Errorf("output differs from %s: max rel error %.3g above the tolerance %.3g", f.expect, c.MaxRel, f.tolerance)
	}
	fmt.Fprintf(w, ": within the tolerance %.3g\n", f.tolerance)
	return nil
}
