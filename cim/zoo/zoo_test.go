package zoo

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/nn"
)

// published holds each model's MAC and parameter totals as published, at
// 224x224 (LeNet-5 at 32x32). torchvision's figures are the "_ops" (GFLOPS,
// which torchvision counts as multiply-accumulates) and "num_params" of the
// IMAGENET1K_V1 weights in torchvision/models/*.py, also in the table at
// https://pytorch.org/vision/stable/models.html.
var published = map[string]struct {
	macs, params float64
	source       string
}{
	"alexnet":       {0.714e9, 61100840, "torchvision AlexNet_Weights.IMAGENET1K_V1"},
	"vgg11":         {7.609e9, 132863336, "torchvision VGG11_Weights.IMAGENET1K_V1"},
	"vgg16":         {15.47e9, 138357544, "torchvision VGG16_Weights.IMAGENET1K_V1"},
	"resnet18":      {1.814e9, 11689512, "torchvision ResNet18_Weights.IMAGENET1K_V1"},
	"resnet34":      {3.664e9, 21797672, "torchvision ResNet34_Weights.IMAGENET1K_V1"},
	"resnet50":      {4.089e9, 25557032, "torchvision ResNet50_Weights.IMAGENET1K_V1"},
	"mobilenet_v2":  {0.301e9, 3504872, "torchvision MobileNet_V2_Weights.IMAGENET1K_V1"},
	"squeezenet1_1": {0.349e9, 1235496, "torchvision SqueezeNet1_1_Weights.IMAGENET1K_V1"},
	// MACs: Howard et al. 2017, "MobileNets", Table 8: 1.0 MobileNet-224,
	// 569 million mult-adds. Parameters: keras.applications.MobileNet()
	// summary: total 4,253,864 of which 21,888 non-trainable (batch norm
	// moving mean and variance, which nn does not count), so 4,231,976
	// trainable.
	"mobilenet_v1": {569e6, 4231976, "Howard et al. 2017 Table 8; Keras Applications MobileNet summary"},
	// LeCun et al. 1998, section II.B, give C1 156 parameters, C5 48,120 and
	// F6 10,164 (checked per layer below). With C3 fully connected
	// (16*(6*25+1) = 2,416) and a 10-unit dense output with bias (850) the
	// total is the commonly quoted 61,706 parameters; the MACs are
	// 28*28*6*25 + 10*10*16*150 + 400*120 + 120*84 + 84*10 = 416,520.
	"lenet5": {416520, 61706, "LeCun et al. 1998 with a fully connected C3"},
}

