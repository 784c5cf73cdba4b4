package main

import (
	"errors"
	"flag"
	"io"
	"strings"

	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/zoo"
)

// modelFlags holds the flags that choose a network: --model NAME from the
// zoo or --onnx FILE, and --input N (the square input size; for a zoo model
// when not given, its native size: 224, or 32 for lenet5; for an ONNX file
// the size of its symbolic H and W). Commands register them with register
// and, after parsing, build the network with load. A command that runs data
// through the layers sets weights, so that an ONNX file's weights are
// decoded (the others only need shapes); stderr receives warnings.
type modelFlags struct {
	fs      *flag.FlagSet
	model   string
	onnx    string
	input   int
	weights bool
	stderr  io.Writer
}

// register adds --model, --input and --onnx to fs.
func (m *modelFlags) register(fs *flag.FlagSet) {
	m.fs = fs
	fs.StringVar(&m.model, "model", "", "model from the zoo: "+strings.Join(zoo.Names(), "|"))
	fs.IntVar(&m.input, "input", 224, "input size in pixels, square (lenet5 defaults to 32)")
	fs.StringVar(&m.onnx, "onnx", "", "ONNX model `file` instead of --model (--input sets its unknown H and W)")
}

// inputSet reports whether --input was given on the command line.
func (m *modelFlags) inputSet() bool {
	return m.fs != nil && flagGiven(m.fs, "input")
}

// load builds and infers the chosen network. A missing or unknown model and
// a bad input size are usage errors.
func (m *modelFlags) load() (*nn.Network, error) {
	if m.onnx != "" {
		if m.model != "" {
			return nil, usagef("give --model or --onnx, not both")
		}
		return m.loadONNX()
	}
	if m.model == "" {
		return nil, usagef("--model is required: one of %s", strings.Join(zoo.Names(), ", "))
	}
	input := m.input
	if !m.inputSet() {
		input = zoo.NativeInput(m.model)
	}
	return loadModel(m.model, input)
}

// checkInput returns a usage error unless --input is in 1..zoo.MaxInput.
func checkInput(input int) error {
	if input < 1 || input > zoo.MaxInput {
		return usagef("--input %d: want a size in 1..%d", input, zoo.MaxInput)
	}
	return nil
}

// loadModel returns the zoo network name at input x input. Unknown names and
// input sizes that do not suit the model are usage errors.
func loadModel(name string, input int) (*nn.Network, error) {
	if err := checkInput(input); err != nil {
		return nil, err
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
