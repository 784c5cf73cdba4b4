package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/sweep"
	"github.com/cimkit/cimkit/plots"
)

// small is a quick configuration: ResNet-18 on 128x128 crossbars, two
// buses, SVG only.
func small() Config {
	c := Default()
	c.Models = []string{"resnet18"}
	c.Xbars = []sweep.Xbar{{Rows: 128, Cols: 128}}
	c.Buses = []int{8, 64}
	c.Schemes = []compile.Scheme{compile.Sequential, compile.Linear, compile.Cyclic}
	c.Formats = []plots.Format{plots.SVG}
	c.Sizes = []plots.Size{plots.OneColumn}
	return c
}

func TestRunAndWrite(t *testing.T) {
	calls, last, lastTotal := 0, 0, 0
	cfg := small()
	cfg.Interconnects = cfg.AllInterconnects()
	cfg.Progress = func(done, total int) { calls, last, lastTotal = calls+1, done, total }
	r, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// 20 conv layers x 2 buses x 3 schemes x 2 interconnects (the default
	// one, then the other); the fc layer is left out.
	if len(r.Results) != 240 {
		t.Errorf("%d results, want 240", len(r.Results))
	}
	if ics := r.Config.interconnects(); len(ics) != 2 || ics[0] != arch.Default().Interconnect ||
		r.Results[0].Interconnect != ics[0] || r.Results[239].Interconnect != ics[1] {
		t.Errorf("interconnects %v; first result on %s, last on %s", ics, r.Results[0].Interconnect, r.Results[239].Interconnect)
	}
	if len(Default().interconnects()) != 1 {
		t.Errorf("Default sweeps %v, want its Base's interconnect alone", Default().interconnects())
	}
	if calls == 0 || last != lastTotal {
		t.Errorf("progress: %d calls, last %d of %d", calls, last, lastTotal)
	}
	for _, x := range r.Results {
		if x.Kind != "conv2d" {
			t.Fatalf("non-conv result %s %s", x.Layer, x.Kind)
		}
	}
	if r.Trace == nil || r.Trace.Cycles == 0 {
		t.Error("no traced run")
	}
	dir := t.TempDir()
	index, err := r.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(index)
	for _, c := range r.Claims {
		if !strings.Contains(string(html), escaped(c.Paper)) {
			t.Errorf("index.html lacks claim %q", c.Paper)
		}
	}
	for _, f := range r.Figures {
		name := f.FileName(plots.SVG, plots.OneColumn)
		if _, err := os.Stat(filepath.Join(dir, "figures", name)); err != nil {
			t.Errorf("figure %s: %v", name, err)
		}
		if !strings.Contains(string(html), `src="figures/`+name+`"`) {
			t.Errorf("index.html does not show %s", name)
		}
	}
	for _, m := range regexp.MustCompile(`(?:href|src)="([^"#]+)"`).FindAllStringSubmatch(string(html), -1) {
		if _, err := os.Stat(filepath.Join(dir, m[1])); err != nil {
			t.Errorf("index.html links to a missing file: %v", err)
		}
	}
	checkPreamble(t, r, dir)
	checkTitles(t, r, dir)
	var sum bytes.Buffer
	if err := r.WriteSummary(&sum); err != nil || !strings.Contains(sum.String(), "resnet18  128x128  cyclic") {
		t.Errorf("summary %v:\n%s", err, sum.String())
	}
	checkEnergy(t, r, string(html))
}

