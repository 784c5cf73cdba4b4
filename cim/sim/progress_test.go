package sim

import (
	"reflect"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/zoo"
)

// TestProgress: ResNet-18's conv1 at 128x128 on 32x32 crossbars runs on
// 10 cores (147 rows: PV 5; 64 columns: PH 2) with 64x64 = 4096 output
// vectors each: 40,960 MVMs, so Progress is called at 16,384 and 32,768,
// and the run's figures are those of a run without it.
func TestProgress(t *testing.T) {
	net, err := zoo.Get("resnet18", 128)
	if err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 32, 32
	m, err := mapping.Map(net.Layer("conv1"), a)
	if err != nil {
		t.Fatal(err)
	}
	if m.Cores*m.Vectors != 40960 {
		t.Fatalf("conv1: %d cores x %d vectors", m.Cores, m.Vectors)
	}
	plain, err := Simulate(m, a, compile.Cyclic, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var calls []int64
	got, err := Simulate(m, a, compile.Cyclic, Options{Progress: func(n int64) { calls = append(calls, n) }})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(calls, []int64{ProgressEvery, 2 * ProgressEvery}) {
		t.Errorf("Progress called with %v", calls)
	}
	if got.Cycles != plain.Cycles || !reflect.DeepEqual(got.Cores, plain.Cores) {
		t.Error("Progress changed the run")
	}
}
