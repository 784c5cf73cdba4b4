package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// TestONNXFlagErrors: a missing file and --model with --onnx are usage
// errors (exit 2); a file that is not ONNX fails (exit 1) naming it.
func TestONNXFlagErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(bad, []byte("not a model\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"layers", "--onnx", filepath.Join(t.TempDir(), "none.onnx")}, 2, "no such file"},
		{[]string{"layers", "--onnx", bad, "--model", "resnet18"}, 2, "not both"},
		{[]string{"sim", "--onnx", bad}, 1, "notes.txt"},
		{[]string{"layers", "--onnx", bad, "--input", "0"}, 2, "--input 0"},
	} {
		if code, _, errs := cimkit(c.args...); code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, errs, c.code, c.want)
		}
	}
}

// TestONNXFlagModels runs layers and sim on the PaddleOCR classifier
// (CIMKIT_ONNX_MODELS, set by make test-onnx).
func TestONNXFlagModels(t *testing.T) {
	dir := os.Getenv("CIMKIT_ONNX_MODELS")
	if dir == "" {
		t.Skip("CIMKIT_ONNX_MODELS not set (make test-onnx sets it)")
	}
	cls := filepath.Join(dir, "ch_ppocr_mobile_v2.0_cls_infer.onnx")
	for _, args := range [][]string{
		{"layers", "--onnx", cls, "--input", "48"},
		{"sim", "--onnx", cls, "--input", "48", "--scheme", "cyclic"},
	} {
		code, out, errs := cimkit(args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		if !strings.Contains(out, "p2o.Conv.0") || !strings.Contains(out, "total") {
			t.Errorf("%v: output lacks the first conv or the total:\n%s", args, out)
		}
		if args[0] == "layers" && !strings.Contains(out, "digital:Softmax") {
			t.Errorf("layers output does not name the digital Softmax:\n%s", out)
		}
	}
}

// reluModel is a hand-written ONNX model: Relu of a fixed-size input
// x[1, 2, 4, 4].
func reluModel() []byte {
	b := func(dst []byte, num protowire.Number, v []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(dst, num, protowire.BytesType), v)
	}
	valueInfo := func(name string) []byte {
		var shape []byte
		for _, d := range []uint64{1, 2, 4, 4} {
			shape = b(shape, 1, protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), d))
		}
		tt := b(protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 1), 2, shape)
		return b(b(nil, 1, []byte(name)), 2, b(nil, 1, tt))
	}
	node := b(b(b(b(nil, 1, []byte("x")), 2, []byte("y")), 3, []byte("relu")), 4, []byte("Relu"))
	g := b(b(b(nil, 1, node), 11, valueInfo("x")), 12, valueInfo("y"))
	opset := protowire.AppendVarint(protowire.AppendTag(nil, 2, protowire.VarintType), 13)
	m := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 8)
	return b(b(m, 8, opset), 7, g)
}

// TestONNXFixedInputWarning: --input given for a file whose input size is
// fixed is said on stderr (it was silently ignored); without --input
// nothing is said.
func TestONNXFixedInputWarning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "relu.onnx")
	if err := os.WriteFile(path, reluModel(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cimkit("layers", "--onnx", path, "--input", "100")
	if code != 0 || !strings.Contains(out, "relu") || !strings.Contains(errs, `input "x" has the fixed dims [1 2 4 4]`) || !strings.Contains(errs, "--input") {
		t.Errorf("with --input: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, _, errs := cimkit("layers", "--onnx", path); code != 0 || errs != "" {
		t.Errorf("without --input: exit %d, stderr %q", code, errs)
	}
}
