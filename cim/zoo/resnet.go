package zoo

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/nn"
)

// resnet builds a torchvision ResNet: a 7x7 stem and 3x3 max pool, four
// stages of blocks (64, 128, 256, 512 planes; stages 2-4 start with stride
// 2), global average pool and fc. Each block is a basicBlock (ResNet-18/34)
// or, with bottleneck, a bottleneck (ResNet-50); both return the block's
// output layer and channels.
func resnet(name string, input int, blocks [4]int, bottleneck bool) *nn.Network {
	b := newBuilder(name, rgb(input))
	b.convBN("conv1", conv{filters: 64, kernel: 7, stride: 2, pad: 3}, nn.ActReLU)
	x := b.pool("maxpool", nn.MaxPool, 3, 2, 1, false)
	in := 64
	for s, n := range blocks {
		planes := 64 << s
		for i := 0; i < n; i++ {
			stride := 1
			if s > 0 && i == 0 {
				stride = 2
			}
			prefix := fmt.Sprintf("layer%d.%d", s+1, i)
			if bottleneck {
				x, in = b.bottleneck(prefix, x, in, planes, stride)
			} else {
				x, in = b.basicBlock(prefix, x, in, planes, stride)
			}
		}
	}
	b.globalPool("avgpool")
	b.dense("fc", 1000, nn.ActNone)
	return b.net
}

// shortcut returns the residual input of a block: x itself, or a 1x1
// convolution with batch norm ("downsample") when the shape changes.
func (b *builder) shortcut(prefix, x string, in, out, stride int) string {
	if stride == 1 && in == out {
		return x
	}
	return b.convBN(prefix+".downsample.0", conv{filters: out, kernel: 1, stride: stride}, nn.ActNone, x)
}

// basicBlock adds ResNet-18/34's block: two 3x3 convolutions.
func (b *builder) basicBlock(prefix, x string, in, planes, stride int) (string, int) {
	y := b.convBN(prefix+".conv1", conv{filters: planes, kernel: 3, stride: stride, pad: 1}, nn.ActReLU, x)
	y = b.convBN(prefix+".conv2", conv{filters: planes, kernel: 3, stride: 1, pad: 1}, nn.ActNone, y)
	sc := b.shortcut(prefix, x, in, planes, stride)
	return b.sum(prefix+".add", nn.ActReLU, y, sc), planes
}

// bottleneck adds ResNet-50's block (torchvision's "v1.5": the stride is on
// the 3x3 convolution): 1x1 reduce, 3x3, 1x1 expand by 4.
func (b *builder) bottleneck(prefix, x string, in, planes, stride int) (string, int) {
	out := 4 * planes
	y := b.convBN(prefix+".conv1", conv{filters: planes, kernel: 1, stride: 1}, nn.ActReLU, x)
	y = b.convBN(prefix+".conv2", conv{filters: planes, kernel: 3, stride: stride, pad: 1}, nn.ActReLU, y)
	y = b.convBN(prefix+".conv3", conv{filters: out, kernel: 1, stride: 1}, nn.ActNone, y)
	sc := b.shortcut(prefix, x, in, out, stride)
	return b.sum(prefix+".add", nn.ActReLU, y, sc), out
}

func resnet18(input int) *nn.Network { return resnet("resnet18", input, [4]int{2, 2, 2, 2}, false) }
func resnet34(input int) *nn.Network { return resnet("resnet34", input, [4]int{3, 4, 6, 3}, false) }
func resnet50(input int) *nn.Network { return resnet("resnet50", input, [4]int{3, 4, 6, 3}, true) }
