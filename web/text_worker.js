// A module Web Worker for the model that answers while the user types (the sentence encoder): its own
// ONNX Runtime instance on one thread, without ORT's proxy. A short query costs a few tens of ms here
// against several times that through the proxy worker on a busy 2-core machine (docs/benchmarks/app.md),
// and it never blocks the page. The audio and image models stay in the main ORT instance (proxied).
//
// Messages in:  {id, type: 'load', name, bytes}             → {id, ok}
//               {id, type: 'run', name, feeds, outputs}      → {id, ok, out: {output: {data, dims}}}
// feeds: {inputName: {type, data, dims}}, '' = the model's first input. Errors: {id, ok: false, message}.
import * as ort from './ort/ort.wasm.min.mjs';

ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.wasm.wasmPaths = new URL('./ort/', import.meta.url).href;
ort.env.logLevel = 'error';

const sessions = new Map();  // name -> Promise<InferenceSession>

self.onmessage = async (e) => {
  const m = e.data || {};
  try {
    if (m.type === 'load') {
      if (!sessions.has(m.name)) {
        const created = ort.InferenceSession.create(m.bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
        created.catch(() => sessions.delete(m.name));  // a failed load is tried again next time
        sessions.set(m.name, created);
      }
      await sessions.get(m.name);
      self.postMessage({ id: m.id, ok: true });
    } else if (m.type === 'run') {
      if (!sessions.has(m.name)) throw new Error(`model ${m.name} is not loaded in the text worker`);
      const s = await sessions.get(m.name);
      const feeds = {};
      for (const [k, f] of Object.entries(m.feeds)) {
        const input = k === '' ? s.inputNames[0] : k;
        if (!s.inputNames.includes(input)) throw new Error(`model ${m.name} has no input "${input}" (inputs: ${s.inputNames.join(', ')})`);
        feeds[input] = new ort.Tensor(f.type, f.data, f.dims);
      }
      const result = await s.run(feeds, m.outputs);
      const out = {}, transfer = [];
      for (const o of m.outputs) {
        const t = result[o];
        if (!t) throw new Error(`model ${m.name} has no output "${o}" (outputs: ${s.outputNames.join(', ')})`);
        out[o] = { data: t.data, dims: t.dims.map(Number) };
        transfer.push(t.data.buffer);
      }
      self.postMessage({ id: m.id, ok: true, out }, transfer);
    } else {
      throw new Error(`text worker: unknown message type ${m.type}`);
    }
  } catch (err) {
    self.postMessage({ id: m.id, ok: false, message: String((err && err.message) || err) });
  }
};