func TestPublishedTotals(t *testing.T) {
	for _, name := range Names() {
		want, ok := published[name]
		if !ok {
			t.Errorf("%s: no published figures in the test", name)
			continue
		}
		net, err := Get(name, NativeInput(name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := relDiff(float64(net.MACs()), want.macs); d > 0.005 {
			t.Errorf("%s: %d MACs, published %.4g (%s): off by %.2f%%", name, net.MACs(), want.macs, want.source, 100*d)
		}
		if d := relDiff(float64(net.Params()), want.params); d > 0.005 {
			t.Errorf("%s: %d params, published %.0f (%s): off by %.2f%%", name, net.Params(), want.params, want.source, 100*d)
		}
		if out := net.Layers[len(net.Layers)-1].Out; out.Elems() != int64(classes(name)) {
			t.Errorf("%s: output %s, want %d classes", name, out, classes(name))
		}
	}
}

func classes(name string) int {
	if name == "lenet5" {
		return 10
	}
	return 1000
}

func relDiff(got, want float64) float64 { return math.Abs(got-want) / want }

func TestLayers(t *testing.T) {
	for _, c := range []struct {
		model, layer string
		out          nn.Shape
		macs, params int64
	}{
		// 112*112 outputs x 7*7*3 rows x 64 filters; 9,408 weights + bn.
		{"resnet18", "conv1", nn.Shape{C: 64, H: 112, W: 112}, 118013952, 9536},
		{"resnet18", "layer2.0.downsample.0", nn.Shape{C: 128, H: 28, W: 28}, 28 * 28 * 64 * 128, 64*128 + 256},
		{"resnet50", "layer1.0.downsample.0", nn.Shape{C: 256, H: 56, W: 56}, 56 * 56 * 64 * 256, 64*256 + 512},
		{"resnet50", "layer4.2.conv3", nn.Shape{C: 2048, H: 7, W: 7}, 7 * 7 * 512 * 2048, 512*2048 + 4096},
		{"resnet50", "fc", nn.Shape{C: 1000, H: 1, W: 1}, 2048 * 1000, 2048*1000 + 1000},
		// (224+4-11)/4+1 = 55.
		{"alexnet", "features.0", nn.Shape{C: 64, H: 55, W: 55}, 55 * 55 * 363 * 64, 363*64 + 64},
		{"alexnet", "classifier.1", nn.Shape{C: 4096, H: 1, W: 1}, 9216 * 4096, 9216*4096 + 4096},
		{"vgg16", "classifier.0", nn.Shape{C: 4096, H: 1, W: 1}, 25088 * 4096, 25088*4096 + 4096},
		{"vgg16", "features.28", nn.Shape{C: 512, H: 14, W: 14}, 14 * 14 * 4608 * 512, 4608*512 + 512},
		// Keras pads stride-2 convs (0,1): (224+1-3)/2+1 = 112.
		{"mobilenet_v1", "conv1", nn.Shape{C: 32, H: 112, W: 112}, 112 * 112 * 27 * 32, 27*32 + 64},
		{"mobilenet_v1", "conv_dw_1", nn.Shape{C: 32, H: 112, W: 112}, 112 * 112 * 9 * 32, 9*32 + 64},
		{"mobilenet_v1", "conv_dw_2", nn.Shape{C: 64, H: 56, W: 56}, 56 * 56 * 9 * 64, 9*64 + 128},
		{"mobilenet_v1", "conv_pw_13", nn.Shape{C: 1024, H: 7, W: 7}, 7 * 7 * 1024 * 1024, 1024*1024 + 2048},
		{"mobilenet_v1", "conv_preds", nn.Shape{C: 1000, H: 1, W: 1}, 1024 * 1000, 1024*1000 + 1000},
		{"mobilenet_v2", "features.1.conv.0.0", nn.Shape{C: 32, H: 112, W: 112}, 112 * 112 * 9 * 32, 9*32 + 64},
		{"mobilenet_v2", "features.2.conv.1.0", nn.Shape{C: 96, H: 56, W: 56}, 56 * 56 * 9 * 96, 9*96 + 192},
		{"mobilenet_v2", "features.18.0", nn.Shape{C: 1280, H: 7, W: 7}, 7 * 7 * 320 * 1280, 320*1280 + 2560},
		// (224-3)/2+1 = 111, ceil-mode pools: 55, 27, 13.
		{"squeezenet1_1", "features.0", nn.Shape{C: 64, H: 111, W: 111}, 111 * 111 * 27 * 64, 27*64 + 64},
		{"squeezenet1_1", "features.12.cat", nn.Shape{C: 512, H: 13, W: 13}, 0, 0},
		{"squeezenet1_1", "classifier.1", nn.Shape{C: 1000, H: 13, W: 13}, 13 * 13 * 512 * 1000, 512*1000 + 1000},
		// LeCun et al. 1998: C1 has 156 parameters and 122,304 connections
		// (28*28*156, bias included); C5 48,120 parameters; F6 10,164.
		{"lenet5", "conv1", nn.Shape{C: 6, H: 28, W: 28}, 122304 - 28*28*6, 156},
		{"lenet5", "fc1", nn.Shape{C: 120, H: 1, W: 1}, 48000, 48120},
		{"lenet5", "fc2", nn.Shape{C: 84, H: 1, W: 1}, 10080, 10164},
	} {
		net, err := Get(c.model, NativeInput(c.model))
		if err != nil {
			t.Fatal(err)
		}
		l := net.Layer(c.layer)
		if l == nil {
			t.Errorf("%s: no layer %q", c.model, c.layer)
			continue
		}
		if l.Out != c.out || l.MACs() != c.macs || l.Params() != c.params {
			t.Errorf("%s %s: out %s, %d MACs, %d params; want %s, %d, %d",
				c.model, c.layer, l.Out, l.MACs(), l.Params(), c.out, c.macs, c.params)
		}
	}
}

func TestCeilModeMatters(t *testing.T) {
	// At 227 SqueezeNet's first conv gives (227-3)/2+1 = 113 and the first
	// 3/2 pool 56; the second pool has (56-3)/2 = 26.5 strides: 28 windows
	// with ceil_mode, 27 without.
	net, err := Get("squeezenet1_1", 227)
	if err != nil {
		t.Fatal(err)
	}
	if got := net.Layer("features.5").Out; got != (nn.Shape{C: 128, H: 28, W: 28}) {
		t.Errorf("features.5 at 227: %s, want 128x28x28", got)
	}
}

func TestKerasPadding(t *testing.T) {
	// At 225 the stem's "same" padding is 1 on each side ((112*2+3-225) = 2
	// cells): 113 outputs. conv_dw_2's (0, 1) padding then gives
	// (113+1-3)/2+1 = 56, where "same" would give 57.
	net, err := Get("mobilenet_v1", 225)
	if err != nil {
		t.Fatal(err)
	}
	if c := net.Layer("conv1"); c.Out.H != 113 || c.PadTop != 1 || c.PadBottom != 1 {
		t.Errorf("conv1 at 225: %s, padding %d/%d; want 113, 1/1", c.Out, c.PadTop, c.PadBottom)
	}
	if c := net.Layer("conv_dw_2"); c.Out.H != 56 {
		t.Errorf("conv_dw_2 at 225: %s, want 56", c.Out)
	}
	for _, c := range []struct{ in, k, s, before, after int }{
		{224, 3, 2, 0, 1}, {225, 3, 2, 1, 1}, {7, 3, 1, 1, 1}, {8, 1, 2, 0, 0}, {5, 7, 1, 3, 3},
	} {
		if b, a := tfSame(c.in, c.k, c.s); b != c.before || a != c.after {
			t.Errorf("tfSame(%d, %d, %d) = %d, %d; want %d, %d", c.in, c.k, c.s, b, a, c.before, c.after)
		}
	}
}

func TestStructure(t *testing.T) {
	counts := map[string]int{ // conv + dense layers in the reference
		"lenet5": 5, "alexnet": 8, "vgg11": 11, "vgg16": 16, "resnet18": 21, "resnet34": 37,
		"resnet50": 54, "mobilenet_v1": 28, "mobilenet_v2": 53, "squeezenet1_1": 26,
	}
	for name, want := range counts {
		net, err := Get(name, NativeInput(name))
		if err != nil {
			t.Fatal(err)
		}
		if got := len(net.CrossbarLayers()); got != want {
			t.Errorf("%s: %d conv/dense layers, want %d", name, got, want)
		}
	}
}

func TestGetErrors(t *testing.T) {
	_, err := Get("resnet19", 224)
	if !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), "resnet18") || !strings.Contains(err.Error(), "resnet19") {
		t.Errorf("unknown name: %v, want ErrUnknown naming it and listing the known ones", err)
	}
	for _, in := range []int{0, -3, MaxInput + 1} {
		if _, err := Get("resnet18", in); err == nil || !strings.Contains(err.Error(), "input size") {
			t.Errorf("input %d: %v, want an error about the input size", in, err)
		}
	}
	_, err = Get("alexnet", 32)
	if !errors.Is(err, nn.ErrInvalid) || !strings.Contains(err.Error(), "too small") {
		t.Errorf("alexnet at 32: %v, want too small wrapping nn.ErrInvalid", err)
	}
}

