// Inference speed of msd-musicnn-1 in Node: onnxruntime-web (wasm, 1 and 2 threads) on the
// converted model vs @tensorflow/tfjs-backend-wasm (1 thread) on the original TF.js model, on the
// same golden patches (joram, tests/data/golden), at batch 1, 4 and 10. Each configuration runs in a
// child process because both runtimes fix their thread count when their wasm module initialises.
//
//   node tools/convert/bench_inference.mjs [--upstream UPSTREAM_AUDIO_MODELS] [--model DIR/model.onnx ...]
//        [--reps N] [--rounds R]
//
// Without --upstream (the TF.js models are not in this repository; tools/convert/lib.mjs
// UPSTREAM_HELP says where to get them) only ONNX Runtime is measured.
//
// Prints ms per 187-frame patch, best and median over the repetitions (on a shared machine the best
// is the better estimate of what the runtime can do), and GFLOP/s of the best (2.80 GFLOP/patch).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as L from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const allOpt = (name) => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
const BATCHES = [1, 4, 10];
let reps = Number(opt('--reps', '3'));

function median(a) { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]); }

async function child(kind, threads, model) {
  const { data } = L.goldenPatches('joram', 10);
  let run;
  if (kind === 'ort') {
    await L.ort(threads);
    const sess = await L.ortSession(model, { threads });
    run = (x, n) => L.runOrt(sess, x, n);
  } else {
    await L.tfjs('wasm', threads);
    const ref = await L.loadTfjs('wasm', L.upstreamDir('msd-musicnn-1', model));
    run = (x, n) => L.runTfjs(ref, x, n, { activationsOnly: true });
  }
  const out = {};
  for (const b of BATCHES) {
    const x = data.slice(0, b * L.PATCH * L.BANDS);
    await run(x, b); // warm-up (first run allocates / JITs)
    const times = [];
    for (let r = 0; r < Math.max(2, Math.round(reps * 4 / b)); r++) {
      const t0 = performance.now();
      await run(x, b);
      times.push((performance.now() - t0) / b);
    }
    out[b] = times;
  }
  process.stdout.write(JSON.stringify(out));
}

if (args[0] === '--child') {
  reps = Number(args[4]);
  await child(args[1], Number(args[2]), args[3]);
  process.exit(0);
}

const models = allOpt('--model');
if (!models.length) models.push(L.onnxPath('msd-musicnn-1'));
const self = fileURLToPath(import.meta.url);
const upstream = opt('--upstream');
const configs = [];
if (upstream) configs.push(['tfjs', 1, L.requireUpstreamDir(upstream, 'bench_inference.mjs --upstream DIR'), '@tensorflow/tfjs-backend-wasm 4.22.0, 1 thread (peer)']);
else console.error(`no --upstream: TF.js (the peer) is not measured.\n${L.UPSTREAM_HELP}`);
for (const m of models) {
  const short = m.replace(L.ROOT + '/', '');
  configs.push(['ort', 1, m, `onnxruntime-web 1.30.0 wasm, 1 thread — ${short}`]);
  configs.push(['ort', 2, m, `onnxruntime-web 1.30.0 wasm, 2 threads — ${short}`]);
}
// Rounds of interleaved child processes, so that load from other processes on a shared machine
// hits every configuration alike; per configuration the best and the median over all rounds.
const rounds = Number(opt('--rounds', '3'));
const loadStart = os.loadavg()[0];
const results = configs.map(([, , , label]) => ({ label, times: {} }));
for (let round = 0; round < rounds; round++) {
  configs.forEach(([kind, threads, model, label], i) => {
    const out = JSON.parse(execFileSync(process.execPath,
      [self, '--child', kind, String(threads), model, String(reps)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    for (const b of BATCHES) (results[i].times[b] ||= []).push(...out[b]);
    console.error(`round ${round + 1}/${rounds} ${label}: ` +
      BATCHES.map((b) => `b${b} ${Math.min(...out[b]).toFixed(0)} ms`).join(', '));
  });
}
for (const r of results) {
  r.ms = {};
  for (const b of BATCHES) r.ms[b] = { min: Math.min(...r.times[b]), median: median(r.times[b]) };
}
console.log(`msd-musicnn-1 inference, ms per 187x96 patch: best / median of the repetitions, ${os.cpus().length} cores ` +
  `(${os.cpus()[0].model}), ${rounds} interleaved rounds, load average at start ${loadStart.toFixed(1)}; ` +
  `GFLOP/s of the best at ${L.GFLOP_PER_PATCH} GFLOP per patch`);
console.log('');
console.log(`| runtime | ${BATCHES.map((b) => `batch ${b}: ms/patch best / median (GFLOP/s)`).join(' | ')} |`);
console.log(`|---|${BATCHES.map(() => '---').join('|')}|`);
const peak = L.simdPeak();
for (const r of results) {
  console.log(`| ${r.label} | ${BATCHES.map((b) => `${r.ms[b].min.toFixed(0)} / ${r.ms[b].median.toFixed(0)} (${(L.GFLOP_PER_PATCH / r.ms[b].min * 1000).toFixed(1)})`).join(' | ')} |`);
}
console.log('');
console.log(peak === null ? 'WASM SIMD128 peak: not measured (no emcc)' :
  `WASM SIMD128 mul+add peak on this machine (tools/convert/simd_peak.c, 1 thread): ${peak.toFixed(1)} GFLOP/s; ` +
  `load average at end ${os.loadavg()[0].toFixed(1)}`);
