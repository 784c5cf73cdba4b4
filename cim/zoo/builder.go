package zoo

import "github.com/cimkit/cimkit/cim/nn"

// builder appends layers to a network. Every method returns the name of the
// layer it added, so that blocks can wire residual and concat inputs.
type builder struct {
	net *nn.Network
}

func newBuilder(name string, in nn.Shape) *builder {
	return &builder{net: &nn.Network{Name: name, Input: in}}
}

// add appends l, reading from the named layers (none: the previous layer).
func (b *builder) add(l *nn.Layer, from ...string) string {
	l.Inputs = append([]string(nil), from...)
	b.net.Layers = append(b.net.Layers, l)
	return l.Name
}

// conv is the shape of a square convolution with symmetric padding.
type conv struct {
	filters, kernel, stride, pad, groups int
}

func (c conv) layer(name string) *nn.Layer {
	return &nn.Layer{
		Name: name, Kind: nn.Conv2D, Filters: c.filters,
		KernelH: c.kernel, KernelW: c.kernel, StrideH: c.stride, StrideW: c.stride,
		PadTop: c.pad, PadBottom: c.pad, PadLeft: c.pad, PadRight: c.pad,
		Groups: c.groups,
	}
}

// convBias adds a convolution with a bias vector (AlexNet, VGG, SqueezeNet).
func (b *builder) convBias(name string, c conv, act nn.Act, from ...string) string {
	l := c.layer(name)
	l.Bias, l.Act = true, act
	return b.add(l, from...)
}

// convBN adds a bias-free convolution with a folded batch norm (ResNet,
// MobileNet).
func (b *builder) convBN(name string, c conv, act nn.Act, from ...string) string {
	l := c.layer(name)
	l.BatchNorm, l.Act = true, act
	return b.add(l, from...)
}

// dense adds a fully connected layer with a bias.
func (b *builder) dense(name string, units int, act nn.Act, from ...string) string {
	return b.add(&nn.Layer{Name: name, Kind: nn.Dense, Filters: units, Bias: true, Act: act}, from...)
}

// pool adds a square max or average pool with symmetric padding.
func (b *builder) pool(name string, kind nn.Kind, kernel, stride, pad int, ceil bool) string {
	return b.add(&nn.Layer{
		Name: name, Kind: kind, KernelH: kernel, KernelW: kernel, StrideH: stride, StrideW: stride,
		PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad, CeilMode: ceil,
	})
}

// globalPool adds an average over H and W.
func (b *builder) globalPool(name string) string {
	return b.add(&nn.Layer{Name: name, Kind: nn.GlobalAvgPool})
}

// adaptivePool adds PyTorch's AdaptiveAvgPool2d to a fixed H x W, kept as a
// digital operator (its windows vary with the input size).
func (b *builder) adaptivePool(name string, c, h, w int) string {
	return b.add(&nn.Layer{Name: name, Kind: nn.Digital, Op: "AdaptiveAvgPool2d", OutShape: nn.Shape{C: c, H: h, W: w}})
}

// sum adds a residual addition of the named layers, with act on its output.
func (b *builder) sum(name string, act nn.Act, from ...string) string {
	return b.add(&nn.Layer{Name: name, Kind: nn.Add, Act: act}, from...)
}

// concat adds a channel concatenation of the named layers.
func (b *builder) concat(name string, from ...string) string {
	return b.add(&nn.Layer{Name: name, Kind: nn.Concat}, from...)
}
