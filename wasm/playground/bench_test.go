package playground

import "testing"

// BenchmarkModelResNet18 is the page's whole-model run (one worker, every
// layer simulated, figures drawn) natively; the browser test compares the
// WebAssembly run in Chromium with `cimkit sim`.
func BenchmarkModelResNet18(b *testing.B) {
	req := Request{Op: "model", Model: "resnet18", Input: 224, Xbar: "64x64", Bus: 16, Cores: 1024, Scheme: "cyclic"}
	for b.Loop() {
		if r := Handle(req, nil); r.Error != "" {
			b.Fatal(r.Error)
		}
	}
}

// BenchmarkLayerTimeline is the whole-layer timeline of ResNet-18's conv1
// at 32x32 (1.25M spans): a run to learn the layer's length, then a run
// whose spans are summed into pixel columns as they happen, so no trace is
// kept (138 MB allocated per click when the page drew from a full trace,
// 0.7 MB now).
func BenchmarkLayerTimeline(b *testing.B) {
	req := Request{Op: "layer", Model: "resnet18", Input: 224, Xbar: "32x32", Bus: 16, Cores: 1024, Scheme: "cyclic", Layer: "conv1"}
	for b.Loop() {
		r := Handle(req, nil)
		if r.Error != "" {
			b.Fatal(r.Error)
		}
		b.ReportMetric(float64(len(r.Data.(*LayerResult).TimelineSVG)), "svg-bytes")
	}
}
