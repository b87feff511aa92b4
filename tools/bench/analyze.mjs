#!/usr/bin/env node
// End-to-end analysis benchmark: the peer pipeline vs ./cuefinder analyze, in one run.
//
//   node tools/bench/analyze.mjs --upstream UPSTREAM_AUDIO_MODELS [--reps N] [--out docs/benchmarks/analyze.md]
//
// UPSTREAM_AUDIO_MODELS: the upstream TF.js models the peer runs (not in this repository;
// tools/convert/lib.mjs UPSTREAM_HELP says where to get them). Without it the benchmark is skipped
// with that message (exit status 0, so `./cuefinder bench` goes on).
//   node tools/bench/analyze.mjs --smoke   # seconds (tools/bench/smoke.mjs): our side only (--only msd, one
//        thread, one run) on a 3 s test clip; the peer needs UPSTREAM_AUDIO_MODELS, so it is skipped
//
// Peer (what a web page does today): essentia.js 0.1.3 musicnn features
// (EssentiaTFInputExtractor.computeFrameWise(signal, 256)) on the golden 16 kHz signal, then
// @tensorflow/tfjs-backend-wasm 4.22 (one thread, SIMD) running the original TF.js msd-musicnn-1
// on the non-overlapping patches. It starts from decoded 16 kHz samples: the peer's decoding
// (Web Audio) is not counted, which favours the peer.
// Ours: `./cuefinder analyze --only msd --full --runtime wasm` on the same 16 kHz samples (as a float
// WAV) and on the golden MP3 (decoding, resampling and features in the WASM core, inference in ONNX
// Runtime Web, as in the page), with 1 and 2 threads; the CLI's default native runtime on the MP3; and the
// complete analysis (7 models + tempo + loudness) for reference. Every configuration runs in its
// own Node process (both runtimes fix their thread count at start-up); each process analyses the
// input once to warm up (model load, wasm compile) and then `reps` times; the median is reported.
// Results are per 30 s of audio. GFLOP/s assume 2.80 GFLOP per 187-frame patch; the WASM SIMD
// limit is measured by tools/convert/simd_peak.c in the same run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as L from '../convert/lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const reps = args.includes('--smoke') ? 1 : Number(opt('--reps', '3'));
const out = opt('--out', path.join(root, 'docs/benchmarks/analyze.md'));
const ID = 'joram';
const MP3 = path.join(L.GOLDEN, 'source', L.CLIPS[ID]);
const upstream = opt('--upstream');
const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]); };

async function peerChild() {
  const require = createRequire(import.meta.url);
  const es = require('essentia.js');
  const extractor = new es.EssentiaModel.EssentiaTFInputExtractor(es.EssentiaWASM, 'musicnn', false);
  const signal = L.readF32(path.join(L.GOLDEN, `${ID}.signal.f32`));
  await L.tfjs('wasm', 1);
  const model = await L.loadTfjs('wasm', L.upstreamDir('msd-musicnn-1', upstream));
  const feat = [], inf = [];
  let nPatches = 0;
  for (let r = 0; r <= reps; r++) {
    let t0 = performance.now();
    const f = extractor.computeFrameWise(signal, 256);
    const frames = f.melSpectrum.length;  // [frames][96]
    const n = Math.ceil(frames / 187);
    const x = new Float32Array(n * 187 * 96);
    for (let i = 0; i < frames; i++) x.set(f.melSpectrum[i], i * 96);
    const t1 = performance.now();
    await L.runTfjs(model, x, n, { activationsOnly: true });
    const t2 = performance.now();
    nPatches = n;
    if (r > 0) { feat.push((t1 - t0) / 1000); inf.push((t2 - t1) / 1000); }
  }
  process.stdout.write(JSON.stringify({ audio_s: signal.length / 16000, n_patches: nPatches, features_s: median(feat), inference_s: median(inf) }));
}

