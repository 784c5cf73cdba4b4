// Package onnx reads ONNX model files into cimkit networks.
package onnx
