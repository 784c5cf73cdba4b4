package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/sim"
)

func TestNetJSON(t *testing.T) {
	code, out, errs := cimkit("net", "--model", "resnet18", "--input", "32", "--xbar", "32x32", "--segments", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rs []netsim.Result
	if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != 2 {
		t.Fatalf("JSON %v: %s", err, out)
	}
	l, p := rs[0], rs[1]
	if l.Mode != "layer" || p.Mode != "pipelined" || l.Speedup != 1 || p.Speedup <= 1 || p.LatencyCycles >= l.LatencyCycles ||
		l.Segments < 2 || p.Bottleneck == "" || l.Model != "resnet18" || l.XbarRows != 32 {
		t.Errorf("records %+v\n%+v", l, p)
	}
}

func TestNetLayersCSV(t *testing.T) {
	code, out, errs := cimkit("net", "--model", "lenet5", "--xbar", "32", "--mode", "pipelined", "--duplicate", "--images", "3", "--layers", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(sim.SkipPreamble(strings.NewReader(out))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(netsim.LayerColumns(), ",") {
		t.Errorf("header %v", recs[0])
	}
	// lenet5 has 5 crossbar and 2 pool layers: two runs (plain and
	// duplicated).
	if n := len(recs) - 1; n != 2*7 || recs[1][2] != "pipelined" || recs[8][3] != "conv1" {
		t.Errorf("%d layer records, want 14:\n%s", n, out)
	}
}

func TestNetTable(t *testing.T) {
	code, out, errs := cimkit("net", "--model", "lenet5", "--xbar", "32", "--mode", "layer")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "mode") || !strings.HasPrefix(lines[1], "layer") {
		t.Errorf("exit %d: %s\n%s", code, errs, out)
	}
}

// TestNetBadInput: bad input exits 2 with a message naming it.
func TestNetBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "lenet5", "--images", "0"}, "--images 0"},
		{[]string{"--model", "lenet5", "--mode", "fast"}, "--mode"},
		{[]string{"--model", "resnet18", "--xbar", "32"}, "--segments"},
		{[]string{"--model", "resnet18", "--xbar", "32", "--cores", "4", "--segments"}, "below a layer's fold"},
		{[]string{"--model", "resnet18", "--xbar", "128", "--images", "4096"}, "shared memory"},
		{[]string{"--model", "nope"}, "unknown --model"},
	} {
		code, _, errs := cimkit(append([]string{"net"}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("net %v: exit %d, %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
}

// TestSimTotalNote: sim says on stderr when its total leaves layers out.
func TestSimTotalNote(t *testing.T) {
	code, _, errs := cimkit("sim", "--model", "lenet5", "--xbar", "32", "--cores", "4")
	if code != 0 || !strings.Contains(errs, "the total adds up 2 of 5 layers (3 do not fit 4 cores)") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// TestNetProgress: cimkit net showed nothing on long runs. Its bar counts
// the MVMs of every run of the command against one total: ResNet-18 at 32
// px on 128x128 crossbars costs one MVMs per image; --mode pipelined
// --duplicate runs it plain (one) and duplicated (the search counted at
// its longest, ten runs of one image, the last of which is kept): eleven
// in all; --mode both --duplicate adds the layer-by-layer run: twelve.
// The bar never goes back and ends at 100% of that total.
func TestNetProgress(t *testing.T) {
	net, err := loadModel("resnet18", 32)
	if err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 128, 128
	cfg := netsim.Config{Arch: a, Scheme: compile.Linear, Images: 1, Duplicate: true}
	one := netsim.Work(net, netsim.Config{Arch: a, Images: 1})
	for _, c := range []struct {
		mode netprog.Mode
		runs int64
	}{{netprog.Pipelined, 11}, {"both", 12}} {
		var buf bytes.Buffer
		bar := newProgress(&buf, "net", true) // a line every 10%, unthrottled
		cfg.Mode = c.mode
		if _, err := netRuns(net, cfg, bar); err != nil {
			t.Fatal(err)
		}
		total := c.runs * one
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		last := -1
		for _, l := range lines {
			var pct, done, of int
			if _, err := fmt.Sscanf(l, "net: %d%% (%d/%d)", &pct, &done, &of); err != nil || of != int(total) || done < last {
				t.Errorf("%s: %q after %d, want a total of %d", c.mode, l, last, total)
			}
			last = done
		}
		if len(lines) < 3 || last != int(total) {
			t.Errorf("%s: %d lines, the last at %d of %d", c.mode, len(lines), last, total)
		}
	}
}
