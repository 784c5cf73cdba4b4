package main

import (
	"io"

	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/nn"
)

func init() {
	register(command{
		name:    "net",
		summary: "simulate a whole network on one chip: layer by layer or pipelined, latency, throughput, bottleneck",
		run:     runNet,
	})
}

// netTable are the columns of the table format of net (CSV and JSON have
// all), and netLayerTable those of net --layers.
var (
	netTable = []string{"mode", "duplicate", "images", "segments", "cores", "copies", "latency_cycles", "latency_us",
		"images_per_s", "speedup", "dup_gain", "bottleneck", "bottleneck_share", "core_utilization", "bus_utilization",
		"reprogram_cycles", "sync_mem_bytes", "puma_attr_bytes", "energy_pj", "area_mm2", "tops_per_w"}
	netLayerTable = []string{"mode", "layer", "kind", "role", "segment", "copies", "rounds", "cores", "start_cycles",
		"end_cycles", "critical_share", "xbar_busy", "written_bytes"}
)

func runNet(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("net", stderr)
	var f oneChipFlags
	f.register(fs, stderr, "synchronisation scheme inside layers")
	mode := fs.String("mode", "both", "execution: layer (layer by layer), pipelined (across layers) or both (with the speedup)")
	dup := fs.Bool("duplicate", false, "also run with the bottleneck layers duplicated greedily on spare cores")
	images := fs.Int("images", 1, "images streamed through the chip (throughput in steady state)")
	segments := fs.Bool("segments", false, "when the network does not fit, run it in segments, reprogramming the chip in between")
	layers := fs.Bool("layers", false, "list every layer of every run (start, end, critical-path share) instead of one record per run")
	format := formatFlag(fs)
	if err := parseListingFlags(fs, args, format); err != nil {
		return err
	}
	s, err := f.parseScheme()
	if err != nil {
		return err
	}
	if *mode != "both" {
		if _, err := netprog.ParseMode(*mode); err != nil {
			return usagef("--mode: %v, or both", err)
		}
	}
	if *images < 1 || *images > netprog.MaxImages {
		return usagef("--images %d: want 1..%d", *images, netprog.MaxImages)
	}
	a, opt, net, err := f.load()
	if err != nil {
		return err
	}
	cfg := netsim.Config{Arch: a, Scheme: s, Mode: netprog.Mode(*mode), Images: *images, Segments: *segments,
		Duplicate: *dup, Sim: opt}
	bar := newProgress(stderr, "cimkit net", false)
	runs, err := netRuns(net, cfg, bar)
	bar.finish()
	if err != nil {
		return netError(err)
	}
	pre := runPreamble("net", args, a, opt)
	if *layers {
		var ls []netsim.LayerResult
		for _, r := range runs {
			ls = append(ls, r.Layers...)
		}
		rows := make([][]string, len(ls))
		for i := range ls {
			rows[i] = ls[i].Strings()
		}
		return emitSelected(stdout, *format, netsim.LayerColumns(), netLayerTable, rows, ls, pre)
	}
	rs := make([]netsim.Result, len(runs))
	rows := make([][]string, len(runs))
	for i, r := range runs {
		rs[i] = r.Result
		rows[i] = rs[i].Strings()
	}
	return emitSelected(stdout, *format, netsim.Columns(), netTable, rows, rs, pre)
}

// netRuns runs cfg: both modes (netsim.Compare) or one, each plain and,
// with cfg.Duplicate, duplicated (netsim.Runs); bar shows the MVMs
// simulated over all the runs.
func netRuns(net *nn.Network, cfg netsim.Config, bar *progress) ([]*netsim.Run, error) {
	if cfg.Mode == "both" {
		cfg.Mode = ""
	}
	cfg.Progress = func(done, total int64) { bar.update(int(done), int(total)) }
	return netsim.Runs(net, cfg)
}

// emitSelected writes records: every column for CSV (after the preamble
// lines pre) and JSON, the table columns for the table.
func emitSelected(w io.Writer, format string, cols, table []string, rows [][]string, records any, pre []string) error {
	if format != formatTable {
		if err := writePreamble(w, format, pre); err != nil {
			return err
		}
		return emit(w, format, cols, rows, records)
	}
	pos := map[string]int{}
	for i, c := range cols {
		pos[c] = i
	}
	short := make([][]string, len(rows))
	for i, r := range rows {
		for _, c := range table {
			short[i] = append(short[i], shortCell(r[pos[c]]))
		}
	}
	return emit(w, format, table, short, nil)
}
