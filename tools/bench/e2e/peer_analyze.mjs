#!/usr/bin/env node
// The peer pipeline as a whole process, as someone would run it today without cuefinder:
//
//   node tools/bench/e2e/peer_analyze.mjs UPSTREAM_AUDIO_MODELS FILE [--threads N]
//
// ffmpeg decodes FILE to 16 kHz mono float (soxr resampler, as the golden data were made), essentia.js
// 0.1.3 computes the musicnn log-mel features (EssentiaTFInputExtractor.computeFrameWise(signal, 256)),
// and @tensorflow/tfjs-backend-wasm 4.22 (SIMD, one thread by default) runs the upstream TF.js
// msd-musicnn-1 on every non-overlapping 187-frame patch. Prints one JSON line: the 50 tag means, the
// mean 200-d embedding and the stage times. Start-up (Node, imports, WASM compile, model load) is part of
// the process and shows in its wall time, which the caller measures.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as L from '../../convert/lib.mjs';

const [upstream, file] = process.argv.slice(2);
const threadsAt = process.argv.indexOf('--threads');
const threads = threadsAt > 0 ? Number(process.argv[threadsAt + 1]) : 1;
if (!upstream || !file) {
  console.error('usage: node tools/bench/e2e/peer_analyze.mjs UPSTREAM_AUDIO_MODELS FILE [--threads N]');
  process.exit(2);
}
const now = () => performance.now() / 1000;
const t0 = now();
const dec = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-af', 'aresample=resampler=soxr:precision=28',
  '-ar', '16000', '-ac', '1', '-f', 'f32le', '-'], { maxBuffer: 1 << 30 });
if (dec.status !== 0) { console.error(`ffmpeg failed on ${file}: ${dec.stderr}`); process.exit(1); }
const signal = new Float32Array(dec.stdout.buffer.slice(dec.stdout.byteOffset, dec.stdout.byteOffset + dec.stdout.byteLength));
const t1 = now();
const es = createRequire(import.meta.url)('essentia.js');
const extractor = new es.EssentiaModel.EssentiaTFInputExtractor(es.EssentiaWASM, 'musicnn', false);
const f = extractor.computeFrameWise(signal, 256);
const frames = f.melSpectrum.length;
const n = Math.ceil(frames / L.PATCH);
const x = new Float32Array(n * L.PATCH * L.BANDS);
for (let i = 0; i < frames; i++) x.set(f.melSpectrum[i], i * L.BANDS);
const t2 = now();
await L.tfjs('wasm', threads);
const model = await L.loadTfjs('wasm', L.upstreamDir('msd-musicnn-1', upstream));
const t3 = now();
const out = await L.runTfjs(model, x, n);
const t4 = now();
const mean = (a, w) => Array.from({ length: w }, (_, j) => { let s = 0; for (let i = 0; i < n; i++) s += a[i * w + j]; return s / n; });
process.stdout.write(JSON.stringify({ file: path.basename(file), audio_s: signal.length / 16000, n_patches: n,
  tags: mean(out.activations, 50), embedding: mean(out.embedding, 200),
  timings_s: { decode: t1 - t0, features: t2 - t1, model_load: t3 - t2, inference: t4 - t3 } }) + '\n');