// checkPreamble: results.csv (and the network files) open with '#' lines
// naming the sweep, the chip as arch JSON, the simulator's options and the
// technology, and still read as results.
func checkPreamble(t *testing.T, r *Report, dir string) {
	t.Helper()
	j, err := json.Marshal(arch.Default())
	if err != nil {
		t.Fatal(err)
	}
	want := "# cimkit report: models resnet18 at 224x224; crossbars 128x128; buses 8, 64 B; core budget 1024; " +
		"schemes sequential, linear, cyclic; interconnects axi4, shared\n" +
		"# chip: the arch below, with each row's crossbar, bus width, core budget and interconnect\n" +
		"# arch: " + string(j) + "\n# simulator: arbiter=oldest blocking_mvm=no\n# tech: cimkit-default-32nm\n"
	for _, name := range []string{"results.csv", NetworkFile, NetworkLayersFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !strings.HasPrefix(string(b), want) {
			t.Errorf("%s opens with\n%.800s\nwant\n%s", name, b, want)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "results.csv"))
	if rs, err := sim.ReadCSV(bytes.NewReader(b)); err != nil || len(rs) != len(r.Results) {
		t.Errorf("results.csv reads as %d results, %v", len(rs), err)
	}
	if _, err := plots.ReadResults(bytes.NewReader(b), "results.csv"); err != nil {
		t.Errorf("plots.ReadResults: %v", err)
	}
}

// checkTitles: every SVG figure the report writes has a <title> naming the
// figure and its configuration (the sweep, the chip's timing, the
// technology); the report's figures had none.
func checkTitles(t *testing.T, r *Report, dir string) {
	t.Helper()
	figs := append(slices.Clip(r.Figures), r.NetworkFigures...)
	if len(r.NetworkFigures) == 0 {
		t.Error("no network figures to check")
	}
	for _, f := range figs {
		b, err := os.ReadFile(filepath.Join(dir, "figures", f.FileName(plots.SVG, plots.OneColumn)))
		if err != nil {
			t.Error(err)
			continue
		}
		m := regexp.MustCompile(`(?s)<svg[^>]*><title>([^<]*)</title>`).FindSubmatch(b)
		want := []string{f.Name + ": ", "crossbars 128x128", fmt.Sprintf("Chip: MVM %d cycles", arch.Default().MVMCycles),
			"Technology cimkit-default-32nm."}
		for _, w := range want {
			if m == nil || !strings.Contains(html.UnescapeString(string(m[1])), w) {
				t.Errorf("%s: title %q lacks %q", f.Name, m, w)
				break
			}
		}
	}
}

// Two reports on different chips write different preambles: the command
// line that made it (when given) first, then every chip parameter.
func TestPreambleNamesTheChip(t *testing.T) {
	slow := small()
	slow.Base = arch.Default()
	slow.Base.MVMCycles = 6400
	slow.Command = "cimkit report --arch slow.json"
	p, q := small().preamble(), slow.preamble()
	if p[0] == slow.Command || q[0] != slow.Command || !strings.Contains(q[3], `"mvm_cycles":6400`) ||
		!strings.Contains(p[2], fmt.Sprintf(`"mvm_cycles":%d`, arch.Default().MVMCycles)) {
		t.Errorf("preambles\n%s\n%s", strings.Join(p, "\n"), strings.Join(q, "\n"))
	}
}

// checkEnergy: the energy table has one row per bus (cyclic, 1024 cores),
// every conv layer of ResNet-18 fits 128x128 crossbars, the chip runs the
// largest layer (so its area is at least every layer's), and the page
// shows the table.
func checkEnergy(t *testing.T, r *Report, html string) {
	t.Helper()
	rows := r.Energy()
	if len(rows) != 2 || rows[0].Bus != 8 || rows[1].Bus != 64 {
		t.Fatalf("energy rows %+v", rows)
	}
	for _, e := range rows {
		var sum float64
		for _, x := range r.main() {
			if x.Scheme == "cyclic" && x.BusBytes == e.Bus {
				sum += x.EnergyPJ
				if x.AreaMM2 > e.AreaMM2 {
					t.Errorf("%d B: chip %g mm² smaller than layer %s's %g", e.Bus, e.AreaMM2, x.Layer, x.AreaMM2)
				}
			}
		}
		if e.Fit != 20 || e.Scheme != "cyclic" || sum/1e9 != e.EnergyMJ || !(e.SyncShare > 0 && e.SyncShare < 0.01) || !(e.TOPSPerW > 0) {
			t.Errorf("energy row %+v (sum of layers %g mJ)", e, sum/1e9)
		}
	}
	if !strings.Contains(html, "<h2>Energy and area</h2>") || !strings.Contains(html, "cimkit-default-32nm") {
		t.Error("index.html has no energy table")
	}
}

