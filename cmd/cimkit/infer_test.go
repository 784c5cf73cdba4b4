package main

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/infer"
)

// writePNG writes img to a temporary PNG file.
func writePNG(t *testing.T, img image.Image) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestInferZoo runs LeNet-5 (random weights) from a PNG and from the
// synthetic picture, which is the same picture: same top-5. The output
// written to .npy reads back as the printed top-1; the run compared with
// its own output is within the tolerance, and with a changed one it fails
// (exit 1).
func TestInferZoo(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.npy")
	img := writePNG(t, infer.Synthetic(32, 32, true))
	code, synth, errs := cimkit("infer", "--model", "lenet5", "--norm", "half", "--out", out)
	if code != 0 || !strings.Contains(synth, "top-5") || !strings.Contains(synth, "synthetic picture") {
		t.Fatalf("synthetic: exit %d, stdout %q, stderr %q", code, synth, errs)
	}
	code, fromPNG, errs := cimkit("infer", "--model", "lenet5", "--norm", "half", "--image", img, "--scheme", "linear")
	if code != 0 || topLine(fromPNG) != topLine(synth) {
		t.Fatalf("PNG: exit %d, top-5 %q, want %q; stderr %q", code, topLine(fromPNG), topLine(synth), errs)
	}
	code, got, errs := cimkit("infer", "--model", "lenet5", "--norm", "half", "--expect", out, "--scheme", "sequential")
	if code != 0 || !strings.Contains(got, "within the tolerance") {
		t.Errorf("--expect its own output: exit %d, stdout %q, stderr %q", code, got, errs)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	dims, v, err := infer.ReadNPY(f)
	f.Close()
	if err != nil || len(dims) != 2 || dims[1] != 10 {
		t.Fatalf("--out: dims %v, error %v", dims, err)
	}
	v[infer.TopK(v, 1)[0]] += 1
	wrong := filepath.Join(dir, "wrong.npy")
	if err := writeTensor(wrong, dims, v); err != nil {
		t.Fatal(err)
	}
	if code, got, _ := cimkit("infer", "--model", "lenet5", "--norm", "half", "--expect", wrong); code != 1 || !strings.Contains(got, "FAIL") {
		t.Errorf("--expect a changed output: exit %d, stdout %q; want exit 1 and FAIL", code, got)
	}
	code, got, errs = cimkit("infer", "--model", "lenet5", "--int8", "--out", filepath.Join(dir, "out.json"))
	if code != 0 || !strings.Contains(got, "int8 against float64") {
		t.Errorf("--int8: exit %d, stdout %q, stderr %q", code, got, errs)
	}
}

// topLine is the output line with the top-5.
func topLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "top-5") {
			return l
		}
	}
	return ""
}

// TestInferUsageErrors: bad flags, pictures that do not fit the input, bad
// tensors and an operator the executor lacks are usage errors (exit 2)
// naming the file or operator.
func TestInferUsageErrors(t *testing.T) {
	dir := t.TempDir()
	small := writePNG(t, infer.Synthetic(16, 32, true))
	colour := writePNG(t, infer.Synthetic(32, 32, false))
	notPNG := filepath.Join(dir, "notes.png")
	short := filepath.Join(dir, "short.npy")
	hardmax := filepath.Join(dir, "hardmax.onnx")
	for path, data := range map[string][]byte{notPNG: []byte("hello"), hardmax: onnxModel("x", []uint64{1, 2, 4, 4}, "y", []uint64{1, 2, 4, 4}, onnxNode{op: "Hardmax", name: "hardmax", in: "x", out: "y"})} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeTensor(short, []int64{3}, []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "lenet5", "--scheme", "fast"}, "--scheme"},
		{[]string{"--model", "lenet5", "--norm", "z"}, "--norm"},
		{[]string{"--model", "lenet5", "--seeds", "0"}, "--seeds 0"},
		{[]string{"--model", "lenet5", "--out", filepath.Join(dir, "out.txt")}, "want a file ending in .npy or .json"},
		{[]string{"--model", "lenet5", "--image", small}, "16x32 pixels, the input is 32x32"},
		{[]string{"--model", "lenet5", "--image", colour}, "3 channels (colour), the input has 1"},
		{[]string{"--model", "lenet5", "--image", notPNG}, "notes.png: not a PNG"},
		{[]string{"--model", "lenet5", "--image", filepath.Join(dir, "none.png")}, "none.png"},
		{[]string{"--model", "lenet5", "--image", short}, "short.npy: 3 values, the input 1x32x32 needs 1024"},
		{[]string{"--model", "lenet5", "--expect", notPNG}, "notes.png: malformed .npy"},
		{[]string{"--model", "lenet5", "--expect", short}, "short.npy: 3 values, the output [1 10] has 10"},
		{[]string{"--onnx", hardmax}, "hardmax.onnx: operator not supported by the inference executor: layer \"hardmax\": Hardmax is not implemented"},
	} {
		args := append([]string{"infer"}, c.args...)
		if code, _, errs := cimkit(args...); code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 mentioning %q", c.args, code, errs, c.want)
		}
	}
}

