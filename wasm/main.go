//go:build js && wasm

// Command wasm is cimkit compiled to WebAssembly for the browser playground
// (wasm/web). It runs inside a Web Worker (wasm/web/worker.js): on start it
// calls the worker's cimkitReady with one function,
//
//	handle(requestJSON string, progress func(done, total int, itemJSON string)) string
//
// which answers a playground.Request with a playground.Response, both as
// JSON, and reports progress of long operations synchronously through
// progress, and a second one,
//
//	upload(fileName string, data Uint8Array) string
//
// which loads an ONNX file the user chose (playground.Upload) and returns
// the JSON Response. Build it with "make wasm".
package main

import (
	"syscall/js"

	"github.com/cimkit/cimkit/wasm/playground"
)

func main() {
	handle := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) < 1 || args[0].Type() != js.TypeString {
			return `{"error":"handle: want a JSON request string"}`
		}
		var progress js.Value
		if len(args) > 1 && args[1].Type() == js.TypeFunction {
			progress = args[1]
		}
		out := playground.HandleJSON([]byte(args[0].String()), func(done, total int, item []byte) {
			if progress.IsUndefined() {
				return
			}
			progress.Invoke(done, total, string(item))
		})
		return string(out)
	})
	upload := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) < 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeObject ||
			args[1].Get("byteLength").Type() != js.TypeNumber {
			return `{"error":"upload: want a file name and a Uint8Array","field":"onnx"}`
		}
		data := make([]byte, args[1].Get("byteLength").Int())
		js.CopyBytesToGo(data, args[1])
		return string(playground.UploadJSON(args[0].String(), data))
	})
	js.Global().Call("cimkitReady", handle, upload)
	select {}
}
