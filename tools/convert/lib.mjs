// Shared helpers for the model parity check, the inference benchmark, the golden-data generator
// (tools/golden/) and tests/js/models.test.mjs: loading golden patches (tests/data/golden), running
// a TF.js graph model (@tensorflow/tfjs, cpu or wasm backend) and its ONNX conversion
// (onnxruntime-web, wasm backend) on the same input.
//
//   import * as L from './lib.mjs';
//   const upstream = L.requireUpstreamDir(process.argv[2], 'check_parity.mjs');  // TF.js models folder
//   const ref = await L.loadTfjs('wasm', L.upstreamDir('msd-musicnn-1', upstream)); // tfjs GraphModel
//   const sess = await L.ortSession(L.onnxPath('msd-musicnn-1'), { threads: 1 });
//   const { data, n } = L.goldenPatches('joram', 2);                          // [n,187,96]
//   const a = await L.runTfjs(ref, data, n), b = await L.runOrt(sess, data, n);
//   L.maxAbsDiff(a.activations, b.activations);
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GOLDEN = path.join(ROOT, 'tests', 'data', 'golden');
/** The golden clips (tests/data/golden/README.md): id → source file under GOLDEN/source. */
export const CLIPS = {
  tumiki: 'return_to_home.ogg',
  joram: 'joram-moments_of_clarity-08-solipsism-59-88.mp3',
};
export const MODELS_DIR = path.join(ROOT, 'models');
export const PATCH = 187, BANDS = 96;
export const MODEL_NAMES = ['msd-musicnn-1', 'mtt-musicnn-1', 'danceability-musicnn-msd-2',
  'mood_aggressive-musicnn-msd-2', 'mood_happy-musicnn-msd-2', 'mood_relaxed-musicnn-msd-2',
  'mood_sad-musicnn-msd-2'];
export const GFLOP_PER_PATCH = 2.80;

export const upstreamDir = (name, upstream) => path.join(upstream, name);
export const onnxPath = (name, dir = MODELS_DIR) => path.join(dir, name, 'model.onnx');

/** Where the upstream models come from; printed when the folder is missing. */
export const UPSTREAM_HELP = `The upstream Essentia MusiCNN models in TF.js form (one folder per model with model.json,
its weight shards and labels.json: msd-musicnn-1, mtt-musicnn-1, danceability-musicnn-msd-2,
mood_{aggressive,happy,relaxed,sad}-musicnn-msd-2) are not part of this repository (licence:
non-commercial, see models/README.md). Get them from https://essentia.upf.edu/models/ (the
"-tfjs" downloads), or from MTG/essentia.js examples (msd, moods) and gilpanal/b8b_synapse (mtt);
their sha256 are in each models/<name>/manifest.json ("upstream_sha256").`;

/**
 * The upstream TF.js models folder given on the command line: returned when it holds
 * msd-musicnn-1/model.json, otherwise prints what is missing and where to get it, and exits 2.
 */
export function requireUpstreamDir(dir, usage) {
  if (dir && fs.existsSync(path.join(dir, 'msd-musicnn-1', 'model.json'))) return path.resolve(dir);
  const why = dir ? `${dir}: no msd-musicnn-1/model.json in it` : 'the upstream models folder is a required argument';
  process.stderr.write(`usage: ${usage}\n${why}\n\n${UPSTREAM_HELP}\n`);
  process.exit(2);
}

export function readF32(file) {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** First `count` (default all) golden mel patches of clip `id`: { data: Float32Array, n }. */
export function goldenPatches(id, count) {
  const meta = JSON.parse(fs.readFileSync(path.join(GOLDEN, `${id}.mel_patches.json`), 'utf8'));
  const total = meta.shape[0];
  const n = Math.min(count ?? total, total);
  const all = readF32(path.join(GOLDEN, `${id}.mel_patches.f32`));
  return { data: all.slice(0, n * PATCH * BANDS), n, total };
}

/** Golden per-patch file `<id>.<what>.f32`, first n rows of width `width`. */
export function goldenRows(id, what, n, width) {
  return readF32(path.join(GOLDEN, `${id}.${what}.f32`)).slice(0, n * width);
}

export function maxAbsDiff(a, b) {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) { const d = Math.abs(a[i] - b[i]); if (!(d <= m)) m = d; }
  return m;
}

// ---- TF.js reference -------------------------------------------------------------------------
let tf = null;
export async function tfjs(backend = 'wasm', threads = 1) {
  if (!tf) tf = await import('@tensorflow/tfjs');
  if (tf.getBackend() !== backend) {
    if (backend === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setThreadsCount(threads);
    }
    await tf.setBackend(backend);
    await tf.ready();
    if (tf.getBackend() !== backend) throw new Error(`tfjs backend ${backend} not active`);
  }
  return tf;
}

