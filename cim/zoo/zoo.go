// Package zoo builds the reference CNNs that cimkit maps and simulates, at
// any square input size.
//
// Every model follows its reference implementation layer for layer, so that
// at 224x224 its multiply-accumulate (MAC) and parameter totals equal the
// published figures: torchvision for AlexNet, VGG-11/16, ResNet-18/34/50,
// MobileNet v2 and SqueezeNet 1.1, Keras Applications for MobileNet v1
// (width 1.0), and LeCun et al. (1998) for LeNet-5 at its native 32x32
// (with a fully connected C3, as modern versions have). Layer names follow
// the reference too ("conv1", "layer1.0.conv1", "layer1.0.downsample.0",
// "fc"; Keras' "conv_dw_1", "conv_pw_1", "conv_preds" for MobileNet v1).
//
// Batch norms are folded into the convolution before them and activations
// into the layer that produces their input (see package nn). Dropout is the
// identity at inference and is left out. Residual additions, which the
// references do not name, are called "<block>.add"; SqueezeNet's fire
// concatenations "<fire>.cat". PyTorch's AdaptiveAvgPool2d to a fixed size
// (AlexNet 6x6, VGG 7x7) is a Digital layer with that output shape; to 1x1
// it is a GlobalAvgPool. In MobileNet v1, Keras' ZeroPadding2D(((0, 1),
// (0, 1))) before the strided depthwise convolutions becomes bottom/right
// padding of the conv, and the stem's padding="same" the padding TensorFlow
// computes for the input size.
package zoo

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/cimkit/cimkit/cim/nn"
)

// ErrUnknown is wrapped by the error Get returns for a name it does not know.
var ErrUnknown = errors.New("unknown model")

// builders maps each model name to its constructor.
var builders = map[string]func(input int) *nn.Network{
	"lenet5":        lenet5,
	"alexnet":       alexnet,
	"vgg11":         vgg11,
	"vgg16":         vgg16,
	"resnet18":      resnet18,
	"resnet34":      resnet34,
	"resnet50":      resnet50,
	"mobilenet_v1":  mobilenetV1,
	"mobilenet_v2":  mobilenetV2,
	"squeezenet1_1": squeezenet11,
}

// Names returns the model names, sorted.
func Names() []string {
	names := make([]string, 0, len(builders))
	for n := range builders {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// NativeInput is the input size a model was designed for: 32 for lenet5,
// 224 for the others.
func NativeInput(name string) int {
	if name == "lenet5" {
		return 32
	}
	return 224
}

// MaxInput is the largest input size Get accepts; at it every model's
// tensors stay within nn.MaxElems.
const MaxInput = 4096

// Get builds the named model for an input of input x input pixels and runs
// shape inference on it. An unknown name gives an error wrapping ErrUnknown
// that lists the known ones; an input too small for the model (some layer's
// window larger than its input) gives an error wrapping nn.ErrInvalid.
func Get(name string, input int) (*nn.Network, error) {
	build, ok := builders[name]
	if !ok {
		return nil, fmt.Errorf("zoo: %w %q (known: %s)", ErrUnknown, name, strings.Join(Names(), ", "))
	}
	if input < 1 || input > MaxInput {
		return nil, fmt.Errorf("zoo: %s: input size %d must be in 1..%d", name, input, MaxInput)
	}
	net := build(input)
	if err := net.Infer(); err != nil {
		return nil, fmt.Errorf("zoo: %s: input size %d is too small for this model: %w", name, input, err)
	}
	return net, nil
}

// rgb is the usual 3-channel square input.
func rgb(input int) nn.Shape { return nn.Shape{C: 3, H: input, W: input} }
