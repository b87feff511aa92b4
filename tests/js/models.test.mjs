// The converted ONNX models (models/<name>/model.onnx) against the original TF.js models' outputs
// and the golden outputs, their manifests, and the converter's determinism.
//   node --test tests/js/models.test.mjs
// The TF.js outputs are committed (tests/data/golden/parity/, made by tools/golden/make_parity.mjs
// with TF.js's wasm backend, the runtime this test compared against when it ran TF.js live), so
// the parity check runs without the upstream models, which are not in the repository.
// Tolerances: sigmoid outputs 1e-5 absolute vs TF.js (the conversion goal); 200-d embeddings
// 1e-4 absolute vs TF.js (values up to ~10 summed from ~1e6 float32 products; TF.js's own cpu and
// wasm backends already differ by 1.8e-5, see tests/data/golden/README.md); 1e-4 vs the golden
// files (TF.js cpu backend).
// The converter's reproducibility needs the upstream models: it runs when CF_UPSTREAM_AUDIO_MODELS
// names their folder (tools/convert/lib.mjs UPSTREAM_HELP says where to get them), else it is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as L from '../../tools/convert/lib.mjs';

const TOL = { activations: 1e-5, embedding: 1e-4, embedding_linear: 1e-4 };
const TOL_GOLDEN = 1e-4;
const PARITY = path.join(L.GOLDEN, 'parity');
const upstream = process.env.CF_UPSTREAM_AUDIO_MODELS;
const haveUpstream = !!upstream && fs.existsSync(path.join(upstream, 'msd-musicnn-1', 'model.json'));

test('manifests describe the files next to them', () => {
  for (const name of L.MODEL_NAMES) {
    const dir = path.join(L.MODELS_DIR, name);
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const bytes = fs.readFileSync(path.join(dir, m.file));
    assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), m.sha256, name);
    assert.equal(m.name, name);
    assert.deepEqual(m.input, { name: 'mel', shape: [-1, 187, 96], dtype: 'float32' });
    const outs = Object.fromEntries(m.outputs.map((o) => [o.name, o.shape]));
    assert.deepEqual(outs.activations, [-1, m.labels.length], name);
    assert.deepEqual(outs.embedding, [-1, 200], name);
    assert.deepEqual(outs.embedding_linear, [-1, 200], name);
    assert.match(m.license, /non-commercial/);
    if (m.labels.length === 2) assert.ok(m.positive_index === 0 || m.positive_index === 1, name);
    else assert.equal(m.labels.length, 50);
  }
});

test('the committed TF.js outputs cover every model, clip and output', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(PARITY, 'manifest.json'), 'utf8'));
  for (const name of L.MODEL_NAMES)
    for (const clip of Object.keys(L.CLIPS)) {
      const { n } = L.goldenPatches(clip);
      for (const k of Object.keys(TOL)) {
        const file = `${name}.${clip}.${k}.f32`;
        assert.ok(manifest.files[file], `${file} missing from ${PARITY}/manifest.json`);
        assert.equal(fs.statSync(path.join(PARITY, file)).size, 4 * n * manifest.files[file][1], file);
      }
    }
});

test('ONNX models match TF.js on every golden patch (committed TF.js outputs)', async () => {
  await L.ort(1);
  for (const name of L.MODEL_NAMES) {
    const sess = await L.ortSession(L.onnxPath(name), { threads: 1 });
    assert.deepEqual(sess.inputNames, ['mel']);
    assert.deepEqual([...sess.outputNames].sort(), ['activations', 'embedding', 'embedding_linear']);
    for (const clip of Object.keys(L.CLIPS)) {
      const { data, n } = L.goldenPatches(clip);
      const b = await L.runOrt(sess, data, n);
      for (const k of Object.keys(TOL)) {
        const d = L.maxAbsDiff(b[k], L.readF32(path.join(PARITY, `${name}.${clip}.${k}.f32`)));
        assert.ok(d <= TOL[k], `${name} ${clip} ${k}: max |Δ| ${d} > ${TOL[k]}`);
      }
    }
    await sess.release();
  }
});

