package zoo

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/nn"
)

// lenet5 is LeNet-5 (LeCun et al. 1998) on a 1-channel image: C1 6@5x5,
// S2 2x2 average pool, C3 16@5x5 (fully connected to S2, as in modern
// versions; the paper's C3 sees a subset of S2's maps), S4, then C5 (a dense
// layer at 32x32, where its 5x5 kernel covers all of S4), F6 and the output.
// The paper's scaled tanh is replaced by ReLU, which does not change the
// mapping.
func lenet5(input int) *nn.Network {
	b := newBuilder("lenet5", nn.Shape{C: 1, H: input, W: input})
	b.convBias("conv1", conv{filters: 6, kernel: 5, stride: 1}, nn.ActReLU)
	b.pool("pool1", nn.AvgPool, 2, 2, 0, false)
	b.convBias("conv2", conv{filters: 16, kernel: 5, stride: 1}, nn.ActReLU)
	b.pool("pool2", nn.AvgPool, 2, 2, 0, false)
	b.dense("fc1", 120, nn.ActReLU)
	b.dense("fc2", 84, nn.ActReLU)
	b.dense("fc3", 10, nn.ActNone)
	return b.net
}

// alexnet is torchvision's AlexNet (the "one weird trick" variant: 64, 192,
// 384, 256, 256 filters), with its adaptive average pool to 6x6.
func alexnet(input int) *nn.Network {
	b := newBuilder("alexnet", rgb(input))
	b.convBias("features.0", conv{filters: 64, kernel: 11, stride: 4, pad: 2}, nn.ActReLU)
	b.pool("features.2", nn.MaxPool, 3, 2, 0, false)
	b.convBias("features.3", conv{filters: 192, kernel: 5, stride: 1, pad: 2}, nn.ActReLU)
	b.pool("features.5", nn.MaxPool, 3, 2, 0, false)
	b.convBias("features.6", conv{filters: 384, kernel: 3, stride: 1, pad: 1}, nn.ActReLU)
	b.convBias("features.8", conv{filters: 256, kernel: 3, stride: 1, pad: 1}, nn.ActReLU)
	b.convBias("features.10", conv{filters: 256, kernel: 3, stride: 1, pad: 1}, nn.ActReLU)
	b.pool("features.12", nn.MaxPool, 3, 2, 0, false)
	b.adaptivePool("avgpool", 256, 6, 6)
	b.dense("classifier.1", 4096, nn.ActReLU)
	b.dense("classifier.4", 4096, nn.ActReLU)
	b.dense("classifier.6", 1000, nn.ActNone)
	return b.net
}

// maxPoolCfg marks a 2x2 max pool in a VGG configuration.
const maxPoolCfg = 0

// vgg builds a torchvision VGG (without batch norm) from its configuration:
// 3x3 convolutions of the given widths, maxPoolCfg for a 2x2 max pool. Layer
// names are the indices in torchvision's "features" Sequential, where every
// conv is followed by its ReLU.
func vgg(name string, input int, cfg []int) *nn.Network {
	b := newBuilder(name, rgb(input))
	i := 0
	for _, v := range cfg {
		if v == maxPoolCfg {
			b.pool(fmt.Sprintf("features.%d", i), nn.MaxPool, 2, 2, 0, false)
			i++
			continue
		}
		b.convBias(fmt.Sprintf("features.%d", i), conv{filters: v, kernel: 3, stride: 1, pad: 1}, nn.ActReLU)
		i += 2
	}
	b.adaptivePool("avgpool", 512, 7, 7)
	b.dense("classifier.0", 4096, nn.ActReLU)
	b.dense("classifier.3", 4096, nn.ActReLU)
	b.dense("classifier.6", 1000, nn.ActNone)
	return b.net
}

// vgg11 is torchvision's VGG-11 (configuration "A").
func vgg11(input int) *nn.Network {
	const M = maxPoolCfg
	return vgg("vgg11", input, []int{64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M})
}

// vgg16 is torchvision's VGG-16 (configuration "D").
func vgg16(input int) *nn.Network {
	const M = maxPoolCfg
	return vgg("vgg16", input, []int{64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M})
}

// squeezenet11 is torchvision's SqueezeNet 1.1: max pools with ceil_mode,
// fire modules (squeeze 1x1, then expand 1x1 and 3x3 concatenated), and a
// 1x1 convolution classifier followed by a global average pool.
func squeezenet11(input int) *nn.Network {
	b := newBuilder("squeezenet1_1", rgb(input))
	b.convBias("features.0", conv{filters: 64, kernel: 3, stride: 2}, nn.ActReLU)
	b.pool("features.2", nn.MaxPool, 3, 2, 0, true)
	b.fire("features.3", 16, 64)
	b.fire("features.4", 16, 64)
	b.pool("features.5", nn.MaxPool, 3, 2, 0, true)
	b.fire("features.6", 32, 128)
	b.fire("features.7", 32, 128)
	b.pool("features.8", nn.MaxPool, 3, 2, 0, true)
	b.fire("features.9", 48, 192)
	b.fire("features.10", 48, 192)
	b.fire("features.11", 64, 256)
	b.fire("features.12", 64, 256)
	b.convBias("classifier.1", conv{filters: 1000, kernel: 1, stride: 1}, nn.ActReLU)
	b.globalPool("classifier.3")
	return b.net
}

// fire adds a SqueezeNet fire module reading the previous layer.
func (b *builder) fire(name string, squeeze, expand int) string {
	s := b.convBias(name+".squeeze", conv{filters: squeeze, kernel: 1, stride: 1}, nn.ActReLU)
	e1 := b.convBias(name+".expand1x1", conv{filters: expand, kernel: 1, stride: 1}, nn.ActReLU, s)
	e3 := b.convBias(name+".expand3x3", conv{filters: expand, kernel: 3, stride: 1, pad: 1}, nn.ActReLU, s)
	return b.concat(name+".cat", e1, e3)
}
