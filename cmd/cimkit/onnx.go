package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/onnx"
)

// loadONNX imports the --onnx file; symbolic input H and W take the
// --input size, and a fixed-size input that --input cannot change is said
// on stderr when --input was given. The weights are decoded only for the
// commands that run data through the layers (m.weights); the others read
// the file's structure. A missing file or a bad size is a usage error; a
// file that does not import is an error naming what stops it.
func (m *modelFlags) loadONNX() (*nn.Network, error) {
	path, input := m.onnx, m.input
	if err := checkInput(input); err != nil {
		return nil, err
	}
	opt := onnx.Options{InputH: input, InputW: input, SkipWeights: !m.weights}
	if m.inputSet() && m.stderr != nil {
		opt.Warn = func(msg string) { fmt.Fprintf(m.stderr, "cimkit: --onnx %s: %s\n", path, msg) }
	}
	net, err := onnx.ImportFile(path, opt)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, usagef("--onnx %s: no such file", path)
	case errors.Is(err, nn.ErrInvalid):
		return nil, usagef("--onnx %s with --input %d: %v", path, input, err)
	}
	return net, err
}
