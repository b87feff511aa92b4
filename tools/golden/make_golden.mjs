// Makes the golden reference data in tests/data/golden/ for audio clips with the peer
// implementation (tests/data/golden/README.md has the recipe):
//   1. ffmpeg decode, (L+R)/2, soxr to 16 kHz mono, first 30 s   → <id>.signal.f32   (decode.sh)
//   2. essentia.js 0.1.3 EssentiaTFInputExtractor('musicnn').computeFrameWise(signal, 256), cut into
//      non-overlapping zero-padded 187-frame patches like TensorflowMusiCNN.predict(…, true)
//                                                                → <id>.mel_patches.f32/.json
//   3. @tensorflow/tfjs 4.22 on the cpu backend with the upstream TF.js models, per patch:
//      msd-musicnn-1 sigmoid / dense ReLU embedding / pre-ReLU embedding (+ means over all patches),
//      mood_happy and danceability sigmoids            → <id>.msd_*.f32, <id>.mood_happy.f32, …
// and records shapes in manifest.json (entries of other clips are kept).
//
//   node tools/golden/make_golden.mjs UPSTREAM_AUDIO_MODELS [--out DIR] ID=AUDIO_FILE...
//   e.g. node tools/golden/make_golden.mjs ~/models/audio tumiki=tests/data/golden/source/return_to_home.ogg
//
// UPSTREAM_AUDIO_MODELS: folder of the Essentia TF.js models (not in this repository; the tool says
// where to get them). Needs ffmpeg (apt-get install ffmpeg) and the repository's npm
// devDependencies (npm ci: essentia.js, @tensorflow/tfjs). The cpu backend takes ~10 s per patch
// and model on a small machine.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as L from '../convert/lib.mjs';
import { frameCutterInfo, patchesEssentiaJs, columnMean, writeF32 } from './peer.mjs';

const USAGE = 'node tools/golden/make_golden.mjs UPSTREAM_AUDIO_MODELS [--out DIR] ID=AUDIO_FILE...';
const SAMPLE_RATE_HZ = 16000, MAX_SAMPLES = 30 * SAMPLE_RATE_HZ;
const EXTRA_MODELS = { mood_happy: 'mood_happy-musicnn-msd-2', danceability: 'danceability-musicnn-msd-2' };

function parseArgs(argv) {
  const upstream = L.requireUpstreamDir(argv[0], USAGE);
  const i = argv.indexOf('--out');
  const out = path.resolve(i >= 0 ? argv[i + 1] : L.GOLDEN);
  const clips = argv.slice(1).filter((a, k) => a !== '--out' && argv[k] !== '--out').map((a) => {
    const [id, file] = a.split('=');
    if (!id || !file || !fs.existsSync(file)) { process.stderr.write(`usage: ${USAGE}\nbad clip argument "${a}" (ID=AUDIO_FILE, the file must exist)\n`); process.exit(2); }
    return { id, file: path.resolve(file) };
  });
  if (!clips.length) { process.stderr.write(`usage: ${USAGE}\nno clip given\n`); process.exit(2); }
  return { upstream, out, clips };
}

/** Step 1: the 16 kHz signal (at most 30 s, as the recipe). */
function decode(file) {
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cf-golden-')), 'signal.f32');
  execFileSync('bash', [path.join(L.ROOT, 'tools/golden/decode.sh'), file, tmp], { stdio: ['ignore', 'ignore', 'inherit'] });
  const signal = L.readF32(tmp).slice(0, MAX_SAMPLES);
  fs.rmSync(path.dirname(tmp), { recursive: true });
  return signal;
}

/** Step 2: essentia.js frames, checked against our own count of FrameCutter's frames. */
function melPatches(extractor, signal) {
  const cut = frameCutterInfo(signal);
  const frames = extractor.computeFrameWise(signal, 256).melSpectrum;
  if (frames.length !== cut.nFrames - cut.silent.length)
    throw new Error(`essentia.js gave ${frames.length} frames, expected ${cut.nFrames} - ${cut.silent.length} silent`);
  const { data, n } = patchesEssentiaJs(frames);
  const json = {
    dtype: 'float32', byteorder: 'little', shape: [n, L.PATCH, L.BANDS], layout: 'C-order [patch][frame][mel band]',
    n_valid_frames: frames.length, zero_padded_frames_at_end: n * L.PATCH - frames.length,
    silent_frames_dropped: cut.silent, framecutter_frames: cut.nFrames,
    frame_hop_samples: 256, frame_size_samples: 512, sample_rate: SAMPLE_RATE_HZ, first_frame_centre_sample: 0,
    note: 'frame k (before silent-frame dropping) covers samples [256k-256, 256k+256) of the signal, zero outside',
  };
  return { data, n, json };
}

