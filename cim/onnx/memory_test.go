package onnx

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/zoo"
	"github.com/cimkit/cimkit/internal/onnxshape"
)

// A protobuf writer for large test models: a message is a list of parts,
// bytes or runs of zeros, so that weights can be written as holes of a
// sparse file (no disk space, nothing in memory).

type part struct {
	b     []byte
	zeros int64
}

type msg []part

func (m msg) size() int64 {
	var n int64
	for _, p := range m {
		n += int64(len(p.b)) + p.zeros
	}
	return n
}

// field appends field num holding message sub.
func (m msg) field(num protowire.Number, sub msg) msg {
	head := protowire.AppendTag(nil, num, protowire.BytesType)
	head = protowire.AppendVarint(head, uint64(sub.size()))
	return append(append(m, part{b: head}), sub...)
}

func (m msg) raw(b []byte) msg { return append(m, part{b: b}) }

// write writes m to w, seeking over the zeros.
func (m msg) write(f *os.File) error {
	var off int64
	for _, p := range m {
		if _, err := f.WriteAt(p.b, off); err != nil {
			return err
		}
		off += int64(len(p.b)) + p.zeros
	}
	return f.Truncate(off)
}

// zeroTensor is a float initializer of the given dims whose raw data are
// zeros.
func zeroTensor(name string, dims ...int64) msg {
	var t pb
	for _, d := range dims {
		t = t.varint(1, d)
	}
	t = t.varint(2, int64(Float)).str(8, name)
	t = protowire.AppendTag(t, 9, protowire.BytesType)
	t = protowire.AppendVarint(t, uint64(4*onnxshape.Elems(dims)))
	return msg{{b: t}, {zeros: 4 * onnxshape.Elems(dims)}}
}

// writeVGG writes torchvision's VGG-16 as torch.onnx exports it (Conv and
// Relu, MaxPool, AveragePool for the 7x7 adaptive pool, Flatten, Gemm
// with transB) with zero weights, to a sparse file of 553 MB, the size of
// the real export; it returns the file size.
func writeVGG(path string) (int64, error) {
	cfg := []int64{64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0}
	var nodes []pb
	var inits []msg
	x, c := "x", int64(3)
	for i, v := range cfg {
		name := fmt.Sprintf("features.%d", i)
		if v == 0 {
			nodes = append(nodes, nodePB("MaxPool", name, []string{x}, []string{name}, intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2)))
			x = name
			continue
		}
		w, b := name+".weight", name+".bias"
		inits = append(inits, zeroTensor(w, v, c, 3, 3), zeroTensor(b, v))
		nodes = append(nodes,
			nodePB("Conv", name, []string{x, w, b}, []string{name}, intsAttr("kernel_shape", 3, 3), intsAttr("pads", 1, 1, 1, 1)),
			nodePB("Relu", name+".relu", []string{name}, []string{name + ".r"}))
		x, c = name+".r", v
	}
	nodes = append(nodes,
		nodePB("AveragePool", "avgpool", []string{x}, []string{"avg"}, intsAttr("kernel_shape", 1, 1)),
		nodePB("Flatten", "flatten", []string{"avg"}, []string{"flat"}))
	x, k := "flat", int64(512*7*7)
	for i, f := range []int64{4096, 4096, 1000} {
		name := fmt.Sprintf("classifier.%d", 3*i)
		w, b := name+".weight", name+".bias"
		inits = append(inits, zeroTensor(w, f, k), zeroTensor(b, f))
		nodes = append(nodes, nodePB("Gemm", name, []string{x, w, b}, []string{name}, intAttr("transB", 1)))
		x, k = name, f
		if i < 2 {
			nodes = append(nodes, nodePB("Relu", name+".relu", []string{name}, []string{name + ".r"}))
			x = name + ".r"
		}
	}
	g := msg{}.raw(pb{}.str(2, "vgg16"))
	for _, n := range nodes {
		g = g.field(1, msg{}.raw(n))
	}
	for _, t := range inits {
		g = g.field(5, t)
	}
	g = g.field(11, msg{}.raw(valueInfoPB("x", 1, 3, 224, 224))).field(12, msg{}.raw(valueInfoPB(x, 1, 1000)))
	m := msg{}.raw(pb{}.varint(1, 8).str(2, "pytorch").bytes(8, pb{}.str(1, "").varint(2, 13))).field(7, g)
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	if err := m.write(f); err != nil {
		f.Close()
		return 0, err
	}
	return m.size(), f.Close()
}

