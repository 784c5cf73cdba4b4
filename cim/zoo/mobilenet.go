package zoo

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/nn"
)

// kerasConv is a Keras 3x3 convolution as keras.applications.MobileNet
// builds it inside its blocks: "same" padding (1 on every side) at stride 1,
// and at stride 2 a ZeroPadding2D(((0, 1), (0, 1))) followed by "valid"
// padding.
func kerasConv(filters, stride, groups int) *nn.Layer {
	l := conv{filters: filters, kernel: 3, stride: stride, pad: 1, groups: groups}.layer("")
	if stride == 2 {
		l.PadTop, l.PadLeft = 0, 0
	}
	return l
}

// tfSame returns the padding before and after of TensorFlow's "same" mode:
// ceil(in/stride) outputs, the odd padding cell at the end.
func tfSame(in, kernel, stride int) (before, after int) {
	out := (in + stride - 1) / stride
	total := max((out-1)*stride+kernel-in, 0)
	return total / 2, total - total/2
}

// mobilenetV1 is keras.applications.MobileNet with alpha 1.0 and depth
// multiplier 1: a 3x3 stem, 13 depthwise-separable blocks, global average
// pool and the 1x1 "conv_preds" classifier (a dense layer here).
func mobilenetV1(input int) *nn.Network {
	b := newBuilder("mobilenet_v1", rgb(input))
	// The stem is a plain Conv2D with padding="same" (in Keras 2.4 and
	// later); at even sizes that is the (0, 1) padding of the blocks.
	stem := conv{filters: 32, kernel: 3, stride: 2}.layer("conv1")
	stem.PadTop, stem.PadBottom = tfSame(input, 3, 2)
	stem.PadLeft, stem.PadRight = stem.PadTop, stem.PadBottom
	stem.BatchNorm, stem.Act = true, nn.ActReLU6
	b.add(stem)
	in := 32
	for i, blk := range []struct{ filters, stride int }{
		{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
		{512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1},
	} {
		dw := kerasConv(in, blk.stride, in)
		dw.Name, dw.BatchNorm, dw.Act = fmt.Sprintf("conv_dw_%d", i+1), true, nn.ActReLU6
		b.add(dw)
		b.convBN(fmt.Sprintf("conv_pw_%d", i+1), conv{filters: blk.filters, kernel: 1, stride: 1}, nn.ActReLU6)
		in = blk.filters
	}
	b.globalPool("global_average_pooling2d")
	b.dense("conv_preds", 1000, nn.ActNone)
	return b.net
}

// mobilenetV2 is torchvision's MobileNetV2 with width 1.0: a 3x3 stem, 17
// inverted residual blocks, a 1x1 convolution to 1280, global average pool
// and the classifier.
func mobilenetV2(input int) *nn.Network {
	b := newBuilder("mobilenet_v2", rgb(input))
	b.convBN("features.0.0", conv{filters: 32, kernel: 3, stride: 2, pad: 1}, nn.ActReLU6)
	x, in, idx := "features.0.0", 32, 1
	for _, st := range []struct{ t, c, n, s int }{
		{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
		{6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
	} {
		for i := 0; i < st.n; i++ {
			stride := st.s
			if i > 0 {
				stride = 1
			}
			x = b.invertedResidual(fmt.Sprintf("features.%d", idx), x, in, st.c, stride, st.t)
			in, idx = st.c, idx+1
		}
	}
	b.convBN(fmt.Sprintf("features.%d.0", idx), conv{filters: 1280, kernel: 1, stride: 1}, nn.ActReLU6)
	b.globalPool("avgpool")
	b.dense("classifier.1", 1000, nn.ActNone)
	return b.net
}

// invertedResidual adds MobileNet v2's block: an optional 1x1 expansion by
// t, a 3x3 depthwise convolution, a linear 1x1 projection, and a residual
// addition when the shape is kept. Names follow torchvision's "conv"
// Sequential.
func (b *builder) invertedResidual(prefix, x string, in, out, stride, t int) string {
	hidden := in * t
	y, i := x, 0
	if t != 1 {
		y = b.convBN(fmt.Sprintf("%s.conv.%d.0", prefix, i), conv{filters: hidden, kernel: 1, stride: 1}, nn.ActReLU6, y)
		i++
	}
	y = b.convBN(fmt.Sprintf("%s.conv.%d.0", prefix, i), conv{filters: hidden, kernel: 3, stride: stride, pad: 1, groups: hidden}, nn.ActReLU6, y)
	y = b.convBN(fmt.Sprintf("%s.conv.%d", prefix, i+1), conv{filters: out, kernel: 1, stride: 1}, nn.ActNone, y)
	if stride == 1 && in == out {
		return b.sum(prefix+".add", nn.ActNone, y, x)
	}
	return y
}