/** Step 3: per-patch model outputs, written as <id>.<name>.f32; returns { file: shape }. */
async function modelOutputs(models, id, data, n, out) {
  const files = {};
  const put = (name, values, width) => {
    writeF32(path.join(out, `${id}.${name}.f32`), values);
    files[`${id}.${name}.f32`] = width ? [n, width] : [values.length];
  };
  const msd = await L.runTfjs(models.msd, data, n);
  put('msd_sigmoid', msd.activations, 50);
  put('msd_embedding', msd.embedding, 200);
  put('msd_embedding_prerelu', msd.embedding_linear, 200);
  put('msd_sigmoid_mean', columnMean(msd.activations, n, 50));
  put('msd_embedding_mean', columnMean(msd.embedding, n, 200));
  for (const short of Object.keys(EXTRA_MODELS))
    put(short, (await L.runTfjs(models[short], data, n, { activationsOnly: true })).activations, 2);
  return { files, top: topTags(columnMean(msd.activations, n, 50)) };
}

function topTags(mean) {
  const tags = JSON.parse(fs.readFileSync(path.join(L.GOLDEN, 'msd_tags.json'), 'utf8'));
  return tags.map((t, i) => [t, +mean[i].toFixed(4)]).sort((a, b) => b[1] - a[1]).slice(0, 10);
}

async function makeClip(ctx, { id, file }) {
  const signal = decode(file);
  const mel = melPatches(ctx.extractor, signal);
  writeF32(path.join(ctx.out, `${id}.signal.f32`), signal);
  writeF32(path.join(ctx.out, `${id}.mel_patches.f32`), mel.data);
  fs.writeFileSync(path.join(ctx.out, `${id}.mel_patches.json`), JSON.stringify(mel.json, null, 1) + '\n');
  const { files, top } = await modelOutputs(ctx.models, id, mel.data, mel.n, ctx.out);
  process.stderr.write(`${id}: ${signal.length} samples, ${mel.json.n_valid_frames} frames, ${mel.n} patches; top tags ${JSON.stringify(top.slice(0, 5))}\n`);
  return {
    source: path.basename(file), n_samples: signal.length, duration_s: signal.length / SAMPLE_RATE_HZ,
    framecutter_frames: mel.json.framecutter_frames, silent_frames_dropped: mel.json.silent_frames_dropped,
    n_frames: mel.json.n_valid_frames, n_patches: mel.n, patch_size: L.PATCH, patch_hop: L.PATCH,
    files: { [`${id}.signal.f32`]: [signal.length], [`${id}.mel_patches.f32`]: [mel.n, L.PATCH, L.BANDS], ...files },
    top10_mean_all_patches: top,
  };
}

async function main() {
  const { upstream, out, clips } = parseArgs(process.argv.slice(2));
  fs.mkdirSync(out, { recursive: true });
  const tf = await L.tfjs('cpu');
  const esLib = createRequire(import.meta.url)('essentia.js');
  const extractor = new esLib.EssentiaModel.EssentiaTFInputExtractor(esLib.EssentiaWASM, 'musicnn', false);
  const models = { msd: await L.loadTfjs('cpu', L.upstreamDir('msd-musicnn-1', upstream)) };
  for (const [short, name] of Object.entries(EXTRA_MODELS)) models[short] = await L.loadTfjs('cpu', L.upstreamDir(name, upstream));
  const manifestFile = path.join(out, 'manifest.json');
  const manifest = fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, 'utf8')) : { files: {} };
  Object.assign(manifest, { backend: 'cpu', tfjs: tf.version.tfjs, essentia: extractor.essentia.version });
  for (const clip of clips) manifest.files[clip.id] = await makeClip({ extractor, models, out }, clip);
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 1) + '\n');
}

main().catch((e) => { process.stderr.write(`make_golden: ${e.stack || e}\n`); process.exit(1); });
