package playground

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/onnx"
)

// ONNXPrefix starts the model name of an uploaded ONNX file: the file
// "mobilenet.onnx" is the model "onnx:mobilenet".
const ONNXPrefix = "onnx:"

// uploads keeps the one ONNX file the page has loaded (a new upload
// replaces it) and the networks built from it, by input size.
var uploads struct {
	sync.Mutex
	model string
	data  []byte
	nets  map[int]*nn.Network
}

// Upload loads an ONNX file that the page read from the user's disk; it
// never leaves the browser tab. The file is imported once at input 224 to
// check it; the Response's Data is an Uploaded naming the model to use in
// requests. Errors name the field "onnx".
func Upload(fileName string, data []byte) (resp Response) {
	defer func() {
		if p := recover(); p != nil {
			resp = Response{Error: fmt.Sprintf("internal error reading %q: %v", fileName, p), Field: "onnx"}
		}
	}()
	name := strings.TrimSuffix(path.Base(strings.ReplaceAll(fileName, "\\", "/")), ".onnx")
	if name == "" || name == "." || name == "/" {
		return Response{Error: fmt.Sprintf("ONNX file name %q: want a name such as model.onnx", fileName), Field: "onnx"}
	}
	net, err := importONNX(name, data, 224)
	if err != nil {
		return Response{Error: err.Error(), Field: "onnx"}
	}
	uploads.Lock()
	defer uploads.Unlock()
	uploads.model, uploads.data = ONNXPrefix+name, data
	uploads.nets = map[int]*nn.Network{224: net}
	return Response{Data: Uploaded{Model: ONNXPrefix + name, Layers: len(net.CrossbarLayers()), Bytes: len(data)}}
}

// UploadJSON is Upload with the Response encoded as JSON.
func UploadJSON(fileName string, data []byte) []byte {
	out, err := json.Marshal(Upload(fileName, data))
	if err != nil {
		out, _ = json.Marshal(Response{Error: "encoding the response: " + err.Error(), Field: "onnx"})
	}
	return out
}

// Uploaded is the answer to Upload.
type Uploaded struct {
	Model  string `json:"model"`  // the model name for requests: ONNXPrefix + file name without .onnx
	Layers int    `json:"layers"` // conv and dense layers found
	Bytes  int    `json:"bytes"`  // file size
}

func importONNX(name string, data []byte, input int) (*nn.Network, error) {
	// The page maps and simulates: shapes are enough, the weights stay
	// undecoded (a model of hundreds of MB imports in a few MB).
	net, err := onnx.Import(data, onnx.Options{Name: name, InputH: input, InputW: input, SkipWeights: true})
	if err != nil {
		return nil, fmt.Errorf("%s.onnx: %w", name, err)
	}
	if len(net.CrossbarLayers()) == 0 {
		return nil, fmt.Errorf("%s.onnx: no conv or dense layers to map", name)
	}
	return net, nil
}

// uploaded returns the network of the uploaded model at the input size.
func uploaded(model string, input int) (*nn.Network, error) {
	uploads.Lock()
	defer uploads.Unlock()
	if model != uploads.model {
		return nil, fieldErr("model", "model %q: that ONNX file is not loaded in this tab; choose it again", model)
	}
	if net := uploads.nets[input]; net != nil {
		return net, nil
	}
	net, err := importONNX(strings.TrimPrefix(model, ONNXPrefix), uploads.data, input)
	if errors.Is(err, nn.ErrInvalid) {
		return nil, fieldErr("input", "%v", err)
	}
	if err != nil {
		return nil, fieldErr("onnx", "%v", err)
	}
	uploads.nets[input] = net
	return net, nil
}
