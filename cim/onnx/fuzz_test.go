package onnx

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// fuzzLimits keep every fuzz input cheap.
var fuzzLimits = Limits{MaxFileBytes: 1 << 20, MaxNodes: 256, MaxTensorElems: 1 << 14, MaxTotalElems: 1 << 16}

// FuzzDecode feeds arbitrary bytes to the reader and the importer: Decode
// must give a model or an error wrapping ErrFormat, and Network a network
// with layers or an error; never a panic, a hang or a huge allocation.
// ImportFile's reader of files (importFrom) must agree with Decode and
// Network, weights included. The
// seed corpus is in testdata/fuzz/FuzzDecode, plus the hand-built test
// models.
func FuzzDecode(f *testing.F) {
	f.Add(convBNModel())
	f.Add(modelPB([]pb{nodePB("Relu", "r", []string{"x"}, []string{"y"})}, nil, valueInfoPB("x", -1, 3, -1, -1), valueInfoPB("y", 1)))
	f.Add(hardSwishModel(true))
	f.Add(vitModel())        // Expand, Where, Equal, ConstantOfShape folds
	f.Add(chunkModel(true))  // integer shape arithmetic, Slice
	f.Add(weightPrepModel()) // lazy weight folds
	f.Add(gatedModel(nodePB("Div", "div", []string{"c", "sqrt2"}, []string{"d"}), nodePB("Erf", "erf", []string{"d"}, []string{"e"}),
		nodePB("Add", "add1", []string{"e", "one"}, []string{"a"}), nodePB("Mul", "mulx", []string{"c", "a"}, []string{"m"}),
		nodePB("Mul", "half", []string{"m", "half"}, []string{"y"}))) // GELU
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data, fuzzLimits)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("Decode error %v does not wrap ErrFormat", err)
			}
			if _, err := importFrom(bytes.NewReader(data), int64(len(data)), Options{Limits: fuzzLimits}); err == nil {
				t.Fatal("the file reader imports what Decode refuses")
			}
			return
		}
		for _, skip := range []bool{false, true} {
			opt := Options{InputH: 8, InputW: 8, Limits: fuzzLimits, SkipWeights: skip}
			net, err := m.Network(opt)
			if err == nil && len(net.Layers) == 0 {
				t.Fatal("network without layers and no error")
			}
			fromFile, err2 := importFrom(bytes.NewReader(data), int64(len(data)), opt)
			if (err == nil) != (err2 == nil) || err == nil && !reflect.DeepEqual(net, fromFile) {
				t.Fatalf("the file reader gives %v, Decode %v", err2, err)
			}
		}
	})
}
