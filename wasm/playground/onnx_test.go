package playground

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/onnx"
	"github.com/cimkit/cimkit/cim/sim"
)

func TestUploadErrors(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		msg  string
	}{
		{"junk.onnx", []byte("not a model"), "junk.onnx: "},
		{"empty.onnx", nil, "empty.onnx: "},
		{"", []byte{}, `ONNX file name ""`},
	}
	for _, c := range cases {
		r := Upload(c.name, c.data)
		if r.Field != "onnx" || !strings.Contains(r.Error, c.msg) {
			t.Errorf("%q: %+v", c.name, r)
		}
	}
	req := lenet("model")
	req.Model = "onnx:never-loaded"
	if r := Handle(req, nil); r.Field != "model" || !strings.Contains(r.Error, "not loaded in this tab") {
		t.Errorf("model not loaded: %+v", r)
	}
}

// TestUploadRealModel needs the PaddleOCR classifier that `make test-onnx`
// fetches (CIMKIT_ONNX_MODELS); the browser test uploads it too.
func TestUploadRealModel(t *testing.T) {
	dir := os.Getenv("CIMKIT_ONNX_MODELS")
	if dir == "" {
		t.Skip("CIMKIT_ONNX_MODELS not set (make test-onnx sets it)")
	}
	file := filepath.Join(dir, "ch_ppocr_mobile_v2.0_cls_infer.onnx")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	up := Upload("C:\\fakepath\\"+filepath.Base(file), data)
	if up.Error != "" {
		t.Fatal(up.Error)
	}
	model := up.Data.(Uploaded).Model
	if model != "onnx:ch_ppocr_mobile_v2.0_cls_infer" {
		t.Errorf("model name %q", model)
	}
	req := lenet("model")
	req.Model, req.Input = model, 224
	got := Handle(req, nil)
	if got.Error != "" {
		t.Fatal(got.Error)
	}
	net, err := onnx.ImportFile(file, onnx.Options{InputH: 224, InputW: 224})
	if err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.BusBytes, a.Cores = 32, 32, 16, 64
	want, err := sim.RunModel(net, a, compile.Linear)
	if err != nil {
		t.Fatal(err)
	}
	if rows := got.Data.(*ModelResult).Rows; !reflect.DeepEqual(rows, want[:len(want)-1]) {
		t.Error("uploaded model's rows differ from cimkit's import of the file")
	}
}
