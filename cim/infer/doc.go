// Package infer runs a whole network on the chip, layer by layer or as
// one program per core (Options.Network, see below), and checks it
// against the framework: every crossbar layer (Conv2D, Dense)
// through its compiled per-core programs (package compile) on the
// functional executor (package functional: random schedules, ownership
// checker on, each layer also compared with its direct computation), every
// other layer through a reference implementation on the digital units with
// the semantics of the ONNX operator specification. Activations pass from
// layer to layer in the chip's HWC layout, as they lie in shared memory.
//
// # Layouts
//
// A layer's output is a (C, H, W) feature map stored in HWC order. It
// holds an ONNX tensor (nn.Layer.Dims) in one of two orders
// (nn.TensorOrder): images [1, C, H, W] in CHW order, sequences and
// matrices [..., D] (C = D) in HWC order. Crossbar layers, pools, Add and
// Concat work on the HWC maps directly; a digital operator reads each
// operand in the tensor's row-major order under the dims the graph gives it
// (a reshape moves no data) and writes its output back into HWC. The
// network input and output are tensors in row-major order (CHW for images).
//
// # Float mode
//
// Run computes in float64 with the model's weights (zoo networks, which
// have none, get seeded He-uniform weights). Compared with ONNX Runtime,
// which computes in float32, the outputs agree to about 1e-5 of the
// output's largest magnitude on the tested models (Tolerance gives the
// bound the tests hold them to, and why).
//
// # Integer mode
//
// With Options.Int8 a float pass runs first and calibrates one symmetric
// scale per tensor on the given input: the input's and every layer
// output's largest |value| divided by the largest activation (127 for the
// default int8; the widths are the chip's, arch.Arch ActBytes and
// WeightBits). Then the integer pass runs:
//
//   - the input is quantised to int8 (round half to even, saturating);
//   - crossbar layers use weights quantised per output channel (symmetric,
//     filter f's largest |weight| to 127), biases in accumulator units
//     (input scale x weight scale), exact integer accumulation, and the
//     last writer of each vector requantises per tensor to the output's
//     scale after the activation (functional.Quant);
//   - digital layers dequantise their inputs, compute in float64 and
//     requantise to their output's scale, except the layers that only move
//     data (max pooling, reshapes, transposes, slices, ...), whose output
//     keeps the input's scale exactly.
//
// Result.Output is then the dequantised integer output, Result.Float the
// float output; Compare gives top-1 agreement and cosine similarity. The
// arithmetic of the digital units on integers (fixed-point multipliers,
// lookup tables for Sigmoid or Softmax) is not modelled: they compute on
// dequantised values.
//
// # Whole-network programs
//
// With Options.Network the network runs as the chip runs it: placed on the
// core budget by cim/place (resident, or in segments with the chip
// reprogrammed in between and layers larger than the chip folded in
// rounds; weight copies), compiled into one program per core by
// cim/netprog (layer-by-layer or pipelined mode, inter-layer WAITs on
// sequence registers), and executed by functional.RunNetwork on real data
// under random schedules: shared memory holds the input image, every
// feature map and partial sum where the program's layout puts them; each
// MVM multiplies its core's tile of the layer's weights (in integer mode
// the same quantised weights, bias and requantisation as above); each
// digital layer's core computes its output with this package's reference
// operators from the tensors it loads. The order checker runs too (every
// element read only once written, partial sums added once each), and every
// schedule must leave the same values (Seeds schedules, the first with
// seed Seed). A failed check is a NetworkError, which also carries the
// output the broken program computed.
//
// The whole-network output equals the layer-by-layer output: bit for bit
// in integer mode; in float64 bit for bit too wherever the program adds
// the same partial sums in the same order, which is everywhere except the
// cyclic scheme's folded rounds and copies and a dense layer reading a
// flattened map (NetworkTolerance bounds the difference). Two layout
// choices of the chip make it so: a Concat's inputs write straight into its
// channel slices, so in integer mode they share the Concat's scale (the
// calibration gives a Concat and the tensors it joins the largest of their
// scales, in both runs); a Flatten moves no data, so a dense layer reading
// a flattened CHW map reads it in HWC order, its weight rows programmed in
// that order.
//
// # Limits
//
// Layer by layer, each layer is mapped onto the whole chip (the core
// budget must hold the largest layer); with Options.Network the network
// runs one image (Images 1) and the core budget and shared memory are the
// chip's (cim/place and cim/netprog refuse what does not fit). Digital
// operators outside Operators() are refused with ErrOperator, naming the
// layer and operator.
package infer