// TestLargeModelShapesOnly: a VGG-16 export of 553 MB (above the 512 MiB
// the reader accepted) imports with SkipWeights, the weights left nil,
// and its MACs and parameters are those of the zoo's VGG-16.
func TestLargeModelShapesOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vgg16.onnx")
	size, err := writeVGG(path)
	if err != nil {
		t.Fatal(err)
	}
	if size <= 512<<20 || size > 2<<30 { // above the old limit, below the new one
		t.Fatalf("file of %d bytes", size)
	}
	net, err := ImportFile(path, Options{SkipWeights: true})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := zoo.Get("vgg16", 224)
	if err != nil {
		t.Fatal(err)
	}
	if net.MACs() != ref.MACs() || net.Params() != ref.Params() || len(net.CrossbarLayers()) != 16 {
		t.Errorf("MACs %d, params %d, %d crossbar layers; the zoo's VGG-16 has %d, %d, 16",
			net.MACs(), net.Params(), len(net.CrossbarLayers()), ref.MACs(), ref.Params())
	}
	for _, l := range net.CrossbarLayers() {
		if l.Weights != nil || !l.Bias || l.Act != nn.ActReLU && l.Name != "classifier.6" {
			t.Errorf("%s: %d weights, bias %v, act %q", l.Name, len(l.Weights), l.Bias, l.Act)
		}
	}
}

