package infer

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/onnx"
)

// The checks against ONNX Runtime need (make test-infer sets them):
//
//	CIMKIT_ORT           test/ort/run.mjs, its node_modules installed
//	CIMKIT_INFER_MODELS  the PyTorch exports (test/ort/export_models.py)
//	CIMKIT_ONNX_MODELS   the PaddleOCR models (make onnx-models)

// ortModel is one model of the check: its file and input size.
type ortModel struct {
	name, path string
	h, w       int
	norm       Norm
	seg        bool // a probability map, not classes: compared by its text mask
}

// ortModels lists the models the environment provides.
func ortModels(t *testing.T) []ortModel {
	t.Helper()
	var list []ortModel
	if dir := os.Getenv("CIMKIT_ONNX_MODELS"); dir != "" {
		for _, m := range []ortModel{
			{"ppocr_cls", "ch_ppocr_mobile_v2.0_cls_infer.onnx", 48, 192, Half, false},
			{"ppocr_det", "ch_PP-OCRv4_det_infer.onnx", 128, 128, Half, true},
			{"ppocr_rec", "ch_PP-OCRv4_rec_infer.onnx", 48, 64, Half, false},
		} {
			m.path = filepath.Join(dir, m.path)
			list = append(list, m)
		}
	}
	if dir := os.Getenv("CIMKIT_INFER_MODELS"); dir != "" {
		data, err := os.ReadFile(filepath.Join(dir, "models.json"))
		if err != nil {
			t.Fatal(err)
		}
		var index map[string]struct {
			File  string `json:"file"`
			Input int    `json:"input"`
		}
		if err := json.Unmarshal(data, &index); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"resnet18", "mobilenet_v2", "mobilenet_v3_small", "squeezenet1_1", "efficientnet_b0", "densenet121"} {
			m, ok := index[name]
			if !ok {
				t.Fatalf("models.json has no %s", name)
			}
			list = append(list, ortModel{name, filepath.Join(dir, m.File), m.Input, m.Input, ImageNet, false})
		}
	}
	if len(list) == 0 || os.Getenv("CIMKIT_ORT") == "" {
		t.Skip("CIMKIT_ORT and CIMKIT_INFER_MODELS or CIMKIT_ONNX_MODELS not set (make test-infer sets them)")
	}
	return list
}

