package onnx

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/functional"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

// The ONNX operator tests shipped by Debian's libonnx-testdata: each
// directory holds model.onnx and test_data_set_0/{input_N,output_0}.pb.
// CIMKIT_ONNX_TESTDATA names its data folder (make test-onnx sets it).

// testdata returns the paths of the operator tests' files that match the
// patterns (relative to the data folder), or skips the test when
// CIMKIT_ONNX_TESTDATA is not set.
func testdata(t *testing.T, patterns ...string) []string {
	t.Helper()
	root := os.Getenv("CIMKIT_ONNX_TESTDATA")
	if root == "" {
		t.Skip("CIMKIT_ONNX_TESTDATA not set (make test-onnx sets it)")
	}
	var paths []string
	for _, pat := range patterns {
		m, err := filepath.Glob(filepath.Join(root, pat))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	return paths
}

// convCases lists the 2-D Conv and ConvTranspose test directories.
func convCases(t *testing.T) []string {
	t.Helper()
	var dirs []string
	for _, d := range testdata(t, "node/test_*conv_*", "node/test_convtranspose*", "pytorch-converted/test_Conv2d*", "pytorch-converted/test_ConvTranspose2d*") {
		b := filepath.Base(d)
		if strings.Contains(b, "integer") || strings.HasSuffix(b, "_1d") || strings.HasSuffix(b, "_3d") {
			continue
		}
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	if len(dirs) < 15 {
		t.Fatalf("found only %d conv test directories", len(dirs))
	}
	return dirs
}

func readTensor(t *testing.T, path string) *Tensor {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tn, err := DecodeTensor(data, Limits{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return tn
}

// opCase is one operator test: the model (batch set to 1), its image input
// per batch item, and the expected outputs.
type opCase struct {
	model  *Model
	opt    Options
	batch  int
	x, out []float64
}

func loadCase(t *testing.T, dir string) opCase {
	t.Helper()
	data, err := ReadFile(filepath.Join(dir, "model.onnx"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	c := opCase{model: m, opt: Options{Constants: map[string]*Tensor{}}}
	inits := map[string]bool{}
	for _, in := range m.Graph.Initializers {
		inits[in.Name] = true
	}
	k := 0
	for i := range m.Graph.Inputs {
		in := &m.Graph.Inputs[i]
		if inits[in.Name] {
			continue
		}
		tn := readTensor(t, filepath.Join(dir, "test_data_set_0", fmt.Sprintf("input_%d.pb", k)))
		if k == 0 {
			c.batch = int(in.Dims[0])
			in.Dims[0] = 1
			c.x, err = tn.Values()
		} else {
			c.opt.Constants[in.Name] = tn
		}
		if err != nil {
			t.Fatal(err)
		}
		k++
	}
	c.out, err = readTensor(t, filepath.Join(dir, "test_data_set_0", "output_0.pb")).Values()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestOperatorConv imports every 2-D Conv/ConvTranspose operator test and
// checks a direct float64 convolution with the imported layer's weights
// against the test's expected output.
func TestOperatorConv(t *testing.T) {
	for _, dir := range convCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c := loadCase(t, dir)
			net, err := c.model.Network(c.opt)
			if err != nil {
				t.Fatal(err)
			}
			in, out := net.Input.Elems(), net.Layers[len(net.Layers)-1].Out.Elems()
			if int64(len(c.x)) != in*int64(c.batch) || int64(len(c.out)) != out*int64(c.batch) {
				t.Fatalf("network %v -> %v, test data %d -> %d values (batch %d)", net.Input, net.Layers[len(net.Layers)-1].Out, len(c.x), len(c.out), c.batch)
			}
			for b := 0; b < c.batch; b++ {
				got := runNet(t, net, c.x[int64(b)*in:int64(b+1)*in])
				want := c.out[int64(b)*out : int64(b+1)*out]
				for i := range want {
					if math.Abs(got[i]-want[i]) > 1e-4 {
						t.Fatalf("batch %d element %d: got %g, want %g", b, i, got[i], want[i])
					}
				}
			}
		})
	}
}

// runNet evaluates a chain of ZeroInsert and Conv2D layers in float64: each
// conv is mapped onto 4x4 crossbars (several cores add into each output),
// compiled for every scheme and run by the functional executor; its output
// must also agree with refConv.
func runNet(t *testing.T, net *nn.Network, x []float64) []float64 {
	t.Helper()
	a := arch.Default()
	a.XbarRows, a.XbarCols = 4, 4
	for _, l := range net.Layers {
		switch {
		case l.Kind == nn.Conv2D:
			ref := refConv(l, x)
			m, err := mapping.Map(l, a)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range compile.Schemes() {
				p, err := compile.Compile(m, a, s)
				if err != nil {
					t.Fatal(err)
				}
				r, err := functional.Run(p, functional.Options{Float: true, Input: x, Seeds: 2})
				if err != nil {
					t.Fatal(err)
				}
				if !r.OK() {
					t.Fatalf("%s %s: functional run: match %v, %d violations, deadlock %v", l.Name, s, r.Match, r.ViolationCount, r.Deadlock)
				}
				for i := range ref {
					if math.Abs(r.Output[i]-ref[i]) > 1e-9 {
						t.Fatalf("%s %s: element %d: functional %g, direct %g", l.Name, s, i, r.Output[i], ref[i])
					}
				}
				ref = r.Output
			}
			x = ref
		case l.Kind == nn.Digital && l.Op == "ZeroInsert":
			x = refZeroInsert(l, x)
		default:
			t.Fatalf("layer %s (%s %s) not expected in a conv test", l.Name, l.Kind, l.Op)
		}
	}
	return x
}

// refConv is a direct convolution of a CHW input with l's weights.
func refConv(l *nn.Layer, x []float64) []float64 {
	in, o := l.In[0], l.Out
	g := l.GroupCount()
	cg, fg := in.C/g, l.Filters/g
	sh, sw := l.Stride()
	dh, dw := l.Dilation()
	y := make([]float64, o.Elems())
	for f := 0; f < l.Filters; f++ {
		grp := f / fg
		for oy := 0; oy < o.H; oy++ {
			for ox := 0; ox < o.W; ox++ {
				s := 0.0
				if l.BiasValues != nil {
					s = l.BiasValues[f]
				}
				for ci := 0; ci < cg; ci++ {
					for ky := 0; ky < l.KernelH; ky++ {
						iy := oy*sh - l.PadTop + ky*dh
						for kx := 0; kx < l.KernelW; kx++ {
							ix := ox*sw - l.PadLeft + kx*dw
							if iy < 0 || iy >= in.H || ix < 0 || ix >= in.W {
								continue
							}
							w := l.Weights[((f*cg+ci)*l.KernelH+ky)*l.KernelW+kx]
							s += w * x[((grp*cg+ci)*in.H+iy)*in.W+ix]
						}
					}
				}
				y[(f*o.H+oy)*o.W+ox] = s
			}
		}
	}
	return y
}

// refZeroInsert spreads a CHW input: Stride-1 zeros between pixels, Pad
// zeros around.
func refZeroInsert(l *nn.Layer, x []float64) []float64 {
	in, o := l.In[0], l.Out
	y := make([]float64, o.Elems())
	for c := 0; c < in.C; c++ {
		for i := 0; i < in.H; i++ {
			for j := 0; j < in.W; j++ {
				oy, ox := l.PadTop+i*l.StrideH, l.PadLeft+j*l.StrideW
				y[(c*o.H+oy)*o.W+ox] = x[(c*in.H+i)*in.W+j]
			}
		}
	}
	return y
}

// noDims lists operators whose output dims depend on data or on attributes
// cimkit does not read; without value_info in the file their Digital layer
// takes the broadcast input dims, so TestOperatorModels does not compare
// them. Split is multi-output: its last layer is not output 0.
var noDims = []string{"NonMaxSuppression", "TfIdfVectorizer", "OneHot", "GridSample", "RNN", "LSTM", "GRU",
	"DFT", "STFT", "RoiAlign", "MaxUnpool", "ConstantOfShape", "Einsum", "Split"}

// TestOperatorModels imports every model of libonnx-testdata (1072 in
// Debian bookworm's 1.12.0), feeding inputs after the first as constants:
// each gives a network or an error wrapping ErrUnsupported or ErrFormat,
// never a panic, and a batch-1 network's last layer has as many elements
// as the test's expected output.
func TestOperatorModels(t *testing.T) {
	models := testdata(t, "*/*/model.onnx")
	built := 0
	for _, path := range models {
		net, batch1, err := importOperatorModel(t, path)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrFormat) {
				t.Errorf("%s: error %v wraps neither ErrUnsupported nor ErrFormat", path, err)
			}
			continue
		}
		built++
		last := net.Layers[len(net.Layers)-1]
		out, err := os.ReadFile(filepath.Join(filepath.Dir(path), "test_data_set_0", "output_0.pb"))
		if err != nil || !batch1 || slices.Contains(noDims, last.Op) {
			continue
		}
		want, err := DecodeTensor(out, Limits{})
		if err != nil {
			continue // string tensors
		}
		if want.Elems() != last.Out.Elems() {
			t.Errorf("%s: last layer %s (%s %s) is %v, the expected output has dims %v", path, last.Name, last.Kind, last.Op, last.Out, want.Dims)
		}
	}
	t.Logf("%d of %d models imported", built, len(models))
	if len(models) < 1000 || built < 800 {
		t.Errorf("%d of %d models imported; want at least 800 of 1000 or more", built, len(models))
	}
}

// importOperatorModel imports one operator test model with its later
// inputs as constants; batch1 is false when the first input's batch had to
// be cut to 1.
func importOperatorModel(t *testing.T, path string) (*nn.Network, bool, error) {
	data, err := ReadFile(path, Limits{})
	if err != nil {
		return nil, false, err
	}
	m, err := Decode(data, Limits{})
	if err != nil {
		return nil, false, err
	}
	opt := Options{InputH: 8, InputW: 8, Constants: map[string]*Tensor{}}
	inits := map[string]bool{}
	for _, in := range m.Graph.Initializers {
		inits[in.Name] = true
	}
	batch1, k := true, 0
	for i := range m.Graph.Inputs {
		in := &m.Graph.Inputs[i]
		if inits[in.Name] {
			continue
		}
		if k == 0 && len(in.Dims) > 1 && in.Dims[0] != 1 {
			in.Dims[0], batch1 = 1, false
		}
		if b, err := os.ReadFile(filepath.Join(filepath.Dir(path), "test_data_set_0", fmt.Sprintf("input_%d.pb", k))); k > 0 && err == nil {
			if tn, err := DecodeTensor(b, Limits{}); err == nil {
				opt.Constants[in.Name] = tn
			}
		}
		k++
	}
	net, err := m.Network(opt)
	return net, batch1, err
}