// TestSkipWeights: with SkipWeights, networks are the same as with the
// weights but for nil Weights and constant operands, and no weight tensor
// is decoded (its konst is never loaded), even through the folds that
// move weights (Transpose, Slice, Mul by a scale before a MatMul).
func TestSkipWeights(t *testing.T) {
	models := map[string][]byte{"conv-bn": convBNModel(), "gemm": gemmModel(), "sequence": sequenceModel(),
		"hardswish": hardSwishModel(true), "vit": vitModel(), "chunk": chunkModel(false), "slices": chunkModel(true),
		"weight-preprocessing": weightPrepModel()}
	for name, data := range models {
		with, err := Import(data, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		without, err := Import(data, Options{SkipWeights: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, l := range with.Layers {
			l.Weights = nil
			if l.Operator != nil {
				for i := range l.Operator.Args {
					l.Operator.Args[i].Const = nil
				}
			}
		}
		if !reflect.DeepEqual(with, without) {
			t.Errorf("%s: networks differ beyond the weights", name)
		}
	}
	m, err := Decode(weightPrepModel(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	c := newConverter(m.Graph, Options{SkipWeights: true})
	if err := c.run(); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"W", "Wt", "Ws", "Wc"} {
		if c.vals[w].k.loaded() {
			t.Errorf("weight %s was decoded", w)
		}
	}
}

// weightPrepModel multiplies x[1, 3, 8] by a weight that the graph
// transposes, scales and slices first (as some exporters leave it).
func weightPrepModel() []byte {
	nodes := []pb{
		constPB("W", tensorPB("W", []int64{6, 8}, fill(48, 2))),
		constPB("half", tensorPB("half", nil, []float64{0.5})),
		constPB("s0", int64PB("s0", []int64{1}, 0)),
		constPB("s1", int64PB("s1", []int64{1}, 4)),
		constPB("ax", int64PB("ax", []int64{1}, 1)),
		nodePB("Transpose", "wt", []string{"W"}, []string{"Wt"}, intsAttr("perm", 1, 0)),
		nodePB("Mul", "ws", []string{"Wt", "half"}, []string{"Ws"}),
		nodePB("Slice", "wc", []string{"Ws", "s0", "s1", "ax"}, []string{"Wc"}),
		nodePB("MatMul", "fc", []string{"x", "Wc"}, []string{"y"}),
	}
	return modelPB(nodes, nil, valueInfoPB("x", 1, 3, 8), valueInfoPB("y", 1, 3, 4))
}

// TestReadFileOnce: ReadFile reads a file into one buffer of its size
// (io.ReadAll grew a buffer by doubling, up to twice the file).
func TestReadFileOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.onnx")
	data := make([]byte, 3<<20+5)
	data[len(data)-1] = 7
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := ReadFile(path, Limits{})
	runtime.ReadMemStats(&after)
	if err != nil || len(got) != len(data) || got[len(got)-1] != 7 {
		t.Fatalf("%d bytes, %v", len(got), err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(len(data))+64<<10 {
		t.Errorf("reading %d bytes allocated %d", len(data), alloc)
	}
	if _, err := ReadFile(path, Limits{MaxFileBytes: 100}); err == nil {
		t.Error("a file above the limit was read")
	}
}

// BenchmarkImportVGG16 imports a 553 MB VGG-16 (zero weights in a sparse
// file) shapes only and with the weights, reporting the bytes allocated
// per import; the shapes-only import must allocate less than 1% of the
// file. The file is written only when CIMKIT_ONNX_LARGE is set (the
// import with weights allocates about 2 GB).
func BenchmarkImportVGG16(b *testing.B) {
	if os.Getenv("CIMKIT_ONNX_LARGE") == "" {
		b.Skip("CIMKIT_ONNX_LARGE not set")
	}
	path := filepath.Join(b.TempDir(), "vgg16.onnx")
	size, err := writeVGG(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, skip := range []bool{true, false} {
		b.Run(map[bool]string{true: "shapes", false: "weights"}[skip], func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(size)
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			start := ms.TotalAlloc
			for b.Loop() {
				if _, err := ImportFile(path, Options{SkipWeights: skip}); err != nil {
					b.Fatal(err)
				}
			}
			runtime.ReadMemStats(&ms)
			per := float64(ms.TotalAlloc-start) / float64(b.N)
			b.ReportMetric(per/float64(size), "alloc/filebyte")
			if skip && per > float64(size)/100 {
				b.Errorf("shapes-only import allocates %.0f bytes per import, %.1f%% of the %d-byte file", per, 100*per/float64(size), size)
			}
		})
	}
}

// TestWriteVGG16 writes the sparse VGG-16 model to the file named by
// CIMKIT_ONNX_WRITE_VGG16 (make onnx-memory measures the CLI on it).
func TestWriteVGG16(t *testing.T) {
	path := os.Getenv("CIMKIT_ONNX_WRITE_VGG16")
	if path == "" {
		t.Skip("CIMKIT_ONNX_WRITE_VGG16 not set")
	}
	if _, err := writeVGG(path); err != nil {
		t.Fatal(err)
	}
}

// TestImportFileSameAsImport: ImportFile, which leaves initializers above
// 16 KB in the file until they are decoded, gives the same networks,
// weights included, as Import of the bytes: for raw float, int8 and
// packed float_data initializers, and shapes only.
func TestImportFileSameAsImport(t *testing.T) {
	dir := t.TempDir()
	big := make([]float64, 64*64*3*3) // 147 KB as float32
	for i := range big {
		big[i] = float64(i%7) - 3
	}
	floatData := pb{}.varint(1, 64).varint(1, 64).varint(1, 3).varint(1, 3).varint(2, int64(Float)).str(8, "Wf")
	packed := make([]byte, 0, 4*len(big))
	for _, v := range big {
		packed = protowire.AppendFixed32(packed, math.Float32bits(float32(v)))
	}
	floatData = floatData.bytes(4, packed)
	raw := make([]byte, len(big))
	for i, v := range big {
		raw[i] = byte(int8(v))
	}
	int8W := rawTensorPB("Wq", Int8, []int64{64, 64, 3, 3}, raw)
	convs := modelPB([]pb{
		nodePB("Conv", "c1", []string{"x", "W"}, []string{"a"}, intsAttr("pads", 1, 1, 1, 1)),
		nodePB("Conv", "c2", []string{"a", "Wf"}, []string{"b"}, intsAttr("pads", 1, 1, 1, 1)),
		nodePB("ConvInteger", "c3", []string{"b", "Wq"}, []string{"y"}, intsAttr("pads", 1, 1, 1, 1)),
	}, []pb{tensorPB("W", []int64{64, 64, 3, 3}, big), floatData, int8W}, valueInfoPB("x", 1, 64, 8, 8), valueInfoPB("y", 1, 64, 8, 8))
	for name, data := range map[string][]byte{"convs": convs, "chunk": chunkModel(true), "vit": vitModel(), "prep": weightPrepModel(), "conv-bn": convBNModel()} {
		path := filepath.Join(dir, name+".onnx")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, skip := range []bool{false, true} {
			want, err := Import(data, Options{Name: name, SkipWeights: skip})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, err := ImportFile(path, Options{SkipWeights: skip})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s (skip weights %v): ImportFile differs from Import", name, skip)
			}
		}
	}
	if net, _ := ImportFile(filepath.Join(dir, "convs.onnx"), Options{}); net.Layers[2].Weights[1] != -2 || net.Layers[1].Weights[2] != -1 {
		t.Errorf("weights %v, %v", net.Layers[1].Weights[:3], net.Layers[2].Weights[:3])
	}
}

// failingReader reads a model but fails on the bytes from bad.off on for
// bad.n bytes (returning the bytes before them, as a disk error there
// does).
type failingReader struct {
	data []byte
	bad  region
}

func (r failingReader) ReadAt(p []byte, off int64) (int, error) {
	end := off + int64(len(p))
	if end <= r.bad.off || off >= r.bad.off+r.bad.n {
		return copy(p, r.data[off:]), nil
	}
	return copy(p, r.data[off:max(off, r.bad.off)]), errors.New("disk error")
}

// TestImportFileReadError: a weight that cannot be read when it is decoded
// (the file cut or failing after its structure was read) is an error, not
// zeros; shapes only never reads it.
func TestImportFileReadError(t *testing.T) {
	big := fill(64*64*3*3, 1)
	data := modelPB([]pb{nodePB("Conv", "c", []string{"x", "W"}, []string{"y"})}, []pb{tensorPB("W", []int64{64, 64, 3, 3}, big)},
		valueInfoPB("x", 1, 64, 4, 4), valueInfoPB("y", 1, 64, 2, 2))
	i := bytes.Index(data, []byte{0, 0, 128, 63}) // the first weight, 1 as a float32
	r := failingReader{data: data, bad: region{int64(i + 1000), 10}}
	if _, err := importFrom(r, int64(len(data)), Options{}); err == nil || !strings.Contains(err.Error(), "disk error") {
		t.Errorf("with weights: error %v", err)
	}
	if _, err := importFrom(r, int64(len(data)), Options{SkipWeights: true}); err != nil {
		t.Errorf("shapes only: %v", err)
	}
}
