// image_model_eval: MobileNet v2 (TFLite uint8 -> ONNX) on real photos in ONNX Runtime Web
// (Node, wasm, 1 thread): top-5 of the float, QDQ and QLinear variants against the integer
// TFLite reference (tools/convert/tflite_ref.py), latency (median of 10 runs), model sizes.
// Writes docs/benchmarks/image_model.md.
//
//   /usr/bin/python3 tools/eval/image_model_photos.py --upstream UPSTREAM_IMAGE_MODELS --fetch  # photos + reference outputs
//   node tools/eval/image_model_eval.mjs [--work DIR] [--runs 10] [--out docs/benchmarks/image_model.md]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as L from '../convert/lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
};
const WORK = arg('--work', path.join(os.homedir(), '.cache', 'cuefinder', 'image-photos'));
const RUNS = Number(arg('--runs', 10));
const OUT = arg('--out', path.join(L.ROOT, 'docs', 'benchmarks', 'image_model.md'));
const MODEL_DIR = path.join(L.MODELS_DIR, 'mobilenet-v2');
const NOTES = `
## Notes

**Why the quantized variants differ from the reference at all.** TFLite's default build
requantizes with \`MultiplyByQuantizedMultiplier\` = \`SaturatingRoundingDoublingHighMul\` followed
by \`RoundingDivideByPOT\`: two roundings. With a right shift of 1 (most layers here), a true
value of 12.37 becomes 24.75 → 25 → 12.5 → 13. ONNX Runtime requantizes once, in float, with
round-half-to-even. Checked op by op (each op of \`tflite_ref.py\` fed ORT's own uint8 input, via a
debug copy of model_qdq.onnx that outputs every QuantizeLinear), on the cat and lake photos:
with TFLite's default arithmetic up to 12% of an op's outputs differ by exactly +1 step (never
more, never −1; ADD is exact); with \`--single-rounding\` (TFLite's \`TFLITE_SINGLE_ROUNDING\`
build: one rounding of the exact 64-bit product) every op is bit-identical except one element
of one conv (a float-rounding tie). So the converted QDQ graph computes what TFLite's
single-rounding build computes; the remaining difference from TFLite's default build is its
double rounding, which biases activations up by one step and moves probabilities by up to 0.07.
A logit step is 0.099 (×1.10 in the odds), so one step at the logits already shifts a 0.5
probability by ~0.025.

**Reference approximations.** \`tools/convert/tflite_ref.py\` is integer-exact (as recalled from
TFLite's reference kernels, not checked against a TFLite binary: none is available here) for
CONV_2D, DEPTHWISE_CONV_2D, ADD, AVERAGE_POOL_2D and RESHAPE. SOFTMAX is approximated: a float64
softmax of the dequantized logits, quantized to the output grid (1/256) with round-half-up,
instead of TFLite's gemmlowp fixed-point exp; expect rare ±1/256 differences there. The logits
(\`ref_logits_u8\`) are exact, which is why the table also compares logits.

**What ONNX Runtime Web 1.30 (wasm) runs.** All four graphs load and run on the wasm EP. The QDQ
graph is fused into quantized kernels (its outputs are bit-identical to the explicit
QLinearConv/QLinearAdd/QLinearGlobalAveragePool graph). On wasm the quantized kernels are
*slower* than float: SIMD128 has no 8-bit dot product, so the integer GEMM has no advantage over
the float one. Rewriting the uint8 weights as int8 (w − 128, zero point − 128: exactly the same
values) did not change the speed (interleaved, same photo: qdq median 169 ms, int8-weight qdq
175 ms, float 115 ms under load). The weight-only variant (\`wq\`) keeps the 3.6 MB download of
the quantized file and runs at float speed with the float model's exact outputs (ORT turns the
constant DequantizeLinear weights into float32 once, at load).

**Recommendation.** Use \`model_wq.onnx\` (manifest \`default_variant\`): smallest download class,
fastest, top-1 agrees with TFLite on all photos. Use \`model_qdq.onnx\` when outputs must track the
TFLite integer arithmetic as closely as possible (max |Δp| 0.016 vs the single-rounding
reference). \`model_float.onnx\` is bit-identical to \`model_wq.onnx\` in ORT and four times larger;
it is kept because the issue asked for it and for runtimes that do not fold DequantizeLinear.

**Timing caveat.** The 2-core VM was shared with other agents' builds (load average 9–14)
during these runs, so medians are inflated and noisy; the fastest-run column is the better
lower bound. A quieter earlier run on the cat photo gave float 37 ms, qdq 53 ms (1 thread).
The top-5 differences that remain are all among classes ≤ 0.07, where the 1/256 output grid
and one-step logit differences reorder near-ties.
`;