/** Loads model.json + shards from disk (plain @tensorflow/tfjs has no file:// loader). */
export async function loadTfjs(backend, dir) {
  const t = await tfjs(backend);
  const mj = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const specs = [], bufs = [];
  for (const g of mj.weightsManifest) {
    specs.push(...g.weights);
    for (const p of g.paths) bufs.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(bufs);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const model = await t.loadGraphModel(t.io.fromMemory({
    modelTopology: mj.modelTopology, weightSpecs: specs, weightData, format: mj.format,
    generatedBy: mj.generatedBy, convertedBy: mj.convertedBy,
    userDefinedMetadata: mj.userDefinedMetadata,
  }));
  model.hasDense = mj.modelTopology.node.some((nd) => nd.name === 'model/dense/Relu');
  // msd/mtt graphs carry an unused second placeholder (Keras' learning-phase flag).
  model.hasPhase = mj.modelTopology.node.some((nd) => nd.name === 'model/Placeholder_1');
  return model;
}

/** TF.js outputs: activations (model/Sigmoid), embedding (model/dense/Relu) and
 *  embedding_linear (bn9 output @ dense/kernel + dense/bias, the pre-ReLU dense output). */
export async function runTfjs(model, data, n, { activationsOnly = false } = {}) {
  const t = tf;
  const mel = t.tensor3d(data, [n, PATCH, BANDS]);
  const phase = model.hasPhase ? t.tensor([0], [1], 'bool') : null;
  const x = phase ? { 'model/Placeholder': mel, 'model/Placeholder_1': phase } : mel;
  const inputs = phase ? [mel, phase] : [mel];
  if (activationsOnly || !model.hasDense) {
    const y = model.execute(x, 'model/Sigmoid');
    const out = { activations: await y.data() };
    t.dispose([...inputs, y]);
    return out;
  }
  const [s, e, bn9] = model.execute(x, ['model/Sigmoid', 'model/dense/Relu',
    'model/batch_normalization_9/batchnorm/add_1']);
  const pre = t.tidy(() => t.add(t.matMul(bn9, model.weights['dense/kernel'][0]),
    model.weights['dense/bias'][0]));
  const out = { activations: await s.data(), embedding: await e.data(),
    embedding_linear: await pre.data() };
  t.dispose([...inputs, s, e, bn9, pre]);
  return out;
}

// ---- ONNX Runtime Web ------------------------------------------------------------------------
let ortMod = null;
export async function ort(threads = 1) {
  if (!ortMod) ortMod = await import('onnxruntime-web');
  // numThreads is read when the wasm module initialises (first session), so set it before that.
  ortMod.env.wasm.numThreads = threads;
  return ortMod;
}

/** The session options cuefinder uses for the musicnn models. */
export function sessionOptions() {
  return { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
}

export async function ortSession(file, { threads = 1 } = {}) {
  const o = await ort(threads);
  return o.InferenceSession.create(fs.readFileSync(file), sessionOptions());
}

export async function runOrt(session, data, n) {
  const o = ortMod;
  const feeds = { mel: new o.Tensor('float32', data, [n, PATCH, BANDS]) };
  const res = await session.run(feeds);
  const out = {};
  for (const k of session.outputNames) out[k] = res[k].data;
  return out;
}

// ---- machine limit ---------------------------------------------------------------------------
/** Best-of-300 GFLOP/s of simd_peak.c (needs emcc; returns null without it). */
export function simdPeak() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-simd-peak-'));
  const wasm = path.join(dir, 'simd_peak.wasm');
  try {
    execFileSync('emcc', ['-O3', '-msimd128', path.join(ROOT, 'tools', 'convert', 'simd_peak.c'),
      '-o', wasm, '-sEXPORTED_FUNCTIONS=_run', '--no-entry', '-sSTANDALONE_WASM'],
    { stdio: 'ignore', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
    const mod = new WebAssembly.Module(fs.readFileSync(wasm));
    const inst = new WebAssembly.Instance(mod, { wasi_snapshot_preview1: new Proxy({}, { get: () => () => 0 }) });
    // Many short calls: V8 tiers a wasm function up to optimised code between calls, not within
    // one long call; the best call also dodges other processes' time slices.
    const iters = 1_000_000;
    let best = 0;
    for (let r = 0; r < 300; r++) {
      const t0 = performance.now();
      inst.exports.run(iters, 1.0);
      best = Math.max(best, iters * 6 * 8 / ((performance.now() - t0) / 1000) / 1e9);
    }
    return best;
  } catch {
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