// TestInferONNX runs the PaddleOCR classifier (CIMKIT_ONNX_MODELS) with
// --save-input, and, when ONNX Runtime is set up (CIMKIT_ORT), compares
// with its output through --expect.
func TestInferONNX(t *testing.T) {
	dir := os.Getenv("CIMKIT_ONNX_MODELS")
	if dir == "" {
		t.Skip("CIMKIT_ONNX_MODELS not set (make test-infer sets it)")
	}
	cls := filepath.Join(dir, "ch_ppocr_mobile_v2.0_cls_infer.onnx")
	tmp := t.TempDir()
	in, ref := filepath.Join(tmp, "in.npy"), filepath.Join(tmp, "ref.npy")
	code, out, errs := cimkit("infer", "--onnx", cls, "--input", "48", "--norm", "half", "--save-input", in)
	if code != 0 || !strings.Contains(out, "output [1 2]") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	script := os.Getenv("CIMKIT_ORT")
	if script == "" {
		t.Skip("CIMKIT_ORT not set")
	}
	if msg, err := execNode(script, cls, in, ref); err != nil {
		t.Fatalf("onnx runtime: %v\n%s", err, msg)
	}
	code, out, errs = cimkit("infer", "--onnx", cls, "--input", "48", "--image", in, "--expect", ref)
	if code != 0 || !strings.Contains(out, "within the tolerance") {
		t.Errorf("--expect ONNX Runtime's output: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// execNode runs the ONNX Runtime script (test/ort/run.mjs) with args.
func execNode(script string, args ...string) ([]byte, error) {
	return exec.Command("node", append([]string{script}, args...)...).CombinedOutput()
}

// TestInferNetwork runs LeNet-5 and SqueezeNet 1.1 (48x48) as
// whole-network programs: the output is the layer-by-layer run's (float64
// within the tolerance, int8 identical) and the top-5 are the same; a
// chip too small without --segments, and the network flags without
// --network, are usage errors.
func TestInferNetwork(t *testing.T) {
	_, layers, _ := cimkit("infer", "--model", "lenet5", "--int8")
	code, out, errs := cimkit("infer", "--model", "lenet5", "--int8", "--network", "--mode", "layer")
	if code != 0 || topLine(out) != topLine(layers) || !strings.Contains(out, "whole-network program: layer mode, 26 cores") ||
		!strings.Contains(out, "against the layer-by-layer run (int8): identical") {
		t.Errorf("lenet5 --int8 --network: exit %d, stdout %q, stderr %q; top-5 want %q", code, out, errs, topLine(layers))
	}
	code, out, errs = cimkit("infer", "--model", "squeezenet1_1", "--input", "48", "--network", "--cores", "64", "--segments", "--scheme", "linear")
	if code != 0 || !strings.Contains(out, "6 segment(s), 1 folded layer(s)") || !strings.Contains(out, "against the layer-by-layer run (float64): max abs error 0,") {
		t.Errorf("squeezenet1_1 --network on 64 cores: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--mode", "layer"}, "--mode needs --network"},
		{[]string{"--segments"}, "--segments needs --network"},
		{[]string{"--network", "--mode", "fast"}, `--mode: mode "fast"`},
		{[]string{"--network", "--cores", "20"}, "needs 26 cores"},
	} {
		args := append([]string{"infer", "--model", "lenet5"}, c.args...)
		if code, _, errs := cimkit(args...); code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 mentioning %q", c.args, code, errs, c.want)
		}
	}
}