// escaped escapes text as html/template does for the claims.
func escaped(s string) string {
	return strings.NewReplacer("'", "&#39;", "&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func TestRunErrors(t *testing.T) {
	c := small()
	c.Models = []string{"nope"}
	if _, err := Run(context.Background(), c); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown model: %v", err)
	}
	c = small()
	c.Models = nil
	if _, err := Run(context.Background(), c); err == nil {
		t.Error("no models: no error")
	}
	c = small()
	c.Buses = nil
	if _, err := Run(context.Background(), c); err == nil || !strings.Contains(err.Error(), "bus") {
		t.Errorf("no buses: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, small()); err == nil {
		t.Error("cancelled: no error")
	}
	r := &Report{Config: small()}
	if _, err := r.Write("/proc/nonexistent/dir"); err == nil {
		t.Error("unwritable directory: no error")
	}
}

// TestTraceFallback: without the configured model the timeline shows a
// swept layer, simulated on the report's main interconnect (here the
// shared bus, not Base's AXI4), which its caption names.
func TestTraceFallback(t *testing.T) {
	c := small()
	c.Models = []string{"mobilenet_v1"}
	c.Buses = []int{64}
	c.Schemes = []compile.Scheme{compile.Sequential, compile.Cyclic}
	c.Interconnects = []string{arch.Shared}
	r, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	tc := r.Config.Trace
	if tc.Model != "mobilenet_v1" || r.Trace == nil {
		t.Fatalf("trace %+v, timing %v", tc, r.Trace)
	}
	if r.Trace.Interconnect != arch.Shared {
		t.Errorf("timeline simulated on %q, want the main interconnect %q", r.Trace.Interconnect, arch.Shared)
	}
	names := map[string]*plots.Figure{}
	for _, f := range r.Figures {
		names[f.Name] = f
	}
	if names["timeline"] == nil || names["bus_utilization"] == nil {
		t.Fatalf("figures %v lack the timeline", names)
	}
	if c := names["timeline"].Caption; !regexp.MustCompile(`cycles 0 to [0-9]+\. .*, shared bus, cyclic$`).MatchString(c) {
		t.Errorf("timeline caption %q", c)
	}
}

// TestSweepAndBase: Sweep returns the results Run reports on, and Base
// reaches every simulation and the page. The layer, bus and scheme are
// fixed; doubling the MVM latency of layer1.0.conv1 on 128x128 crossbars
// (PV 5, 3136 vectors, MVM-bound at 64 B) must change its cycles.
func TestSweepAndBase(t *testing.T) {
	c := small()
	c.Buses = []int{64}
	c.Schemes = []compile.Scheme{compile.Sequential, compile.Cyclic}
	r, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Sweep(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rs, r.Results) {
		t.Fatalf("Sweep gave %d results, Run %d, or they differ", len(rs), len(r.Results))
	}
	if !reflect.DeepEqual(Claims(rs), r.Claims) {
		t.Error("Claims(Sweep(c)) differs from Run(c).Claims")
	}
	slow := c
	slow.Base = arch.Default()
	slow.Base.MVMCycles *= 2
	rs2, err := Sweep(context.Background(), slow)
	if err != nil {
		t.Fatal(err)
	}
	cycles := func(rs []sim.Result) int64 {
		for _, x := range rs {
			if x.Layer == "layer1.0.conv1" && x.Scheme == "cyclic" {
				return x.Cycles
			}
		}
		t.Fatal("layer1.0.conv1 cyclic is missing")
		return 0
	}
	if a, b := cycles(rs), cycles(rs2); b <= a {
		t.Errorf("MVM %d -> %d cycles: layer1.0.conv1 takes %d -> %d cycles", arch.Default().MVMCycles, slow.Base.MVMCycles, a, b)
	}
	var page bytes.Buffer
	r.Config = slow
	if err := r.HTML(&page); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("MVM %d cycles", slow.Base.MVMCycles); !strings.Contains(page.String(), want) ||
		strings.Contains(page.String(), "cim/arch defaults") {
		t.Errorf("index.html with Base: lacks %q or still says defaults", want)
	}
}
