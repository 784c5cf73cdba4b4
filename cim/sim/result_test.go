package sim

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/internal/limitio"
)

func sampleResults() []Result {
	return []Result{
		{Model: "m", Layer: "conv1", Kind: "conv2d", XbarRows: 32, XbarCols: 32, BusBytes: 16, Interconnect: "axi4", CoresBudget: 1024,
			Scheme: "linear", Fits: true, PV: 2, PH: 1, Cores: 2, Vectors: 3, Cycles: 100, SeqCycles: 190,
			Speedup: 1.9, Limit: 2, BusLimit: 7.5, Efficiency: 0.95, BusBytesTotal: 1000, SyncBytes: 12,
			Overhead: 0.012, BusUtilization: 1.0 / 3, SyncMemBytes: 8, PumaAttrBytes: 10, IFMBytes: 5,
			OFMBytes: 6, PsumBytes: 24, XbarUtilization: 0.5, Ops: 4096, EnergyPJ: 100, EnergyXbarPJ: 10,
			EnergyADCPJ: 40, EnergyDigitPJ: 5, EnergyMemPJ: 20, EnergyBusPJ: 15, EnergySyncPJ: 1, EnergyStaticPJ: 9,
			AreaMM2: 0.5, SyncAreaMM2: 1e-4, PumaSyncPJ: 3, PumaAreaMM2: 2e-3, TOPSPerW: 40.96, TOPSPerMM2: 0.25},
		{Model: "m", Layer: "fc, \"big\"", Kind: "dense", Interconnect: "shared", Scheme: "cyclic", PV: 200, Cores: 4000},
	}
}

func TestColumns(t *testing.T) {
	want := "model,layer,kind,xbar_rows,xbar_cols,bus_bytes,cores_budget,scheme,fits,pv,ph,cores,vectors," +
		"cycles,seq_cycles,speedup,limit,bus_limit,efficiency,bus_bytes_total,sync_bytes,overhead," +
		"bus_utilization,sync_mem_bytes,puma_attr_bytes,ifm_bytes,ofm_bytes,psum_bytes,xbar_utilization"
	if got := strings.Join(RequiredColumns(), ","); got != want {
		t.Errorf("RequiredColumns:\n got %s\nwant %s", got, want)
	}
	energy := "ops,energy_pj,energy_xbar_pj,energy_adc_pj,energy_digital_pj,energy_mem_pj,energy_bus_pj," +
		"energy_sync_pj,energy_static_pj,area_mm2,sync_area_mm2,puma_sync_pj,puma_area_mm2,tops_per_w,tops_per_mm2"
	all := strings.Replace(want, "bus_bytes,", "bus_bytes,interconnect,", 1) + ",reason," + energy
	if got := strings.Join(Columns(), ","); got != all {
		t.Errorf("Columns:\n got %s\nwant %s", got, all)
	}
}

// A results CSV written before the optional columns (interconnect, reason,
// the energy columns) existed still reads: those fields stay empty, but
// the interconnect, which was the shared bus.
func TestReadCSVWithoutOptionalColumns(t *testing.T) {
	var b bytes.Buffer
	rs := sampleResults()
	rs[1].Reason = "needs 4000 cores, budget 1024"
	if err := WriteCSV(&b, rs); err != nil {
		t.Fatal(err)
	}
	old := dropColumns(t, b.String(), RequiredColumns())
	got, err := ReadCSV(strings.NewReader(old))
	if err != nil {
		t.Fatalf("%v\n%s", err, old)
	}
	want := make([]Result, len(rs))
	for i := range rs {
		keep := rs[i]
		src, dst := reflect.ValueOf(&keep).Elem(), reflect.ValueOf(&want[i]).Elem()
		for f, c := range Columns() {
			if slices.Contains(RequiredColumns(), c) {
				dst.Field(f).Set(src.Field(f))
			}
		}
		want[i].Interconnect = "shared"
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if !slices.Contains(EnergyColumns(), "energy_pj") || slices.Contains(RequiredColumns(), "energy_pj") {
		t.Errorf("energy_pj is not an optional energy column: %v", EnergyColumns())
	}
}

// dropColumns keeps the columns named in keep of a CSV.
func dropColumns(t *testing.T, in string, keep []string) string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(in)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, r := range recs {
		var row []string
		for k, h := range recs[0] {
			if slices.Contains(keep, h) {
				row = append(row, r[k])
			}
		}
		w.Write(row)
	}
	w.Flush()
	return b.String()
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

// zeros reads as /dev/zero does.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// Issue 12 item 4's class: the results readers stop at their limits (a
// line of MaxLineBytes, MaxFileBytes in all) or at the first byte that
// cannot start a record, instead of reading without end.
func TestReadersLimits(t *testing.T) {
	if _, err := ReadCSV(zeros{}); !errors.Is(err, limitio.ErrTooLarge) || !strings.Contains(err.Error(), "longer than 65536 bytes") {
		t.Errorf("ReadCSV of zeros: %v", err)
	}
	if _, err := ReadJSON(zeros{}); err == nil || !strings.Contains(err.Error(), "invalid character") {
		t.Errorf("ReadJSON of zeros: %v", err)
	}
}
