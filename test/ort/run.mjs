// run.mjs: the golden reference of cimkit's inference checks. ONNX Runtime
// (npm onnxruntime-node, CPU) runs an ONNX model on one input and writes its
// first output.
//
//   node run.mjs MODEL.onnx INPUT.npy OUTPUT.npy
//
// INPUT.npy holds the input tensor (float32 or float64, C order; cimkit
// writes float64); it is fed to the model's first input as float32.
// OUTPUT.npy receives the first output as float32. The script prints one
// JSON line: {"input": name, "output": name, "dims": [...], "ms": time of
// the run}. Graph optimisations are off and one thread is used, so that
// the reference computes each operator as the graph states it.
import { readFileSync, writeFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

function readNpy(path) {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran order`);
  if (shape === undefined || descr === undefined) throw new Error(`${path}: bad header ${header}`);
  const dims = shape.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  const body = buf.subarray(start + hlen);
  const data = new Float32Array(n);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (let i = 0; i < n; i++) {
    if (descr === '<f4') data[i] = view.getFloat32(4 * i, true);
    else if (descr === '<f8') data[i] = view.getFloat64(8 * i, true);
    else throw new Error(`${path}: dtype ${descr} (want <f4 or <f8)`);
  }
  return { dims, data };
}

function writeNpy(path, dims, data) {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(4 * data.length);
  for (let i = 0; i < data.length; i++) body.writeFloatLE(data[i], 4 * i);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

const [model, input, output] = process.argv.slice(2);
if (!output) {
  console.error('usage: node run.mjs MODEL.onnx INPUT.npy OUTPUT.npy');
  process.exit(2);
}
const session = await ort.InferenceSession.create(model, {
  graphOptimizationLevel: 'disabled',
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
});
const x = readNpy(input);
const name = session.inputNames[0];
const t0 = performance.now();
const result = await session.run({ [name]: new ort.Tensor('float32', x.data, x.dims) });
const ms = performance.now() - t0;
const out = result[session.outputNames[0]];
writeNpy(output, out.dims, out.data);
console.log(JSON.stringify({ input: name, output: session.outputNames[0], dims: out.dims, ms }));
