// MobileNet v2 (models/mobilenet-v2, converted from the TFLite uint8 model by
// tools/convert/tflite2onnx.py) in onnxruntime-web against the stored outputs of the integer TFLite
// reference (tools/convert/tflite_ref.py) on two real photos (tests/data/image_model/, CC0).
//   node --test tests/js/image_model.test.mjs
// Tolerances (measured on 11 photos in docs/benchmarks/image_model.md, then doubled-ish):
//   * top-1 class must equal the reference's on both fixtures, for both variants;
//   * qdq vs the TFLITE_SINGLE_ROUNDING reference: logits within 3 uint8 steps (measured max 2:
//     ORT requantizes in float with round-half-even, the reference in exact integers), |Δp| ≤ 0.03
//     (measured 0.016; one logit step is ×1.10 in the odds);
//   * qdq and float vs TFLite's default double-rounding arithmetic: |Δp| ≤ 0.12 (measured 0.078:
//     double rounding biases about 10% of the activations of a layer up by one step).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as L from '../../tools/convert/lib.mjs';

const DIR = path.join(L.MODELS_DIR, 'mobilenet-v2');
const FIX = path.join(L.ROOT, 'tests', 'data', 'image_model');
const TOL = { qdqSingleLogitSteps: 3, qdqSingleProb: 0.03, vsDefaultProb: 0.12 };
// model_float.onnx (14 MB) is not committed: tools/convert/convert_image_model.sh regenerates it
// (same outputs as model_wq.onnx); it is checked when present.
const variants = ['wq', 'qdq', ...(fs.existsSync(path.join(DIR, 'model_float.onnx')) ? ['float'] : [])];
const missing = variants.map((v) => path.join(DIR, `model_${v}.onnx`)).filter((f) => !fs.existsSync(f));
const skipModels = missing.length ? `models missing: ${missing.join(', ')} ` +
  '(run tools/convert/tflite2onnx.py, see models/README.md)' : false;
if (skipModels) console.log(`image_model.test: skipping ORT checks: ${skipModels}`);
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'expected.json'), 'utf8'));

const argmax = (a) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);

test('manifest describes the files next to it', { skip: skipModels }, () => {
  const m = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8'));
  for (const v of variants) {
    const bytes = fs.readFileSync(path.join(DIR, m.variants[v].file));
    assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), m.variants[v].sha256, v);
    assert.equal(bytes.length, m.variants[v].bytes, v);
  }
  assert.deepEqual(m.input, { name: 'image', shape: [1, 224, 224, 3], dtype: 'uint8', layout: 'NHWC',
    tflite_name: 'input' });
  assert.deepEqual(m.preprocessing.input_quantization, { scale: 0.0078125, zero_point: 128 });
  const labels = fs.readFileSync(path.join(DIR, m.labels.file), 'utf8').split('\n').filter(Boolean);
  assert.equal(labels.length, 1001);
  assert.equal(labels[0], 'background');
  assert.equal(m.outputs[0].name, 'probabilities');
});

const havePythonOnnx = (() => {
  try { execFileSync('/usr/bin/python3', ['-c', 'import onnx, numpy'], { stdio: 'ignore' }); return true; } catch { return false; }
})();
test('converter and reference unit tests (tools/convert/test_tflite2onnx.py)',
  { skip: !havePythonOnnx && 'no /usr/bin/python3 with onnx and numpy' }, () => {
    execFileSync('/usr/bin/python3', [path.join(L.ROOT, 'tools', 'convert', 'test_tflite2onnx.py')],
      { stdio: 'pipe' });
  });

test('ONNX variants agree with the TFLite reference on the fixture photos', { skip: skipModels }, async () => {
  const ort = await L.ort(1);
  for (const v of variants) {
    const sess = await ort.InferenceSession.create(fs.readFileSync(path.join(DIR, `model_${v}.onnx`)),
      L.sessionOptions());
    for (const fx of expected.fixtures) {
      const img = new Uint8Array(fs.readFileSync(path.join(FIX, fx.file)));
      assert.equal(img.length, 224 * 224 * 3);
      const r = await sess.run({ image: new ort.Tensor('uint8', img, [1, 224, 224, 3]) });
      const p = r.probabilities.data, logits = r.logits.data;
      assert.deepEqual(r.probabilities.dims, [1, 1001]);
      const what = `${v} ${fx.file}`;
      assert.equal(argmax(p), argmax(fx.prob_u8), `${what}: top-1`);
      let dDefault = 0, dSingle = 0, dLogit = 0;
      for (let i = 0; i < p.length; i++) {
        dDefault = Math.max(dDefault, Math.abs(p[i] - fx.prob_u8[i] / 256));
        dSingle = Math.max(dSingle, Math.abs(p[i] - fx.prob_u8_single_rounding[i] / 256));
        const steps = logits[i] / expected.logits_scale + expected.logits_zero_point;
        dLogit = Math.max(dLogit, Math.abs(steps - fx.logits_u8_single_rounding[i]));
      }
      console.log(`${what}: max|Δp| vs TFLite default ${dDefault.toFixed(4)}, vs single rounding ` +
        `${dSingle.toFixed(4)}, max |Δlogit| ${dLogit.toFixed(2)} steps`);
      assert.ok(dDefault <= TOL.vsDefaultProb, `${what}: max |Δp| ${dDefault} vs TFLite default`);
      if (v === 'qdq') {
        assert.ok(dSingle <= TOL.qdqSingleProb, `${what}: max |Δp| ${dSingle} vs single rounding`);
        assert.ok(dLogit <= TOL.qdqSingleLogitSteps + 1e-3, `${what}: logits ${dLogit} steps`);
      }
    }
    await sess.release();
  }
});
