package plots

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-gota/gota/dataframe"

	"github.com/cimkit/cimkit/cim/sim"
)

func csvOf(t *testing.T, recs [][]string) string {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestReadResultsRoundTrip checks that the DataFrame read from a results
// CSV has the result columns and exactly the values written.
func TestReadResultsRoundTrip(t *testing.T) {
	recs := fakeRecords("resnet18", fakeResNet[:3], []int{32, 64}, []int{8}, []string{"sequential", "linear"})
	df, err := ReadResults(strings.NewReader(csvOf(t, recs)), "results.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(df.Names(), ","); got != strings.Join(slices.Concat(Columns, sim.EnergyColumns()), ",") {
		t.Fatalf("columns %s", got)
	}
	if df.Nrow() != len(recs)-1 {
		t.Fatalf("%d rows, want %d", df.Nrow(), len(recs)-1)
	}
	rows, err := table(df, "t")
	if err != nil {
		t.Fatal(err)
	}
	for i, rec := range recs[1:] {
		for j, col := range recs[0] { // with the energy columns
			checkCell(t, rows[i], col, rec[j], i)
		}
	}
}

func checkCell(t *testing.T, r row, col, want string, i int) {
	t.Helper()
	var got string
	switch col {
	case "model":
		got = r.model
	case "layer":
		got = r.layer
	case "kind":
		got = r.kind
	case "scheme":
		got = r.scheme
	case "fits":
		got = strconv.FormatBool(r.fits)
	default:
		w, _ := strconv.ParseFloat(want, 64)
		if r.n(col) != w {
			t.Errorf("row %d %s = %v, want %v", i, col, r.n(col), w)
		}
		return
	}
	if got != want {
		t.Errorf("row %d %s = %q, want %q", i, col, got, want)
	}
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadResultsErrors(t *testing.T) {
	good := fakeRecords("m", fakeResNet[:2], []int{32}, []int{8}, []string{"linear"})
	bad := func(col int, v string) string {
		recs := make([][]string, len(good))
		for i := range good {
			recs[i] = append([]string(nil), good[i]...)
		}
		recs[2][col] = v
		return csvOf(t, recs)
	}
	cases := []struct {
		name, in, want string
	}{
		{"non-number", bad(13, "lots"), `row 2, column cycles: "lots" is not a number`},
		{"bad bool", bad(8, "maybe"), `row 2, column fits: "maybe" is not true or false`},
		{"missing columns", "model,layer\nm,conv1\n", "missing result columns kind, xbar_rows"},
		{"ragged", strings.Join(Columns, ",") + "\nm,conv1\n", "not a results CSV"},
		{"empty", "", "in.csv"},
	}
	for _, c := range cases {
		_, err := ReadResults(strings.NewReader(c.in), "in.csv")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "in.csv") {
			t.Errorf("%s: error %v, want one containing %q and the input name", c.name, err, c.want)
		}
	}
	if _, err := ReadResults(failReader{}, "in.csv"); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("unreadable input: %v", err)
	}
}

// tinyFrame is a hand-made sweep: one model, two layers, two buses.
func tinyFrame(t *testing.T) dataframe.DataFrame {
	recs := [][]string{slices.Concat(Columns, sim.EnergyColumns())}
	add := func(layer string, bus, pv, cores int, eff float64, fits bool) {
		r := fakeRow("m", fakeLayer{layer, pv * 32, 32, 10}, 32, bus, "linear")
		r[8], r[9], r[11], r[18] = strconv.FormatBool(fits), strconv.Itoa(pv), strconv.Itoa(cores),
			strconv.FormatFloat(eff, 'g', -1, 64)
		recs = append(recs, r)
	}
	add("a", 4, 4, 4, 0.9, true)
	add("b", 4, 3, 3, 0.8, true)
	add("c", 4, 8, 8, 0.5, true)
	add("d", 4, 1, 1, 1, true)      // PV 1: left out
	add("e", 4, 64, 2048, 1, false) // does not fit: left out
	add("a", 16, 4, 4, 1, true)
	add("b", 16, 3, 3, 0.9, true)
	df, err := ReadResults(strings.NewReader(csvOf(t, recs)), "tiny")
	if err != nil {
		t.Fatal(err)
	}
	return df
}

func TestEfficiencyPoints(t *testing.T) {
	pts, err := EfficiencyPoints(tinyFrame(t), Select{})
	if err != nil {
		t.Fatal(err)
	}
	want := []EfficiencyPoint{{4, 4, 0.85, 2}, {4, 8, 0.5, 1}, {16, 4, 0.95, 2}}
	if len(pts) != len(want) {
		t.Fatalf("points %v, want %v", pts, want)
	}
	for i := range want {
		p, w := pts[i], want[i]
		if p.Bus != w.Bus || p.Cores != w.Cores || p.Layers != w.Layers || math.Abs(p.Efficiency-w.Efficiency) > 1e-12 {
			t.Errorf("point %d = %+v, want %+v", i, p, w)
		}
	}
}

func TestSelectErrors(t *testing.T) {
	df := fakeFrame()
	_, err := Speedup(df, Select{})
	if err == nil || !strings.Contains(err.Error(), "select one bus_bytes") {
		t.Errorf("speedup over every bus width: %v, want a request to select one bus_bytes", err)
	}
	_, err = Efficiency(df, Select{})
	if err == nil || !strings.Contains(err.Error(), "select one scheme") {
		t.Errorf("efficiency over every scheme: %v", err)
	}
	_, err = Memory(df, Select{Model: "vgg16"})
	if err == nil || !strings.Contains(err.Error(), "no results for model=vgg16") {
		t.Errorf("unknown model: %v", err)
	}
	_, err = Overhead(dataframe.LoadRecords([][]string{{"model"}, {"x"}}), Select{})
	if err == nil || !strings.Contains(err.Error(), "missing result columns") {
		t.Errorf("frame without result columns: %v", err)
	}
}

func TestShortLayer(t *testing.T) {
	for in, want := range map[string]string{
		"layer2.0.downsample.0": "L2.0.ds", "layer1.1.conv2": "L1.1.c2", "conv_pw_13": "pw13",
		"conv_dw_1": "dw1", "conv1": "conv1", "fc": "fc",
	} {
		if got := shortLayer(in); got != want {
			t.Errorf("shortLayer(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTotalsLeftOut(t *testing.T) {
	recs := fakeRecords("m", fakeResNet[:2], []int{32}, []int{8}, []string{"linear"})
	tot := append([]string(nil), recs[1]...)
	tot[1] = "total"
	recs = append(recs, tot)
	rows, err := selectRows(frameRows(t, dataframe.LoadRecords(recs)), Select{}, "t")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(layerOrder(rows), ","); got != "conv1,layer1.0.conv1" {
		t.Errorf("layers %s, want the two layers without the total", got)
	}
}

// frameRows converts df to rows, failing the test on an error.
func frameRows(t *testing.T, df dataframe.DataFrame) []row {
	t.Helper()
	rows, err := table(df, "test")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
