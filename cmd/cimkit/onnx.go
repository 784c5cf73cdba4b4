package main

import (
	"errors"
	"io/fs"

	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/onnx"
)

// loadONNX imports the ONNX model file path (--onnx); symbolic input H and
// W take the --input size. A missing file or a bad size is a usage error;
// a file that does not import is an error naming what stops it.
func loadONNX(path string, input int) (*nn.Network, error) {
	if err := checkInput(input); err != nil {
		return nil, err
	}
	net, err := onnx.ImportFile(path, onnx.Options{InputH: input, InputW: input})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, usagef("--onnx %s: no such file", path)
	case errors.Is(err, nn.ErrInvalid):
		return nil, usagef("--onnx %s with --input %d: %v", path, input, err)
	}
	return net, err
}
