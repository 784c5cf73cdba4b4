package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/sweep"
	"github.com/cimkit/cimkit/cim/zoo"
	"github.com/cimkit/cimkit/plots"
)

// The whole-network section: ResNet-18 on 128x128 crossbars (the one
// default run within small()), its records equal to netsim.Compare's, its
// row in the table, figures, files and page.
func TestNetworkSection(t *testing.T) {
	cfg := small()
	cfg.Buses = []int{64}
	cfg.Schemes = []compile.Scheme{compile.Sequential, compile.Cyclic}
	r, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	net, err := zoo.Get("resnet18", 224)
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Arch()
	a.XbarRows, a.XbarCols, a.BusBytes, a.Cores = 128, 128, 16, 1024
	runs, err := netsim.Compare(net, netsim.Config{Arch: a, Scheme: compile.Linear, Images: 1, Duplicate: true, Segments: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Network) != 3 || len(r.NetworkLayers) != 3*len(runs[0].Layers) {
		t.Fatalf("%d network records, %d layer records", len(r.Network), len(r.NetworkLayers))
	}
	for i, run := range runs {
		if !reflect.DeepEqual(r.Network[i], run.Result) {
			t.Errorf("run %d:\n got %+v\nwant %+v", i, r.Network[i], run.Result)
		}
	}
	rows := r.NetworkTable()
	want := NetworkRow{Model: "resnet18", Xbar: 128, Segments: 1, Cores: runs[2].Result.Cores,
		LayerUs: runs[0].Result.LatencyUs, PipeUs: runs[1].Result.LatencyUs, DupUs: runs[2].Result.LatencyUs,
		Speedup: runs[1].Result.Speedup, DupGain: runs[2].Result.DupGain, ImagesPerS: runs[2].Result.ImagesPerS,
		Copies: runs[2].Result.Copies, Bottleneck: rows[0].Bottleneck}
	if len(rows) != 1 || rows[0] != want || !strings.HasPrefix(rows[0].Bottleneck, runs[2].Result.Bottleneck+" (") {
		t.Errorf("table %+v\nwant %+v", rows, want)
	}
	if len(r.NetworkFigures) != 2 || r.NetworkFigures[0].Name != "network_speedup" ||
		r.NetworkFigures[1].Name != "network_timeline_resnet18_128" {
		t.Errorf("network figures %d", len(r.NetworkFigures))
	}
	dir := t.TempDir()
	index, err := r.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(index)
	for _, s := range []string{`id="network"`, "resnet18@128&#43;dup at 224x224", `href="network.csv"`, `href="network_layers.csv"`,
		`src="figures/network_timeline_resnet18_128_1col.svg"`, fmt.Sprintf("<td>%.2fx</td>", runs[1].Result.Speedup)} {
		if !strings.Contains(string(html), s) {
			t.Errorf("index.html lacks %q", s)
		}
	}
	// The saved records read back into the same figures.
	for _, c := range []struct {
		file string
		read func(f *os.File) error
	}{
		{NetworkFile, func(f *os.File) error { _, err := plots.ReadNetwork(f, NetworkFile); return err }},
		{NetworkLayersFile, func(f *os.File) error { _, err := plots.ReadNetworkLayers(f, NetworkLayersFile); return err }},
	} {
		f, err := os.Open(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.read(f); err != nil {
			t.Error(err)
		}
		f.Close()
	}
	var sum strings.Builder
	if err := r.WriteSummary(&sum); err != nil || !strings.Contains(sum.String(), "Whole networks (resnet18@128+dup") {
		t.Errorf("summary %v:\n%s", err, sum.String())
	}
}

// No runs within the report's models and crossbars: no section, no files.
func TestNoNetworkSection(t *testing.T) {
	cfg := small()
	cfg.Buses = []int{64}
	cfg.Schemes = []compile.Scheme{compile.Sequential, compile.Cyclic}
	cfg.Network.Runs = []NetworkRun{{"mobilenet_v1", sweep.Xbar{Rows: 128, Cols: 128}, false}}
	r, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	index, err := r.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(index)
	if len(r.Network) != 0 || strings.Contains(string(html), `id="network"`) {
		t.Errorf("%d network records; page has the section: %v", len(r.Network), strings.Contains(string(html), `id="network"`))
	}
	if _, err := os.Stat(filepath.Join(dir, NetworkFile)); !os.IsNotExist(err) {
		t.Errorf("%s: %v", NetworkFile, err)
	}
}

func TestParseNetworkRuns(t *testing.T) {
	runs, err := ParseNetworkRuns("resnet18@32+dup, mobilenet_v1@128x64")
	want := []NetworkRun{{"resnet18", sweep.Xbar{Rows: 32, Cols: 32}, true}, {"mobilenet_v1", sweep.Xbar{Rows: 128, Cols: 64}, false}}
	if err != nil || !reflect.DeepEqual(runs, want) || runs[0].String() != "resnet18@32+dup" || runs[1].String() != "mobilenet_v1@128x64" {
		t.Errorf("%v, %v", runs, err)
	}
	if runs, err := ParseNetworkRuns("none"); err != nil || runs != nil {
		t.Errorf("none: %v, %v", runs, err)
	}
	for _, bad := range []string{"resnet18", "@32", "resnet18@", "resnet18@0", "resnet18@32,,", "resnet18@32+dupe"} {
		if _, err := ParseNetworkRuns(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	// Within keeps the runs on the report's models and crossbars, and
	// drops the reason that spoke of the others.
	d := DefaultNetwork()
	w := d.Within([]string{"resnet18"}, []sweep.Xbar{{Rows: 128, Cols: 128}})
	if len(w.Runs) != 1 || w.Runs[0].String() != "resnet18@128+dup" || w.Why != "" || d.Why == "" {
		t.Errorf("within: %+v", w)
	}
	if all := d.Within([]string{"resnet18", "mobilenet_v1"}, Default().Xbars); !reflect.DeepEqual(all, d) {
		t.Errorf("the default report keeps every default run: %+v", all)
	}
}