// The Node CLI runs the same models in onnxruntime-node when it is installed (src/cli/ort_runtime.mjs):
// the same tolerances against the same TF.js outputs. Skipped only where the optional package is absent.
const nativeDir = path.join(L.ROOT, 'node_modules', 'onnxruntime-node');
test('onnxruntime-node (the CLI\'s native runtime) matches TF.js on every golden patch', {
  skip: fs.existsSync(nativeDir) ? false : 'onnxruntime-node is not installed (optional dependency)',
}, async () => {
  const mod = await import('onnxruntime-node');
  const ort = mod.default ?? mod;
  for (const name of L.MODEL_NAMES) {
    const sess = await ort.InferenceSession.create(fs.readFileSync(L.onnxPath(name)),
      { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
    for (const clip of Object.keys(L.CLIPS)) {
      const { data, n } = L.goldenPatches(clip);
      const res = await sess.run({ mel: new ort.Tensor('float32', data, [n, L.PATCH, L.BANDS]) });
      for (const k of Object.keys(TOL)) {
        const d = L.maxAbsDiff(res[k].data, L.readF32(path.join(PARITY, `${name}.${clip}.${k}.f32`)));
        assert.ok(d <= TOL[k], `native ${name} ${clip} ${k}: max |Δ| ${d} > ${TOL[k]}`);
      }
    }
    await sess.release();
  }
});

test('ONNX outputs match the golden per-patch files', async () => {
  await L.ort(1);
  const golden = {
    'msd-musicnn-1': { activations: ['msd_sigmoid', 50], embedding: ['msd_embedding', 200],
      embedding_linear: ['msd_embedding_prerelu', 200] },
    'mood_happy-musicnn-msd-2': { activations: ['mood_happy', 2] },
    'danceability-musicnn-msd-2': { activations: ['danceability', 2] },
  };
  for (const [name, files] of Object.entries(golden)) {
    const sess = await L.ortSession(L.onnxPath(name), { threads: 1 });
    for (const clip of Object.keys(L.CLIPS)) {
      const { data, n } = L.goldenPatches(clip, 3);
      const out = await L.runOrt(sess, data, n);
      for (const [k, [file, width]] of Object.entries(files)) {
        const d = L.maxAbsDiff(out[k], L.goldenRows(clip, file, n, width));
        assert.ok(d <= TOL_GOLDEN, `${name} ${clip} ${k}: max |Δ| ${d} > ${TOL_GOLDEN}`);
      }
    }
    await sess.release();
  }
});

const python = '/usr/bin/python3';
const havePythonOnnx = (() => {
  try { execFileSync(python, ['-c', 'import onnx, numpy'], { stdio: 'ignore' }); return true; } catch { return false; }
})();

test('conversion is deterministic and reproduces the committed model',
  { skip: (!havePythonOnnx && 'no /usr/bin/python3 with onnx') || (!haveUpstream && 'needs CF_UPSTREAM_AUDIO_MODELS (the upstream TF.js models)') }, () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-convert-'));
    try {
      const script = path.join(L.ROOT, 'tools', 'convert', 'convert_models.py');
      const bytes = [];
      for (const sub of ['a', 'b']) {
        execFileSync(python, [script, upstream, '--only', 'msd-musicnn-1', '--out', path.join(tmp, sub)],
          { stdio: 'ignore' });
        bytes.push(fs.readFileSync(path.join(tmp, sub, 'msd-musicnn-1', 'model.onnx')));
        bytes.push(fs.readFileSync(path.join(tmp, sub, 'msd-musicnn-1', 'manifest.json')));
      }
      assert.ok(bytes[0].equals(bytes[2]), 'model.onnx differs between two conversions');
      assert.ok(bytes[1].equals(bytes[3]), 'manifest.json differs between two conversions');
      const committed = fs.readFileSync(L.onnxPath('msd-musicnn-1'));
      assert.ok(bytes[0].equals(committed),
        'models/msd-musicnn-1/model.onnx is not what the converter produces: run bash tools/convert/convert_models.sh UPSTREAM_AUDIO_MODELS');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

test('converter unit tests (synthetic graphs, weight decoding, errors)',
  { skip: !havePythonOnnx && 'no /usr/bin/python3 with onnx' }, () => {
    execFileSync(python, [path.join(L.ROOT, 'tools', 'convert', 'test_tfjs2onnx.py')],
      { stdio: ['ignore', 'ignore', 'pipe'] });
  });
