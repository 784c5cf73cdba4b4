package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/zoo"
)

// modelFlags holds the flags that choose a network: --model NAME from the
// zoo and --input N (the square input size; 0 means the model's native size).
// Commands register them with register and build the network with load.
type modelFlags struct {
	model string
	input int
}

// register adds --model and --input to fs.
func (m *modelFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.model, "model", "", "model from the zoo: "+strings.Join(zoo.Names(), "|"))
	fs.IntVar(&m.input, "input", 0, "input size in pixels, square (default: the model's native size, 224; 32 for lenet5)")
}

// load builds and infers the chosen network. A missing or unknown model and
// a bad input size are usage errors.
func (m *modelFlags) load() (*nn.Network, error) {
	if m.model == "" {
		return nil, usagef("--model is required: one of %s", strings.Join(zoo.Names(), ", "))
	}
	input := m.input
	if input == 0 {
		input = zoo.NativeInput(m.model)
	}
	return loadModel(m.model, input)
}

// loadModel returns the zoo network name at input x input. Unknown names and
// input sizes that do not suit the model are usage errors.
func loadModel(name string, input int) (*nn.Network, error) {
	if input < 1 || input > nn.MaxDim {
		return nil, usagef("--input %d: want a size in 1..%d", input, nn.MaxDim)
	}
	net, err := zoo.Get(name, input)
	if errors.Is(err, zoo.ErrUnknown) {
		return nil, usagef("unknown --model %q: accepted values are %s", name, strings.Join(zoo.Names(), ", "))
	}
	if errors.Is(err, nn.ErrInvalid) {
		return nil, usagef("--input %d: %v", input, err)
	}
	return net, err
}
