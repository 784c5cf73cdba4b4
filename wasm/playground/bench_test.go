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

// BenchmarkLayerTimeline is a click on ResNet-18's conv1 at 32x32: a traced
// run of 1.25M spans drawn as the per-core timeline.
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
