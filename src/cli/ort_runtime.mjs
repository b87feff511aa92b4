// The ONNX Runtime the Node CLI runs the models in: one seam, two implementations with the same API
// (InferenceSession.create / run, Tensor), handed to web/ort_bridge.mjs like the page's onnxruntime-web.
//
//   import { loadOrtRuntime } from './ort_runtime.mjs';
//   const rt = await loadOrtRuntime({ runtime: 'auto', threads: 2 });
//   installOrtBridge(core, rt.ort, { sessionOptions: rt.sessionOptions, serial: true, loadModel });
//   rt.name  // "native" or "wasm"; rt.note: why auto chose wasm ('' otherwise)
//
// native: onnxruntime-node 1.30 (the same ONNX Runtime release as the page's onnxruntime-web, built for
//         the CPU: AVX2/FMA kernels; ~3x faster per patch than WASM SIMD on this 2-core VM,
//         docs/benchmarks/analyze_e2e.md). An optional npm dependency: where it is not installed or
//         cannot load (another OS/CPU, a failed install), auto falls back to wasm and says why.
// wasm:   onnxruntime-web 1.30 (the WASM SIMD backend the page runs), for results identical to the
//         page's or when the native one is absent.
// Choose with --runtime native|wasm|auto on the CLI or CF_ORT_RUNTIME; auto is the default. Both give
// the same models the same inputs; per-patch outputs agree within 1e-4 of the TF.js reference
// (tests/js/models.test.mjs runs the parity check in both).

const RUNTIMES = ['auto', 'native', 'wasm'];

async function loadNative(threads) {
  // CF_ORT_NODE_PACKAGE: another package name, for the fallback's test (tests/js/analyze.test.mjs).
  const mod = await import(process.env.CF_ORT_NODE_PACKAGE || 'onnxruntime-node');
  const ort = mod.default ?? mod;
  ort.env.logLevel = 'error';
  return {
    name: 'native', ort, note: '',
    sessionOptions: { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1 },
  };
}

async function loadWasm(threads, note = '') {
  const ort = await import('onnxruntime-web');
  // numThreads is read when the wasm module initialises (the first session), so set it before that.
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  return { name: 'wasm', ort, note, sessionOptions: { executionProviders: ['wasm'] } };
}

/** runtime: 'auto' | 'native' | 'wasm' (default: CF_ORT_RUNTIME, else 'auto'); threads ≥ 1. */
export async function loadOrtRuntime({ runtime = process.env.CF_ORT_RUNTIME || 'auto', threads = 2 } = {}) {
  if (!RUNTIMES.includes(runtime)) {
    throw Object.assign(new Error(`--runtime: native, wasm or auto (got "${runtime}")`), { usage: true });
  }
  if (runtime === 'wasm') return loadWasm(threads);
  try {
    return await loadNative(threads);
  } catch (e) {
    const why = `onnxruntime-node could not be loaded (${String(e.message).split('\n')[0]})`;
    if (runtime === 'native') throw new Error(`--runtime native: ${why}; run tools/setup.sh, or use --runtime wasm`);
    return loadWasm(threads, `${why}: using onnxruntime-web (WASM), ~3x slower`);
  }
}