const meta = JSON.parse(fs.readFileSync(path.join(WORK, 'photos.json'), 'utf8'));
const labels = fs.readFileSync(path.join(MODEL_DIR, 'labels.txt'), 'utf8').split('\n');
const short = (k) => labels[k].split(',')[0];
const OUT_SCALE = 1 / 256;

const variants = [
  { key: 'float', file: path.join(MODEL_DIR, 'model_float.onnx') },
  { key: 'wq', file: path.join(MODEL_DIR, 'model_wq.onnx') },
  { key: 'qdq', file: path.join(MODEL_DIR, 'model_qdq.onnx') },
  { key: 'qlinear', file: path.join(WORK, 'model_qlinear.onnx') },
].filter((v) => fs.existsSync(v.file));

function topk(p, k = 5) {
  return [...p.keys()].sort((a, b) => p[b] - p[a] || a - b).slice(0, k);
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const ort = await L.ort(1);
const results = {};  // variant -> photo id -> { prob, logits, ms (median), best }
const sessions = {};
for (const v of variants) {
  sessions[v.key] = await ort.InferenceSession.create(fs.readFileSync(v.file), L.sessionOptions());
  results[v.key] = {};
}
// Runs are interleaved (float, qdq, qlinear, float, ...) so that the load of the shared machine
// hits every variant alike.
for (const ph of meta.photos) {
  const img = new Uint8Array(fs.readFileSync(ph.bin));
  const feeds = { image: new ort.Tensor('uint8', img, [1, 224, 224, 3]) };
  const out = {}, ms = {};
  for (const v of variants) { out[v.key] = await sessions[v.key].run(feeds); ms[v.key] = []; }  // warm-up
  for (let i = 0; i < RUNS; i++) {
    for (const v of variants) {
      const t0 = performance.now();
      out[v.key] = await sessions[v.key].run(feeds);
      ms[v.key].push(performance.now() - t0);
    }
  }
  for (const v of variants) {
    results[v.key][ph.id] = { prob: Float32Array.from(out[v.key].probabilities.data),
      logits: Float32Array.from(out[v.key].logits.data), ms: median(ms[v.key]),
      best: Math.min(...ms[v.key]) };
  }
}
for (const v of variants) await sessions[v.key].release();

// Agreement with the reference. The reference probabilities are on the 1/256 grid, so ties are
// common below the top few: a variant's top-1 "matches" when its class has the reference's
// maximum value, and its top-5 overlap counts classes whose reference value reaches the
// reference's 5th-largest value.
function agreement(p, refU8) {
  const ref = Float64Array.from(refU8, (q) => q * OUT_SCALE);
  const rs = [...ref].sort((a, b) => b - a);
  const t = topk(p);
  let maxd = 0;
  for (let i = 0; i < p.length; i++) maxd = Math.max(maxd, Math.abs(p[i] - ref[i]));
  return { top1: ref[t[0]] === rs[0], top5: t.filter((k) => ref[k] >= rs[4] && ref[k] > 0).length,
    maxd };
}

// Logits of a variant in the reference's uint8 steps (exact integers for the quantized variants).
const toLsb = (l) => Array.from(l, (x) => x / meta.logits_scale + meta.logits_zero_point);
const REFS = [['ref', 'TFLite default (double rounding)'], ['ref1', 'TFLITE_SINGLE_ROUNDING']];
const rows = [];
const summary = {};
for (const v of variants) {
  for (const [rk] of REFS) summary[`${v.key}|${rk}`] = { top1: 0, top5: 0, maxd: 0, maxLsb: 0, exact: 0, n: 0 };
}
const ms = Object.fromEntries(variants.map((v) => [v.key, []]));
const best = Object.fromEntries(variants.map((v) => [v.key, []]));
for (const ph of meta.photos) {
  const refTop = topk(Float64Array.from(ph.ref_prob_u8));
  const row = { ph, refTop, per: {} };
  for (const v of variants) {
    const r = results[v.key][ph.id];
    row.per[v.key] = { top: topk(r.prob), prob: r.prob, ms: r.ms };
    ms[v.key].push(r.ms);
    best[v.key].push(r.best);
    for (const [rk] of REFS) {
      const a = agreement(r.prob, ph[`${rk}_prob_u8`]);
      const lsb = toLsb(r.logits), refL = ph[`${rk}_logits_u8`];
      let maxLsb = 0;
      for (let i = 0; i < lsb.length; i++) maxLsb = Math.max(maxLsb, Math.abs(lsb[i] - refL[i]));
      const s = summary[`${v.key}|${rk}`];
      s.top1 += a.top1 ? 1 : 0; s.top5 += a.top5; s.maxd = Math.max(s.maxd, a.maxd);
      s.maxLsb = Math.max(s.maxLsb, maxLsb); s.exact += maxLsb < 1e-3 ? 1 : 0; s.n++;
    }
  }
  rows.push(row);
}
// float vs qdq directly
let fqMax = 0, fqTop1 = 0;
if (results.float && results.qdq) {
  for (const ph of meta.photos) {
    const a = results.float[ph.id].prob, b = results.qdq[ph.id].prob;
    for (let i = 0; i < a.length; i++) fqMax = Math.max(fqMax, Math.abs(a[i] - b[i]));
    if (topk(a, 1)[0] === topk(b, 1)[0]) fqTop1++;
  }
}

const isFloat = (k) => k === 'float' || k === 'wq';
const fmt = (list, p) => list.map((k) => `${short(k)} ${p(k).toFixed(3)}`).join(', ');
const size = (f) => (fs.statSync(f).size / 1e6).toFixed(2);
const tfliteSize = (fs.statSync(meta.model).size / 1e6).toFixed(2);
const lines = [];
lines.push('# MobileNet v2 (TFLite uint8 → ONNX) on real photos');
lines.push('');
lines.push(`Generated by \`node tools/eval/image_model_eval.mjs\` on ${new Date().toISOString().slice(0, 10)}, ` +
  'after `/usr/bin/python3 tools/eval/image_model_photos.py --upstream UPSTREAM_IMAGE_MODELS --fetch`. Machine: 2-core Debian bookworm ' +
  `VM shared with other jobs, Node ${process.version}, onnxruntime-web ${ort.env.versions?.web ?? '1.30'} ` +
  `(wasm, SIMD, 1 thread, graphOptimizationLevel 'all'). Latency: median of ${RUNS} runs after one warm-up, ` +
  'per photo (batch 1, input already decoded), the variants\' runs interleaved.');
lines.push('');
lines.push('Model: `mobilenet_v2_1.0_224_quant.tflite` (google-coral/test_data@104342d, Apache-2.0), ' +
  'converted by `tools/convert/tflite2onnx.py`. Reference: `tools/convert/tflite_ref.py`, a numpy ' +
  'interpreter with TFLite\'s integer arithmetic (exact for conv, depthwise conv, add, average pool; ' +
  'softmax approximated, see below).');
lines.push('');
lines.push('## Variants and sizes');
lines.push('');
lines.push('| variant | file | MB | ops | latency: median over photos of the per-photo median (ms) | fastest single run (ms) |');
lines.push('|---|---|---|---|---|---|');
lines.push(`| TFLite upstream | mobilenet_v2_1.0_224_quant.tflite | ${tfliteSize} | uint8 | (no TFLite runtime here; numpy reference ≈ ${median(meta.photos.map((p) => p.ref_ms)).toFixed(0)} ms) | |`);
const desc = { float: 'float32 weights, Conv + Clip(0,6) + Add + GlobalAveragePool, float activations',
  wq: 'weight-only quantized: uint8 weights behind DequantizeLinear, float activations (= float arithmetic)',
  qdq: 'uint8 weights behind DequantizeLinear, Q→DQ around every activation (ORT fuses to quantized kernels)',
  qlinear: 'QLinearConv (standard) + com.microsoft QLinearAdd / QLinearGlobalAveragePool (not shipped; measured only)' };
for (const v of variants) {
  lines.push(`| ${v.key} | ${path.basename(v.file)} | ${size(v.file)} | ${desc[v.key]} | ${median(ms[v.key]).toFixed(1)} | ${Math.min(...best[v.key]).toFixed(1)} |`);
}
lines.push('');
lines.push('## Agreement with the integer reference');
lines.push('');
lines.push(`${meta.photos.length} photos. top-1: the variant's best class has the reference's highest probability; ` +
  'top-5 overlap: how many of the variant\'s 5 best classes reach the reference\'s 5th-highest value ' +
  '(ties on the 1/256 grid counted); max |Δp|: largest absolute probability difference over all 1001 classes and photos.');
lines.push('');
lines.push('| variant | reference arithmetic | top-1 agree | mean top-5 overlap | max abs Δp | max abs Δlogit (uint8 steps) | photos with identical logits |');
lines.push('|---|---|---|---|---|---|---|');
for (const v of variants) {
  for (const [rk, rdesc] of REFS) {
    const s = summary[`${v.key}|${rk}`];
    lines.push(`| ${v.key} | ${rdesc} | ${s.top1}/${s.n} | ${(s.top5 / s.n).toFixed(2)}/5 | ${s.maxd.toFixed(4)} | ${s.maxLsb.toFixed(isFloat(v.key) ? 2 : 0)} | ${isFloat(v.key) ? '–' : `${s.exact}/${s.n}`} |`);
  }
}
if (results.float && results.qdq) {
  lines.push('');
  lines.push(`float vs qdq directly: top-1 agree ${fqTop1}/${meta.photos.length}, max |Δp| ${fqMax.toFixed(4)}.`);
}
const identical = (x, y) => meta.photos.every((ph) => {
  const a = results[x][ph.id].prob, b = results[y][ph.id].prob;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
});
if (results.float && results.wq) {
  lines.push(`float vs wq: ${identical('float', 'wq') ? 'bit-identical outputs on every photo' : 'outputs differ'}.`);
}
if (results.qdq && results.qlinear) {
  let same = true;
  for (const ph of meta.photos) {
    const a = results.qdq[ph.id].prob, b = results.qlinear[ph.id].prob;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) same = false;
  }
  lines.push(`qdq vs qlinear: ${same ? 'bit-identical outputs on every photo (ORT runs the QDQ graph as the same quantized kernels)' : 'outputs differ'}.`);
}
lines.push('');
lines.push('## Per photo: top-5 (probability) and latency');
lines.push('');
const msKeys = variants.map((v) => v.key);
lines.push(`| photo (shows) | reference (TFLite default arithmetic) | qdq | float (= wq) | ${msKeys.map((k) => `ms ${k}`).join(' | ')} |`);
lines.push(`|---|---|---|---|${msKeys.map(() => '---').join('|')}|`);
for (const r of rows) {
  const ref = r.ph.ref_prob_u8;
  const cells = [`**${r.ph.id}** (${r.ph.shows})`, fmt(r.refTop, (k) => ref[k] * OUT_SCALE),
    r.per.qdq ? fmt(r.per.qdq.top, (k) => r.per.qdq.prob[k]) : '–',
    r.per.float ? fmt(r.per.float.top, (k) => r.per.float.prob[k]) : '–',
    ...msKeys.map((k) => r.per[k].ms.toFixed(1))];
  lines.push(`| ${cells.join(' | ')} |`);
}
lines.push('');
lines.push('## Photos');
lines.push('');
lines.push('Central square crop, PIL BILINEAR resize to 224×224 (`tools/eval/image_model_photos.py`).');
lines.push('');
lines.push('| id | Debian package | file | original size | license |');
lines.push('|---|---|---|---|---|');
for (const ph of meta.photos) {
  lines.push(`| ${ph.id} | ${ph.package} | ${ph.path.replace('usr/lib/python3/dist-packages/', '…/')} | ${ph.original_size.join('×')} | ${ph.license} |`);
}
lines.push('');
fs.writeFileSync(OUT, lines.join('\n') + NOTES);
console.log(lines.join('\n'));
console.error(`image_model_eval: wrote ${OUT}`);