func TestSmallInputs(t *testing.T) {
	// The verify runs use input 32: every model but AlexNet (which
	// needs 63, torchvision's min_size) builds, VGG at its smallest size.
	for _, name := range Names() {
		_, err := Get(name, 32)
		if (err == nil) != (name != "alexnet") {
			t.Errorf("%s at 32: %v", name, err)
		}
	}
	if _, err := Get("alexnet", 63); err != nil {
		t.Errorf("alexnet at 63 (torchvision min_size): %v", err)
	}
	if _, err := Get("alexnet", 62); err == nil {
		t.Errorf("alexnet at 62: no error")
	}
}

func TestLargestInput(t *testing.T) {
	for _, name := range Names() {
		if _, err := Get(name, MaxInput); err != nil {
			t.Errorf("%s at %d: %v", name, MaxInput, err)
		}
	}
}

func TestNames(t *testing.T) {
	got := strings.Join(Names(), " ")
	want := "alexnet lenet5 mobilenet_v1 mobilenet_v2 resnet18 resnet34 resnet50 squeezenet1_1 vgg11 vgg16"
	if got != want {
		t.Errorf("Names() = %s, want %s", got, want)
	}
}

func BenchmarkGetResNet50(b *testing.B) {
	for b.Loop() {
		if _, err := Get("resnet50", 224); err != nil {
			b.Fatal(err)
		}
	}
}
