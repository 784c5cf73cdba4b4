package plots

import (
	"github.com/go-gota/gota/dataframe"

	"github.com/cimkit/cimkit/cim/netsim"
)

// fakeNetwork returns synthetic whole-network runs: two models on three
// crossbar sizes, each layer by layer, pipelined and pipelined with
// duplication (the smallest crossbar in segments).
func fakeNetwork() dataframe.DataFrame {
	var rs []netsim.Result
	for m, model := range []string{"resnet18", "mobilenet_v1"} {
		for k, x := range []int{32, 64, 128} {
			layer := int64(100e6 + 50e6*m + 5e6*k)
			segs := 1
			if x == 32 {
				segs = 4 + 4*m
			}
			for i, run := range []struct {
				mode string
				dup  bool
				gain float64
			}{{"layer", false, 1}, {"pipelined", false, 1.8 + 0.3*float64(k) + 0.4*float64(m)}, {"pipelined", true, 2.5 + 1.5*float64(k)}} {
				lat := int64(float64(layer) / run.gain)
				r := netsim.Result{Model: model, XbarRows: x, XbarCols: x, BusBytes: 16, CoresBudget: 1024, Scheme: "linear",
					Mode: run.mode, Duplicate: run.dup, Images: 1, Segments: segs, LatencyCycles: lat,
					LatencyUs: float64(lat) / 1000, ImagesPerS: 1e9 / float64(lat), Speedup: run.gain, Bottleneck: "conv1"}
				if i == 2 {
					r.DupGain = run.gain / rs[len(rs)-1].Speedup
				}
				rs = append(rs, r)
			}
		}
	}
	return netsim.DataFrame(rs)
}

// fakeNetworkLayers returns the layers of three synthetic runs of a small
// residual network: layer by layer (a staircase), pipelined (overlapping
// bars) and pipelined with conv1 duplicated; flatten is an alias.
func fakeNetworkLayers() dataframe.DataFrame {
	layers := []struct {
		name, kind, role string
		work             int64
	}{{"conv1", "conv2d", "crossbar", 40}, {"maxpool", "maxpool", "digital", 8}, {"layer1.0.conv1", "conv2d", "crossbar", 20},
		{"layer1.0.conv2", "conv2d", "crossbar", 20}, {"layer1.0.add", "add", "digital", 4}, {"layer2.0.conv1", "conv2d", "crossbar", 12},
		{"layer2.0.conv2", "conv2d", "crossbar", 12}, {"layer2.0.downsample.0", "conv2d", "crossbar", 3},
		{"layer2.0.add", "add", "digital", 2}, {"avgpool", "global_avgpool", "digital", 1}, {"flatten", "flatten", "alias", 0},
		{"fc", "dense", "crossbar", 1}}
	var ls []netsim.LayerResult
	for _, run := range []struct {
		mode string
		dup  bool
	}{{"layer", false}, {"pipelined", false}, {"pipelined", true}} {
		var t, start int64
		for i, l := range layers {
			r := netsim.LayerResult{Model: "resnet18", Scheme: "linear", Mode: run.mode, Layer: l.name, Kind: l.kind,
				Role: l.role, Copies: 1, XbarRows: 64, XbarCols: 64, BusBytes: 16, CoresBudget: 1024, Duplicate: run.dup, Images: 1}
			work := l.work * 1000
			if run.dup && i == 0 {
				work /= 4
				r.Copies = 4
			}
			switch {
			case l.role == "alias":
				r.StartCycles, r.EndCycles = t, t
			case run.mode == "layer":
				r.StartCycles, r.EndCycles = t, t+work
				t += work
			default:
				start += 1500
				r.StartCycles, r.EndCycles = start, max(t, start+work)+800
				t = r.EndCycles
			}
			ls = append(ls, r)
		}
	}
	return netsim.LayersDataFrame(ls)
}
