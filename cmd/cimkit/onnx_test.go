package main

import (
	"encoding/json"
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

// onnxModel hand-writes an ONNX model: nodes (op type, name, inputs,
// outputs, and an optional ints attribute), one float input and one
// output with fixed dims.
type onnxNode struct {
	op, name, in, out string // in: inputs separated by commas
	attr              string
	ints              []uint64
}

func onnxModel(in string, inDims []uint64, out string, outDims []uint64, nodes ...onnxNode) []byte {
	b := func(dst []byte, num protowire.Number, v []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(dst, num, protowire.BytesType), v)
	}
	varint := func(dst []byte, num protowire.Number, v uint64) []byte {
		return protowire.AppendVarint(protowire.AppendTag(dst, num, protowire.VarintType), v)
	}
	valueInfo := func(name string, dims []uint64) []byte {
		var shape []byte
		for _, d := range dims {
			shape = b(shape, 1, varint(nil, 1, d))
		}
		return b(b(nil, 1, []byte(name)), 2, b(nil, 1, b(varint(nil, 1, 1), 2, shape)))
	}
	var g []byte
	for _, n := range nodes {
		var nb []byte
		for _, x := range strings.Split(n.in, ",") {
			nb = b(nb, 1, []byte(x))
		}
		nb = b(b(b(nb, 2, []byte(n.out)), 3, []byte(n.name)), 4, []byte(n.op))
		if n.attr != "" {
			a := varint(b(nil, 1, []byte(n.attr)), 20, 7)
			for _, v := range n.ints {
				a = varint(a, 8, v)
			}
			nb = b(nb, 5, a)
		}
		g = b(g, 1, nb)
	}
	g = b(b(g, 11, valueInfo(in, inDims)), 12, valueInfo(out, outDims))
	return b(b(varint(nil, 1, 8), 8, varint(nil, 2, 13)), 7, g)
}

// reluModel is Relu of a fixed-size input x[1, 2, 4, 4].
func reluModel() []byte {
	return onnxModel("x", []uint64{1, 2, 4, 4}, "y", []uint64{1, 2, 4, 4}, onnxNode{op: "Relu", name: "relu", in: "x", out: "y"})
}

// TestONNXDigitalMACs: an attention product of two computed tensors (x by
// its transpose, [1, 4, 8] by [1, 8, 4]: 4*8*4 = 128 MACs) lists its MACs,
// as a digital:MatMul on the digital units, and the table keeps the
// crossbar total (0 here) and the digital total apart; a model without
// digital MACs keeps one "total" row.
func TestONNXDigitalMACs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "attention.onnx")
	model := onnxModel("x", []uint64{1, 4, 8}, "y", []uint64{1, 4, 4},
		onnxNode{op: "Transpose", name: "kt", in: "x", out: "t", attr: "perm", ints: []uint64{0, 2, 1}},
		onnxNode{op: "MatMul", name: "scores", in: "x,t", out: "s"},
		onnxNode{op: "Softmax", name: "attn", in: "s", out: "y"})
	if err := os.WriteFile(path, model, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cimkit("layers", "--onnx", path, "--format", "json")
	var rows []layerRow
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil || len(rows) != 3 {
		t.Fatalf("exit %d, %v, stderr %q, %d rows", code, err, errs, len(rows))
	}
	if s := rows[1]; s.Name != "scores" || s.Kind != "digital:MatMul" || s.Unit != "digital" || s.MACs != 128 {
		t.Errorf("scores row %+v", s)
	}
	code, out, _ = cimkit("layers", "--onnx", path)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if n := len(lines); code != 0 || n < 2 || strings.Join(strings.Fields(lines[n-2]), " ") != "total crossbar 0 0" ||
		strings.Join(strings.Fields(lines[n-1]), " ") != "total digital 128 -" {
		t.Errorf("exit %d, table:\n%s", code, out)
	}
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
