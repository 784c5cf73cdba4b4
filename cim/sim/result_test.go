package sim

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func sampleResults() []Result {
	return []Result{
		{Model: "m", Layer: "conv1", Kind: "conv2d", XbarRows: 32, XbarCols: 32, BusBytes: 16, CoresBudget: 1024,
			Scheme: "linear", Fits: true, PV: 2, PH: 1, Cores: 2, Vectors: 3, Cycles: 100, SeqCycles: 190,
			Speedup: 1.9, Limit: 2, BusLimit: 7.5, Efficiency: 0.95, BusBytesTotal: 1000, SyncBytes: 12,
			Overhead: 0.012, BusUtilization: 1.0 / 3, SyncMemBytes: 8, PumaAttrBytes: 10, IFMBytes: 5,
			OFMBytes: 6, PsumBytes: 24, XbarUtilization: 0.5},
		{Model: "m", Layer: "fc, \"big\"", Kind: "dense", Scheme: "cyclic", PV: 200, Cores: 4000},
	}
}

func TestColumns(t *testing.T) {
	want := "model,layer,kind,xbar_rows,xbar_cols,bus_bytes,cores_budget,scheme,fits,pv,ph,cores,vectors," +
		"cycles,seq_cycles,speedup,limit,bus_limit,efficiency,bus_bytes_total,sync_bytes,overhead," +
		"bus_utilization,sync_mem_bytes,puma_attr_bytes,ifm_bytes,ofm_bytes,psum_bytes,xbar_utilization"
	if got := strings.Join(RequiredColumns(), ","); got != want {
		t.Errorf("RequiredColumns:\n got %s\nwant %s", got, want)
	}
	if got := strings.Join(Columns(), ","); got != want+",reason" {
		t.Errorf("Columns:\n got %s\nwant %s,reason", got, want)
	}
}

// A results CSV written before the reason column existed still reads.
func TestReadCSVWithoutOptionalColumns(t *testing.T) {
	var b strings.Builder
	rs := sampleResults()
	rs[1].Reason = "needs 4000 cores, budget 1024"
	if err := WriteCSV(&b, rs); err != nil {
		t.Fatal(err)
	}
	old := strings.ReplaceAll(b.String(), ",reason\n", "\n")
	old = strings.ReplaceAll(old, `,"needs 4000 cores, budget 1024"`+"\n", "\n")
	old = strings.ReplaceAll(old, ",\n", "\n")
	got, err := ReadCSV(strings.NewReader(old))
	if err != nil {
		t.Fatalf("%v\n%s", err, old)
	}
	rs[1].Reason = ""
	if !reflect.DeepEqual(got, rs) {
		t.Errorf("got %+v\nwant %+v", got, rs)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sampleResults()); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCSV(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sampleResults()) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, sampleResults())
	}
}

func TestJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleResults()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"bus_bytes_total": 1000`) {
		t.Errorf("JSON lacks bus_bytes_total: %s", b.String())
	}
	got, err := ReadJSON(&b)
	if err != nil || !reflect.DeepEqual(got, sampleResults()) {
		t.Errorf("round trip: %v\n got %+v", err, got)
	}
}

func TestReadCSVErrors(t *testing.T) {
	if _, err := ReadCSV(strings.NewReader("model,layer\nm,l\n")); err == nil || !strings.Contains(err.Error(), `no column "kind"`) {
		t.Errorf("missing column: %v", err)
	}
	var b bytes.Buffer
	WriteCSV(&b, sampleResults()[:1])
	bad := strings.Replace(b.String(), ",true,", ",maybe,", 1)
	if _, err := ReadCSV(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 2, column fits") {
		t.Errorf("bad value: %v", err)
	}
	if _, err := ReadJSON(strings.NewReader(`[{"cycles": 1, "nope": 2}]`)); err == nil {
		t.Error("unknown JSON field accepted")
	}
}

func TestDataFrame(t *testing.T) {
	df := DataFrame(sampleResults())
	if df.Err != nil {
		t.Fatal(df.Err)
	}
	if r, c := df.Dims(); r != 2 || c != len(Columns()) {
		t.Fatalf("dims %d x %d", r, c)
	}
	if !reflect.DeepEqual(df.Names(), Columns()) {
		t.Errorf("names %v", df.Names())
	}
	if v := df.Col("speedup").Float()[0]; v != 1.9 {
		t.Errorf("speedup %v", v)
	}
	if v, _ := df.Col("cores").Int(); v[1] != 4000 {
		t.Errorf("cores %v", v)
	}
	if v := df.Col("layer").Records()[1]; v != "fc, \"big\"" {
		t.Errorf("layer %q", v)
	}
}
