// The core's musicnn features (WASM, under Node) against the peer recomputed at test time:
// essentia.js 0.1.3 (npm) EssentiaTFInputExtractor('musicnn').computeFrameWise(signal, 256) on the
// committed 16 kHz golden signals (tests/data/golden/<id>.signal.f32). The committed frames stay
// for the native GoogleTest suite; here they are also checked to be what essentia.js computes.
//   node --test tests/js/features_peer.test.mjs
// Tolerance: 1e-4 absolute on log10(1 + 10000·band), the bound that the native golden tests
// use (tests/core/features/test_musicnn_features.cpp: our FFT rounds differently from KissFFT,
// measured a few e-6). essentia.js vs the committed frames: both are essentia.js's own WASM
// output for the same samples, so they must agree exactly (0).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { frameCutterInfo } from '../../tools/golden/peer.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const golden = path.join(root, 'tests/data/golden');
const coreJs = path.join(process.env.CF_WASM_BUILD_DIR || path.join(root, 'build/wasm-release'), 'src/cli/cuefinder-core.js');
const CLIPS = ['tumiki', 'joram'];
const TOLERANCE = 1e-4;
const skip = fs.existsSync(coreJs) ? false : `needs ${coreJs} (./cuefinder build wasm-release cuefinder-core)`;

const readF32 = (f) => { const b = fs.readFileSync(f); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };

function floatWav(samples) {
  const n = samples.length, b = Buffer.alloc(44 + n * 4);
  b.write('RIFF', 0); b.writeUInt32LE(36 + n * 4, 4); b.write('WAVEfmt ', 8); b.writeUInt32LE(16, 16);
  b.writeUInt16LE(3, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(16000, 24); b.writeUInt32LE(64000, 28);
  b.writeUInt16LE(4, 32); b.writeUInt16LE(32, 34); b.write('data', 36); b.writeUInt32LE(n * 4, 40);
  Buffer.from(samples.buffer, samples.byteOffset, n * 4).copy(b, 44);
  return b;
}

/** essentia.js frames of a signal, flattened [n, 96]. */
function peerFrames(signal) {
  const es = createRequire(import.meta.url)('essentia.js');
  const extractor = new es.EssentiaModel.EssentiaTFInputExtractor(es.EssentiaWASM, 'musicnn', false);
  const rows = extractor.computeFrameWise(signal, 256).melSpectrum;
  const out = new Float32Array(rows.length * 96);
  rows.forEach((r, k) => out.set(r, k * 96));
  return out;
}

/** The core's frames (WASM cuefinder-core) of a signal, via a float WAV (read without resampling). */
function coreFrames(id, signal) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-features-peer-'));
  try {
    fs.writeFileSync(path.join(dir, `${id}.wav`), floatWav(signal));
    execFileSync(process.execPath, [coreJs, 'features', path.join(dir, `${id}.wav`), '--out', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    return Float32Array.from(readF32(path.join(dir, `${id}.wav.mel.f32`)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length, 'frame counts differ');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const id of CLIPS) {
  test(`${id}: essentia.js recomputed = the committed frames; the core's WASM features within ${TOLERANCE}`, { skip }, () => {
    const signal = readF32(path.join(golden, `${id}.signal.f32`)).slice(0, 30 * 16000);
    const peer = peerFrames(signal);
    const meta = JSON.parse(fs.readFileSync(path.join(golden, `${id}.mel_patches.json`), 'utf8'));
    const cut = frameCutterInfo(signal);
    assert.equal(peer.length / 96, meta.n_valid_frames);
    assert.deepEqual(cut.silent, meta.silent_frames_dropped);
    assert.equal(maxAbsDiff(peer, readF32(path.join(golden, `${id}.mel_patches.f32`)).subarray(0, peer.length)), 0);
    const d = maxAbsDiff(coreFrames(id, signal), peer);
    console.log(`${id}: ${peer.length / 96} frames, max |core - essentia.js| = ${d.toExponential(2)}`);
    assert.ok(d <= TOLERANCE, `${id}: max |core - essentia.js| ${d} > ${TOLERANCE}`);
  });
}
