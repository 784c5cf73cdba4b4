package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/plots"
)

// smallReport runs a quick report (ResNet-18, 128x128, one bus) into a
// temporary directory and returns it.
func smallReport(t *testing.T, command string) (dir, out string) {
	t.Helper()
	dir = t.TempDir()
	code, out, errs := cimkit(command, "--out", dir, "--models", "resnet18", "--xbar", "128", "--bus", "64",
		"--schemes", "sequential,cyclic", "--format", "svg,png", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	return dir, out
}

func TestReportWritesEverything(t *testing.T) {
	dir, out := smallReport(t, "report")
	index := filepath.Join(dir, "index.html")
	if !strings.Contains(out, "Report: "+index) || !strings.Contains(out, "128x128  cyclic") {
		t.Errorf("summary:\n%s", out)
	}
	html, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"The paper's claims", "below 4% of bus traffic", "figures/speedup_resnet18_2col.svg",
		"figures/timeline_2col.svg", `href="results.csv"`, "layer4.1.conv2", "figures/carried_2col.svg",
		"Cores carried near the limit"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	f, err := os.Open(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	df, err := plots.ReadResults(f, "results.csv")
	if err != nil {
		t.Fatal(err)
	}
	// 20 conv layers (the fc layer is left out) x 2 schemes x 2
	// interconnects (the default one and, compared with it, the other).
	if df.Nrow() != 80 {
		t.Errorf("results.csv has %d rows, want 80", df.Nrow())
	}
	figs, _ := filepath.Glob(filepath.Join(dir, "figures", "*"))
	// speedup, overhead, memory, energy breakdown, sync cost, efficiency,
	// energy per inference, carried (the interconnects compared), timeline,
	// bus utilisation, and the whole network (resnet18@128): speedup and
	// timeline; 2 formats x 2 sizes each.
	if len(figs) != 12*4 {
		t.Errorf("%d figure files, want 48: %v", len(figs), figs)
	}
}

func TestRunIsTheReport(t *testing.T) {
	dir, out := smallReport(t, "run")
	if !strings.Contains(out, filepath.Join(dir, "index.html")) {
		t.Errorf("run does not print the report path:\n%s", out)
	}
}

func TestReportUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "gif"}, `unknown figure format "gif"`},
		{[]string{"--bus", "0"}, "--bus"},
		{[]string{"--xbar", ""}, "--xbar"},
		{[]string{"--schemes", "zigzag"}, "--schemes"},
		{[]string{"--models", "nope"}, `unknown --model "nope"`},
		{[]string{"--models", ","}, "--models: empty list"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		code, _, errs := cimkit(append([]string{"report"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("report %v: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

func TestPlotRedraws(t *testing.T) {
	dir, _ := smallReport(t, "report")
	out := t.TempDir()
	code, stdout, errs := cimkit("plot", "--in", filepath.Join(dir, "results.csv"), "--out", out, "--format", "pdf,eps", "--size", "1col")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	files := strings.Fields(stdout)
	// No trace in a CSV: speedup, overhead, memory, energy breakdown, sync
	// cost, efficiency, energy per inference, carried; and from the network
	// records beside it the network speedup and timeline.
	if len(files) != 20 || !strings.HasSuffix(files[0], "carried_1col.eps") {
		t.Errorf("plot wrote %v", files)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestPlotBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte(strings.Join(plots.Columns, ",")+"\n"+strings.Repeat("x,", len(plots.Columns)-1)+"x\n"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "--in (a results CSV, e.g. report/results.csv), --trace"},
		{[]string{"--trace", bad, "--cores", "0"}, 2, "--cores 0"},
		{[]string{"--trace", bad}, 1, "bad.csv: not a trace CSV"},
		{[]string{"--in", filepath.Join(dir, "missing.csv")}, 2, "missing.csv: no such file"},
		{[]string{"--in", bad}, 1, `bad.csv: row 1, column xbar_rows: "x" is not a number`},
		{[]string{"--in", bad, "--format", "jpeg"}, 2, `unknown figure format "jpeg"`},
		{[]string{"--in", bad, "--size", "a4"}, 2, `unknown size "a4"`},
	} {
		code, _, errs := cimkit(append([]string{"plot", "--out", dir}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("plot %v: exit %d, %q; want %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
}

func TestPlotTrace(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "trace.csv")
	code, _, errs := cimkit("sim", "--model", "resnet18", "--layer", "layer2.0.conv1", "--xbar", "64x64",
		"--bus", "16", "--scheme", "linear", "--trace", trace)
	if code != 0 {
		t.Fatalf("sim exit %d: %s", code, errs)
	}
	code, out, errs := cimkit("plot", "--trace", trace, "--out", dir, "--format", "svg", "--size", "2col", "--to", "5000")
	if code != 0 || !strings.Contains(out, "timeline_2col.svg") || !strings.Contains(out, "bus_utilization_2col.svg") {
		t.Errorf("plot --trace: exit %d, %s %s", code, out, errs)
	}
}

// TestPlotSweepOutput redraws figures from "cimkit sweep" output with
// model totals and a dense layer.
func TestPlotSweepOutput(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "sweep.csv")
	code, _, errs := cimkit("sweep", "--models", "resnet18", "--xbar", "128", "--bus", "64",
		"--schemes", "sequential,linear", "--totals", "--out", csv)
	if code != 0 {
		t.Fatalf("sweep exit %d: %s", code, errs)
	}
	code, out, errs := cimkit("plot", "--in", csv, "--out", dir, "--format", "svg", "--size", "1col")
	if code != 0 || strings.Count(out, ".svg") != 7 {
		t.Errorf("plot: exit %d, %s %s", code, out, errs)
	}
}