// The golden 16 kHz signal as a float WAV: the same decoded samples the peer starts from.
function signalWav() {
  const x = L.readF32(path.join(L.GOLDEN, `${ID}.signal.f32`));
  const n = x.length, b = Buffer.alloc(44 + n * 4);
  b.write('RIFF', 0); b.writeUInt32LE(36 + n * 4, 4); b.write('WAVEfmt ', 8); b.writeUInt32LE(16, 16);
  b.writeUInt16LE(3, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(16000, 24); b.writeUInt32LE(64000, 28);
  b.writeUInt16LE(4, 32); b.writeUInt16LE(32, 34); b.write('data', 36); b.writeUInt32LE(n * 4, 40);
  Buffer.from(x.buffer, x.byteOffset, n * 4).copy(b, 44);
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-')), `${ID}.wav`);
  fs.writeFileSync(f, b);
  return f;
}

// runtime: 'wasm' (onnxruntime-web, what the page runs; the rows compare WASM with WASM) or 'native'.
function oursChild(threads, only, input = MP3, runtime = 'wasm') {
  const cli = path.join(root, 'src/cli/analyze.mjs');
  const files = Array(reps + 1).fill(input);
  const a = ['--json', '--full', '--runtime', runtime, '--threads', String(threads), '--no-taggram', '--no-curves', '--quiet'];
  if (only) a.push('--only', only);
  const text = execFileSync(process.execPath, [cli, ...a, ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const rs = text.trim().split('\n').map((l) => JSON.parse(l)).slice(1);  // drop the warm-up
  const m = (k) => median(rs.map((r) => r.timings_s[k]));
  return { audio_s: rs[0].duration_s, n_patches: rs[0].n_patches, decode_s: m('decode'), features_s: m('features'),
    rhythm_s: m('rhythm'), inference_s: m('inference'), elapsed_s: median(rs.map((r) => r.elapsed_s)) };
}

function child(kind) {
  return JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', kind, '--reps', String(reps), '--upstream', upstream],
    { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

if (args[0] === '--child') {
  if (args[1] === 'peer') await peerChild();
  process.exit(0);
}

if (args.includes('--smoke')) {
  const clip = path.join(root, 'tests/data/audio/vorbis_q2_44k_stereo_3s.ogg');
  const r = oursChild(1, 'msd', clip);
  for (const k of ['audio_s', 'n_patches', 'decode_s', 'features_s', 'inference_s', 'elapsed_s'])
    if (!Number.isFinite(r[k])) { console.error(`analyze smoke: ${k} is ${r[k]} in the CLI's JSON`); process.exit(1); }
  console.log(`smoke: ours ${JSON.stringify(r)}; the peer skipped (needs --upstream UPSTREAM_AUDIO_MODELS, not in the repository)`);
  process.exit(0);
}
if (!upstream) {
  console.error(`analysis benchmark skipped: no --upstream UPSTREAM_AUDIO_MODELS.\n${L.UPSTREAM_HELP}`);
  process.exit(0);
}
L.requireUpstreamDir(upstream, 'node tools/bench/analyze.mjs --upstream UPSTREAM_AUDIO_MODELS [--reps N] [--out FILE]');
console.error('peer: essentia.js + tfjs-wasm (1 thread) ...');
const peer = child('peer');
const wav = signalWav();
console.error('ours: analyze --only msd, 1 thread, from the same 16 kHz samples ...');
const same1 = oursChild(1, 'msd', wav);
console.error('ours: analyze --only msd, 2 threads, from the same 16 kHz samples ...');
const same2 = oursChild(2, 'msd', wav);
console.error('ours: analyze --only msd, 1 thread, from the MP3 ...');
const ours1 = oursChild(1, 'msd');
console.error('ours: analyze --only msd, 2 threads, from the MP3 ...');
const ours2 = oursChild(2, 'msd');
console.error('ours: analyze --only msd, native runtime, 2 threads, from the MP3 ...');
const native2 = oursChild(2, 'msd', MP3, 'native');
console.error('ours: complete analysis (7 models, tempo, loudness), 2 threads ...');
const full2 = oursChild(2, null);
const peak = L.simdPeak();

const per30 = (s, audio) => (s * 30) / audio;
const rows = [];
const peerTotal = per30(peer.features_s + peer.inference_s, peer.audio_s);
function row(name, r, front) {
  const total = per30(front + r.inference_s, r.audio_s);
  const msPatch = (r.inference_s / r.n_patches) * 1000;
  rows.push(`| ${name} | ${per30(front, r.audio_s).toFixed(3)} | ${per30(r.inference_s, r.audio_s).toFixed(3)} | ${total.toFixed(3)} | ` +
    `${msPatch.toFixed(0)} | ${(L.GFLOP_PER_PATCH / (msPatch / 1000)).toFixed(1)} | ${(peerTotal / total).toFixed(1)}× |`);
}
row('peer: essentia.js features + tfjs-wasm msd-musicnn-1, 1 thread (from decoded 16 kHz samples)', peer, peer.features_s);
row('cuefinder analyze --only msd, ORT 1 thread, from the same decoded 16 kHz samples', same1, same1.decode_s + same1.features_s);
row('cuefinder analyze --only msd, ORT 2 threads, from the same decoded 16 kHz samples', same2, same2.decode_s + same2.features_s);
row('cuefinder analyze --only msd, ORT 1 thread, from the MP3 (decode + best-quality resampling included)', ours1, ours1.decode_s + ours1.features_s);
row('cuefinder analyze --only msd, ORT 2 threads, from the MP3', ours2, ours2.decode_s + ours2.features_s);
row('cuefinder analyze --only msd, native ORT (onnxruntime-node, the CLI default) 2 threads, from the MP3', native2, native2.decode_s + native2.features_s);
const lines = [
  '# Analysis benchmark: cuefinder vs the peer pipeline',
  '',
  `Command: \`node tools/bench/analyze.mjs --reps ${reps}\` (also \`./cuefinder bench\`). Machine: 2-core Debian bookworm VM, ` +
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average at the end ${os.loadavg()[0].toFixed(1)}.`,
  `Input: the golden clip ${path.basename(MP3)} (${peer.audio_s.toFixed(1)} s, ${peer.n_patches} patches of 187 frames). ` +
    `Median of ${reps} runs after a warm-up run in the same process. Seconds per 30 s of audio.`,
  '',
  '| pipeline | decode + features s / 30 s | inference s / 30 s | total s / 30 s | ms per patch | GFLOP/s | × faster than peer (total) |',
  '|---|---|---|---|---|---|---|',
  ...rows,
  '',
  `Complete analysis (msd + mtt + 5 mood/danceability models, tempo, beats, EBU R128 loudness), ORT 2 threads: ` +
    `${per30(full2.elapsed_s, full2.audio_s).toFixed(2)} s per 30 s wall (decode ${per30(full2.decode_s, full2.audio_s).toFixed(3)}, ` +
    `features ${per30(full2.features_s, full2.audio_s).toFixed(3)}, tempo ${per30(full2.rhythm_s, full2.audio_s).toFixed(3)}, ` +
    `inference ${per30(full2.inference_s, full2.audio_s).toFixed(2)}).`,
  '',
  peak ? `WASM SIMD128 limit of this machine, one thread (tools/convert/simd_peak.c: f32x4 mul + add, no FMA in WASM SIMD): ` +
    `${peak.toFixed(1)} GFLOP/s. msd-musicnn-1 inference with one thread reaches ` +
    `${((L.GFLOP_PER_PATCH / (same1.inference_s / same1.n_patches)) / peak * 100).toFixed(0)} % of it; ` +
    `with two threads ${((L.GFLOP_PER_PATCH / (same2.inference_s / same2.n_patches)) / (2 * peak) * 100).toFixed(0)} % of two cores' limit. ` +
    '(The 2.80 GFLOP per patch counts multiplies and adds of the convolutions and dense layers; ORT runs ' +
    'them as im2col + SGEMM with f32x4 multiply and add.)' : 'WASM SIMD limit: not measured (emcc missing).',
  '',
];
fs.mkdirSync(path.dirname(out), { recursive: true });
// The page's later sections (recorded by other commands, e.g. "Where the decode time goes") are kept.
const kept = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split(/\n(?=## )/).slice(1) : [];
fs.writeFileSync(out, [lines.join('\n'), ...kept].join('\n'));
console.log(lines.join('\n'));
