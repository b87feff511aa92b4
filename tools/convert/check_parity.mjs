// Parity of the converted ONNX models (onnxruntime-web, wasm) with the original TF.js models
// (@tensorflow/tfjs, cpu or wasm backend) on the golden mel patches, and of the ONNX outputs with
// the golden per-patch files (tests/data/golden).
//
//   node tools/convert/check_parity.mjs UPSTREAM_AUDIO_MODELS [--backend wasm|cpu] [--patches N]
//        [--models a,b] [--models-dir DIR] [--threads T]
//
// UPSTREAM_AUDIO_MODELS: the upstream TF.js models (not in this repository; run without it to see
// where to get them). tests/js/models.test.mjs checks the same without them, against TF.js outputs
// committed by tools/golden/make_parity.mjs.
// --patches N: first N patches of each golden clip go through TF.js (default: all;
// the cpu backend needs ~12 s per patch, use 1-2). The golden comparison always uses all patches.
// Exit status 1 when a difference exceeds the tolerance: sigmoid outputs 1e-5 absolute vs TF.js;
// the 200-d embeddings (values up to ~10, sums of ~1e6 float32 products) 1e-4 absolute vs TF.js:
// TF.js's own cpu and wasm backends differ by 1.8e-5 there (tests/data/golden/README.md), the
// summation order alone moves them by tens of ulps; everything 1e-4 vs the golden files.
import * as L from './lib.mjs';

const args = process.argv.slice(2);
const upstream = L.requireUpstreamDir(args[0]?.startsWith('--') ? undefined : args[0],
  'node tools/convert/check_parity.mjs UPSTREAM_AUDIO_MODELS [--backend wasm|cpu] [--patches N] [--models a,b] [--models-dir DIR] [--threads T]');
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const backend = opt('--backend', 'wasm');
const patches = opt('--patches') ? Number(opt('--patches')) : undefined;
const models = opt('--models') ? opt('--models').split(',') : L.MODEL_NAMES;
const modelsDir = opt('--models-dir', L.MODELS_DIR);
const threads = Number(opt('--threads', '1'));
const TOL_TFJS = { activations: 1e-5, embedding: 1e-4, embedding_linear: 1e-4 };
const TOL_GOLDEN = 1e-4;
const CLIPS = Object.keys(L.CLIPS);

function relMaxDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= m)) m = d;
  }
  return m;
}

const GOLDEN_FILES = {
  'msd-musicnn-1': { activations: ['msd_sigmoid', 50], embedding: ['msd_embedding', 200],
    embedding_linear: ['msd_embedding_prerelu', 200] },
  'mood_happy-musicnn-msd-2': { activations: ['mood_happy', 2] },
  'danceability-musicnn-msd-2': { activations: ['danceability', 2] },
};

await L.tfjs(backend, 1);
await L.ort(threads);
const rows = [];
let failed = false;
for (const name of models) {
  const ref = await L.loadTfjs(backend, L.upstreamDir(name, upstream));
  const sess = await L.ortSession(L.onnxPath(name, modelsDir), { threads });
  const worst = {};
  let nPatches = 0;
  for (const clip of CLIPS) {
    const { data, n } = L.goldenPatches(clip, patches);
    nPatches += n;
    const a = await L.runTfjs(ref, data, n);
    const b = await L.runOrt(sess, data, n);
    for (const k of Object.keys(a)) {
      const abs = L.maxAbsDiff(b[k], a[k]);
      const rel = relMaxDiff(b[k], a[k]);
      worst[k] = worst[k] || { abs: 0, rel: 0 };
      worst[k].abs = Math.max(worst[k].abs, abs);
      worst[k].rel = Math.max(worst[k].rel, rel);
    }
  }
  const golden = {};
  if (GOLDEN_FILES[name]) {
    for (const clip of CLIPS) {
      const { data, n } = L.goldenPatches(clip);
      const b = await L.runOrt(sess, data, n);
      for (const [k, [file, width]] of Object.entries(GOLDEN_FILES[name])) {
        const d = L.maxAbsDiff(b[k], L.goldenRows(clip, file, n, width));
        golden[k] = Math.max(golden[k] ?? 0, d);
      }
    }
  }
  ref.dispose();
  await sess.release();
  for (const [k, w] of Object.entries(worst)) {
    const ok = w.abs <= TOL_TFJS[k];
    const g = golden[k];
    const gok = g === undefined || g <= TOL_GOLDEN;
    if (!ok || !gok) failed = true;
    rows.push({ name, output: k, nPatches, abs: w.abs, rel: w.rel, golden: g, ok: ok && gok, tol: TOL_TFJS[k] });
  }
  console.error(`${name}: done`);
}

const fmt = (x) => (x === undefined ? '–' : x.toExponential(2));
console.log(`TF.js backend: ${backend} (@tensorflow/tfjs 4.22.0), ONNX: onnxruntime-web 1.30.0 wasm, ` +
  `${threads} thread(s); models from ${modelsDir}`);
console.log('');
console.log('| model | output | patches vs TF.js | max abs Δ vs TF.js | max rel Δ (Δ / max(1, abs x)) | tolerance vs TF.js | max abs Δ vs golden (all patches; tol 1e-4) | ok |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.output} | ${r.nPatches} | ${fmt(r.abs)} | ${fmt(r.rel)} | ${r.tol.toExponential(0)} | ${fmt(r.golden)} | ${r.ok ? 'yes' : '**NO**'} |`);
}
process.exit(failed ? 1 : 0);