// ortOutput runs ONNX Runtime on the model and input and returns its
// first output.
func ortOutput(t *testing.T, model string, dims []int64, input []float64) []float64 {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.npy"), filepath.Join(dir, "out.npy")
	var b bytes.Buffer
	if err := WriteNPY(&b, dims, input); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", os.Getenv("CIMKIT_ORT"), model, in, out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("onnx runtime on %s: %v\n%s", model, err, msg)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, v, err := ReadNPY(f)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func importModel(t *testing.T, m ortModel) *nn.Network {
	t.Helper()
	net, err := onnx.ImportFile(m.path, onnx.Options{InputH: m.h, InputW: m.w})
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// TestONNXRuntime: every model, in every scheme (a random schedule per
// crossbar layer), equals ONNX Runtime's output within Tolerance, with the
// same top-1 in every row (for the text detector, whose output is a
// probability map, the same text mask); the integer pass (cyclic) is
// compared with the float output (logged; its cosine similarity must stay
// above 0.8). ResNet-18, MobileNet v2 and SqueezeNet 1.1 also run as
// whole-network programs (see sameAsLayerRun).
func TestONNXRuntime(t *testing.T) {
	for _, m := range ortModels(t) {
		t.Run(m.name, func(t *testing.T) {
			net := importModel(t, m)
			in := SyntheticInput(net.Input, m.norm)
			ref := ortOutput(t, m.path, net.InputDims, in)
			for _, s := range compile.Schemes() {
				start := time.Now()
				res, err := Run(net, in, Options{Scheme: s, Seed: 1})
				if err != nil {
					t.Fatalf("%s: %v", s, err)
				}
				cmp, err := Compare(res.Output, ref, res.Dims)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s %dx%d %s: %s (%d instructions, %.1f s)", m.name, m.h, m.w, s, cmp, res.Steps, time.Since(start).Seconds())
				if cmp.MaxRel > Tolerance || (!m.seg && cmp.Top1 != cmp.Rows) {
					t.Errorf("%s: against ONNX Runtime: %s", s, cmp)
				}
				if same, n := textMask(res.Output, ref, Tolerance); m.seg && same != n {
					t.Errorf("%s: text masks differ in %d of %d pixels", s, n-same, n)
				}
				if networkModels[m.name] {
					sameAsLayerRun(t, m, net, in, ref, Options{Scheme: s}, res)
				}
			}
			res, err := Run(net, in, Options{Seed: 1, Int8: true})
			if err != nil {
				t.Fatalf("int8: %v", err)
			}
			if networkModels[m.name] {
				sameAsLayerRun(t, m, net, in, ref, Options{Int8: true}, res)
			}
			cmp, _ := Compare(res.Output, res.Float, res.Dims)
			t.Logf("%s int8 against float: %s", m.name, cmp)
			if same, n := textMask(res.Output, res.Float, 0); m.seg {
				t.Logf("%s int8 against float: text masks agree in %d of %d pixels", m.name, same, n)
			}
			if cmp.Cosine < 0.8 {
				t.Errorf("int8: %s", cmp)
			}
		})
	}
}

// textMask counts the pixels of a text-probability map on the same side of
// 0.3 (the threshold of PaddleOCR's text detector) in got and want,
// leaving out the pixels of want within margin of it.
func textMask(got, want []float64, margin float64) (same, n int) {
	const threshold = 0.3
	for i, w := range want {
		if math.Abs(w-threshold) <= margin {
			continue
		}
		n++
		if (got[i] > threshold) == (w > threshold) {
			same++
		}
	}
	return same, n
}

// TestONNXRuntimeWrongPadding: the first conv of a model with its padding
// moved by one row (the output keeps its size, and the layer's programs
// are still correct for the layer as changed) is caught by the comparison
// with ONNX Runtime.
func TestONNXRuntimeWrongPadding(t *testing.T) {
	var m ortModel
	for _, c := range ortModels(t) {
		if c.name == "resnet18" || (m.name == "" && c.name == "ppocr_cls") {
			m = c
		}
	}
	if m.name == "" {
		t.Skip("neither resnet18 nor the PaddleOCR classifier is available")
	}
	net := importModel(t, m)
	in := SyntheticInput(net.Input, m.norm)
	ref := ortOutput(t, m.path, net.InputDims, in)
	conv := net.CrossbarLayers()[0]
	if conv.PadTop == 0 {
		t.Fatalf("%s: the first conv has no padding", conv.Name)
	}
	conv.PadTop, conv.PadBottom = conv.PadTop+1, conv.PadBottom-1
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	res, err := Run(net, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cmp, _ := Compare(res.Output, ref, res.Dims)
	t.Logf("%s with the padding of %s moved: %s", m.name, conv.Name, cmp)
	if cmp.MaxRel <= Tolerance {
		t.Errorf("wrong padding not caught: %s", cmp)
	}
}

// networkModels are the models TestONNXRuntime also runs as whole-network
// programs.
var networkModels = map[string]bool{"resnet18": true, "mobilenet_v2": true, "squeezenet1_1": true}

// sameAsLayerRun runs the model as whole-network programs, resident on the
// default chip with an unlimited core budget, in both modes (with opt's
// scheme and int8 pass), and, for MobileNet v2 pipelined, also in
// segments on 256 cores: the output is the layer-by-layer run's lay (float
// within NetworkTolerance, int8 bit for bit), and thus, in float, ONNX
// Runtime's ref within Tolerance.
func sameAsLayerRun(t *testing.T, m ortModel, net *nn.Network, in, ref []float64, opt Options, lay *Result) {
	t.Helper()
	opt.Arch, opt.Seed = arch.Default(), 2
	opt.Arch.Cores = arch.MaxCores
	runs := []NetworkOptions{{Mode: netprog.LayerByLayer}, {Mode: netprog.Pipelined}}
	if m.name == "mobilenet_v2" {
		runs = append(runs, NetworkOptions{Mode: netprog.Pipelined, Segments: true})
	}
	for _, o := range runs {
		if o.Segments {
			opt.Arch.Cores = 256
		}
		opt.Network = &o
		start := time.Now()
		res, err := Run(net, in, opt)
		if err != nil {
			t.Fatalf("%s %s: %v", opt.Scheme, o.Mode, err)
		}
		elapsed := time.Since(start)
		same, _ := Compare(res.Output, lay.Output, lay.Dims)
		ort, _ := Compare(res.Output, ref, res.Dims)
		if opt.Int8 {
			t.Logf("%s int8: %s; against layer by layer: max abs %.3g (%.1f s)", m.name, res.Program, same.MaxAbs, elapsed.Seconds())
			if !slices.Equal(res.Output, lay.Output) {
				t.Errorf("int8 %s: against the layer-by-layer run: %s", o.Mode, same)
			}
			continue
		}
		t.Logf("%s %s %s: %s; against layer by layer: max rel %.3g; against ONNX Runtime: %s (%d instructions, %.1f s)",
			m.name, opt.Scheme, o.Mode, res.Program, same.MaxRel, ort, res.Steps, elapsed.Seconds())
		if same.MaxRel > NetworkTolerance {
			t.Errorf("%s %s: against the layer-by-layer run: %s", opt.Scheme, o.Mode, same)
		}
		if ort.MaxRel > Tolerance || ort.Top1 != ort.Rows || (o.Segments && res.Program.Segments < 2) {
			t.Errorf("%s %s: %s; against ONNX Runtime: %s", opt.Scheme, o.Mode, res.Program, ort)
		}
	}
}
