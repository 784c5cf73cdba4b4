package plots

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/go-gota/gota/dataframe"
)

func csvOfFrame(t testing.TB, df dataframe.DataFrame) string {
	t.Helper()
	var b bytes.Buffer
	if err := df.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Saved records read back into the same figures: the timeline has a row
// per layer with time (the alias "flatten" has none) and each run's latency
// in its key; the speedup figure a panel per model.
func TestNetworkFiguresFromCSV(t *testing.T) {
	res, err := ReadNetwork(strings.NewReader("# a preamble line\n"+csvOfFrame(t, fakeNetwork())), "network.csv")
	if err != nil {
		t.Fatal(err)
	}
	layers, err := ReadNetworkLayers(strings.NewReader(csvOfFrame(t, fakeNetworkLayers())), "network_layers.csv")
	if err != nil {
		t.Fatal(err)
	}
	figs, err := NetworkStandard(res, layers)
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 2 || figs[0].Name != "network_speedup" || figs[1].Name != "network_timeline_resnet18_64" {
		t.Fatalf("figures %v", figNames(figs))
	}
	if len(figs[0].Panels) != 2 || figs[0].Panels[1].Title.Text != "mobilenet_v1" {
		t.Errorf("speedup panels: %d", len(figs[0].Panels))
	}
	tl := figs[1]
	ticks := tl.Panels[0].Y.Tick.Marker.Ticks(0, 0)
	if len(ticks) != 11 || ticks[0].Label != "conv1" || ticks[10].Label != "fc" {
		t.Errorf("timeline rows: %v", ticks)
	}
	// Layer by layer, the last layer (fc, 1k cycles) ends at the sum of
	// all layers' work: 40+8+20+20+4+12+12+3+2+1+1 = 123k cycles.
	var keys []string
	for _, k := range tl.key {
		keys = append(keys, k.label)
	}
	want := "layer by layer: 123k cycles|pipelined: 50.3k cycles|pipelined, duplicated: 32.4k cycles"
	if strings.Join(keys, "|") != want {
		t.Errorf("timeline key %q, want %q", strings.Join(keys, "|"), want)
	}
	// Without layers, the speedup figure alone; with neither, no data.
	if figs, err := NetworkStandard(res, dataframe.DataFrame{}); err != nil || len(figs) != 1 {
		t.Errorf("results only: %v, %v", figNames(figs), err)
	}
	if _, err := NetworkStandard(dataframe.DataFrame{}, dataframe.DataFrame{}); !errors.Is(err, ErrNoData) {
		t.Errorf("nothing: %v", err)
	}
}

func figNames(figs []*Figure) []string {
	var out []string
	for _, f := range figs {
		out = append(out, f.Name)
	}
	return out
}

// Bad records give errors naming the input, the row and the column.
func TestReadNetworkErrors(t *testing.T) {
	good := csvOfFrame(t, fakeNetwork())
	head, body, _ := strings.Cut(good, "\n")
	for _, c := range []struct{ name, in, want string }{
		{"missing", strings.Replace(good, "latency_cycles", "latency", 1), "missing network columns latency_cycles"},
		{"number", head + "\n" + strings.Replace(body, ",16,", ",sixteen,", 1), "row 1, column bus_bytes: \"sixteen\" is not a number"},
		{"bool", head + "\n" + strings.Replace(body, ",false,", ",maybe,", 1), "row 1, column duplicate: \"maybe\" is not true or false"},
		{"csv", "\"unterminated\n", "not a CSV of network runs"},
	} {
		_, err := ReadNetwork(strings.NewReader(c.in), "in.csv")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "in.csv") {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := ReadNetworkLayers(strings.NewReader(good), "runs.csv"); err == nil || !strings.Contains(err.Error(), "missing network columns layer") {
		t.Errorf("results read as layers: %v", err)
	}
}

// Figures refuse what they cannot draw: several configurations without a
// selection (naming the axis that varies), a layer ending before its
// start, a selection that keeps nothing.
func TestNetworkFigureErrors(t *testing.T) {
	two := fakeNetworkLayers()
	bus := two.Col("bus_bytes").Copy()
	for i := range bus.Len() {
		bus.Elem(i).Set(32)
	}
	two = two.RBind(two.Mutate(bus))
	if _, err := NetworkTimeline(two, Select{}); err == nil || !strings.Contains(err.Error(), "(bus_bytes 16 and 32): select one") {
		t.Errorf("two buses: %v", err)
	}
	if _, err := NetworkTimeline(two, Select{Bus: 32}); err != nil {
		t.Errorf("bus 32 selected: %v", err)
	}
	if _, err := NetworkSpeedup(fakeNetwork(), Select{Model: "vgg16"}); !errors.Is(err, ErrNoData) {
		t.Errorf("no such model: %v", err)
	}
	bad := fakeNetworkLayers()
	end := bad.Col("end_cycles").Copy()
	end.Elem(0).Set(-5)
	if _, err := NetworkTimeline(bad.Mutate(end), Select{}); err == nil || !strings.Contains(err.Error(), "conv1 (layer by layer): ends at -5 before its start 0") {
		t.Errorf("end before start: %v", err)
	}
}

// FuzzReadNetwork checks that no input makes the readers or the figures
// built from what they accept panic.
func FuzzReadNetwork(f *testing.F) {
	f.Add([]byte(csvOfFrame(f, fakeNetwork())))
	f.Add([]byte(csvOfFrame(f, fakeNetworkLayers())))
	f.Add([]byte(strings.Join(NetworkLayerColumns, ",") + "\n"))
	f.Add([]byte("model,model\n1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if df, err := ReadNetwork(bytes.NewReader(data), "fuzz"); err == nil {
			_, _ = NetworkStandard(df, dataframe.DataFrame{}) // errors are fine; a panic fails
		}
		if df, err := ReadNetworkLayers(bytes.NewReader(data), "fuzz"); err == nil {
			_, _ = NetworkStandard(dataframe.DataFrame{}, df)
		}
	})
}
