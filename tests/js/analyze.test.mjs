// ./cuefinder analyze end to end: the WASM core in Node + ONNX Runtime Web on the converted models,
// against the golden TF.js outputs (tests/data/golden, made by essentia.js + tfjs msd-musicnn-1).
//
// Tolerances:
//  - from the golden 16 kHz signals: per-patch msd outputs within 1e-4 of tfjs (our features match
//    essentia.js to ~1e-5, which moves sigmoids by ~1e-6 and the embedding by ~2e-5; ORT vs tfjs adds ~1e-5).
//  - from the golden clips (an MP3 and an Ogg Vorbis file): track means within 0.02, the same top
//    tag, and the same top-5 up to that tolerance (a tag in one top-5 but not the other is within
//    2 × 0.02 of the other's 5th). Our decoders + the `best` resampler (our polyphase FIR) differ from ffmpeg + soxr:
//    per patch up to ~0.035 on a resampled clip (the first golden set's 22.05 kHz MP3), means 0.011
//    there and 0.015 on tumiki (44.1 kHz Vorbis, much energy near 8 kHz), whose 5th and 6th tags
//    are 0.014 apart — so an exact top-5 would test the resampler, not the analysis.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const golden = path.join(root, 'tests/data/golden');
const clips = { tumiki: 'return_to_home.ogg', joram: 'joram-moments_of_clarity-08-solipsism-59-88.mp3' };
const cli = path.join(root, 'src/cli/analyze.mjs');
const moduleFile = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');

function f32(file) {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

function floatWav(samples, rate) {
  const n = samples.length;
  const b = Buffer.alloc(44 + n * 4);
  b.write('RIFF', 0); b.writeUInt32LE(36 + n * 4, 4); b.write('WAVEfmt ', 8); b.writeUInt32LE(16, 16);
  b.writeUInt16LE(3, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(rate, 24); b.writeUInt32LE(rate * 4, 28);
  b.writeUInt16LE(4, 32); b.writeUInt16LE(32, 34); b.write('data', 36); b.writeUInt32LE(n * 4, 40);
  Buffer.from(samples.buffer, samples.byteOffset, n * 4).copy(b, 44);
  return b;
}

function analyze(args) {
  const r = spawnSync(process.execPath, [cli, '--json', '--module', moduleFile, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const lines = r.stdout.split('\n').filter((l) => l.trim().length > 0).map((l) => JSON.parse(l));
  return { status: r.status, results: lines, stderr: r.stderr };
}

const ready = fs.existsSync(moduleFile) && fs.existsSync(path.join(root, 'models/msd-musicnn-1/manifest.json'));
const opts = { skip: ready ? false : `needs ${moduleFile} and models/ (./cuefinder build wasm-release cuefinder_node)` };

// Both runtimes the CLI can run the models in (src/cli/ort_runtime.mjs); native only where the optional
// onnxruntime-node is installed (tools/setup.sh installs it; CI has it).
const haveNative = fs.existsSync(path.join(root, 'node_modules', 'onnxruntime-node'));
for (const runtime of ['native', 'wasm'])
test(`from the golden 16 kHz signals, per-patch msd outputs match tfjs within 1e-4 (--runtime ${runtime})`,
  runtime === 'native' && !haveNative ? { skip: 'onnxruntime-node is not installed' } : opts, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-analyze-'));
  const files = [];
  for (const id of Object.keys(clips)) {
    const file = path.join(dir, `${id}.wav`);
    fs.writeFileSync(file, floatWav(f32(path.join(golden, `${id}.signal.f32`)), 16000));
    files.push(file);
  }
  const { status, results, stderr } = analyze(['--runtime', runtime, '--full', '--only', 'msd', '--precise', '--patch-embeddings', '--no-curves', ...files]);
  assert.equal(status, 0, stderr);
  assert.equal(results.length, 2);
  for (const [i, id] of Object.keys(clips).entries()) {
    const r = results[i];
    const sig = f32(path.join(golden, `${id}.msd_sigmoid.f32`));
    const emb = f32(path.join(golden, `${id}.msd_embedding.f32`));
    const P = sig.length / 50;
    assert.equal(r.taggram.values.length, P, `${id}: patch count`);
    let maxSig = 0, maxEmb = 0;
    for (let p = 0; p < P; p++) {
      for (let j = 0; j < 50; j++) maxSig = Math.max(maxSig, Math.abs(r.taggram.values[p][j] - sig[p * 50 + j]));
      for (let j = 0; j < 200; j++) maxEmb = Math.max(maxEmb, Math.abs(r.embedding.per_patch[p * 200 + j] - emb[p * 200 + j]));
    }
    assert.ok(maxSig <= 1e-4, `${id}: sigmoid max |d| ${maxSig}`);
    assert.ok(maxEmb <= 1e-4 * 8, `${id}: embedding max |d| ${maxEmb} (values up to ~8: relative 1e-4)`);
  }
});

test('native and wasm runtimes give the same analysis; an unknown --runtime is a usage error', haveNative ? opts : { skip: 'onnxruntime-node is not installed' }, () => {
  const file = path.join(golden, 'source', Object.values(clips)[0]);
  const [a, b] = ['native', 'wasm'].map((rt) => analyze(['--runtime', rt, '--no-curves', file]));
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);
  const [ra, rb] = [a.results[0], b.results[0]];
  for (const model of ['msd', 'mtt'])
    for (const [t, v] of Object.entries(ra.tags[model])) assert.ok(Math.abs(v - rb.tags[model][t]) <= 1e-5, `${model}:${t} ${v} vs ${rb.tags[model][t]}`);
  for (const [m, v] of Object.entries(ra.moods)) assert.ok(Math.abs(v - rb.moods[m]) <= 1e-5, `mood ${m}`);
  const dEmb = Math.max(...ra.embedding.values.map((v, i) => Math.abs(v - rb.embedding.values[i])));
  assert.ok(dEmb <= 1e-4, `embedding max |d| ${dEmb}`);
  assert.equal(ra.bpm, rb.bpm);
  const bad = analyze(['--runtime', 'gpu', file]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--runtime: native, wasm or auto \(got "gpu"\)/);
});

test('without onnxruntime-node: auto falls back to wasm and says so, --runtime native fails naming the package', opts, () => {
  const file = path.join(golden, 'source', Object.values(clips)[0]);
  const env = { ...process.env, CF_ORT_NODE_PACKAGE: 'onnxruntime-node-not-installed' };
  const run = (a) => spawnSync(process.execPath, [cli, '--json', '--module', moduleFile, '--only', 'msd', ...a, file], { encoding: 'utf8', env });
  const auto = run([]);
  assert.equal(auto.status, 0, auto.stderr);
  assert.match(auto.stderr, /note: onnxruntime-node could not be loaded .*using onnxruntime-web \(WASM\)/);
  assert.equal(JSON.parse(auto.stdout).tags.msd ? 1 : 0, 1);
  const native = run(['--runtime', 'native']);
  assert.equal(native.status, 1);
  assert.match(native.stderr, /--runtime native: onnxruntime-node could not be loaded .*use --runtime wasm/);
});

/** Top-5 tags of `ours` and `golden` ({tag: mean}) agree up to 2 × tol around each one's 5th. */
function assertTop5Agree(ours, golden, tol, id) {
  const top = (m) => Object.entries(m).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([t]) => t);
  const [a, b] = [top(ours), top(golden)];
  assert.equal(a[0], b[0], `${id}: top tag`);
  for (const [list, other, otherTop] of [[a, golden, b], [b, ours, a]]) {
    const fifth = other[otherTop[4]];
    for (const t of list)
      if (!otherTop.includes(t)) assert.ok(other[t] >= fifth - 2 * tol, `${id}: ${t} in one top-5, far below the other's (${other[t]} vs 5th ${fifth})`);
  }
}

test('from the golden clips: msd means within 0.02 of tfjs, same top-5 (to that tolerance); all documented keys', opts, () => {
  const labels = JSON.parse(fs.readFileSync(path.join(golden, 'msd_tags.json'), 'utf8'));
  const { status, results, stderr } = analyze(Object.values(clips).map((f) => path.join(golden, 'source', f)));
  assert.equal(status, 0, stderr);
  for (const [i, id] of Object.keys(clips).entries()) {
    const r = results[i];
    for (const key of ['file', 'duration_s', 'tags', 'moods', 'embedding', 'bpm', 'bpm_confidence', 'beats_s', 'loudness_lufs', 'taggram'])
      assert.ok(key in r, `${id}: missing ${key}`);
    assert.equal(Object.keys(r.tags.msd).length, 50);
    assert.equal(Object.keys(r.tags.mtt).length, 50);
    assert.deepEqual(Object.keys(r.moods).sort(), ['aggressive', 'danceable', 'happy', 'relaxed', 'sad']);
    assert.equal(r.embedding.dim, 200);
    assert.equal(r.embedding.values.length, 200);
    const mean = f32(path.join(golden, `${id}.msd_sigmoid_mean.f32`));
    let maxd = 0;
    labels.forEach((l, j) => { maxd = Math.max(maxd, Math.abs(r.tags.msd[l] - mean[j])); });
    assert.ok(maxd <= 0.02, `${id}: max |mean d| ${maxd}`);
    assertTop5Agree(r.tags.msd, Object.fromEntries(labels.map((l, j) => [l, mean[j]])), 0.02, id);
    for (const v of Object.values(r.moods)) assert.ok(v >= 0 && v <= 1);
    assert.ok(Number.isFinite(r.loudness_lufs) && r.loudness_lufs < 0 && r.loudness_lufs > -40, `loudness ${r.loudness_lufs}`);
  }
});

test('a bad file gets an error naming it and exit status 1; the other files are still analysed', opts, () => {
  const good = path.join(root, 'tests/data/audio/vorbis_q2_44k_stereo_3s.ogg');
  const bad = path.join(root, 'tests/data/audio/bad_text.txt');
  const { status, results } = analyze(['--only', 'msd', '--no-taggram', bad, good, '/nonexistent/x.mp3']);
  assert.equal(status, 1);
  assert.equal(results.length, 3);
  assert.match(results[0].error, /bad_text\.txt/);
  assert.equal(results[0].code, 'unsupported_format');
  assert.ok(!results[1].error && results[1].embedding.dim === 200, JSON.stringify(results[1]).slice(0, 200));
  assert.equal(results[2].code, 'not_found');
});

// The analysis profiles come from the core (src/core/analysis/profiles.h): JSON by name through
// cf_analysis_profile, slot caps by kind of model, and --profile on the command line.
test('analysis profiles: the core\'s JSON by name, caps per slot, --profile, an unknown name is a usage error', opts, async () => {
  const { createRequire } = await import('node:module');
  const { analysisProfile, configureModels, DEFAULT_SLOTS } = await import(path.join(root, 'web/ort_bridge.mjs'));
  const core = await createRequire(import.meta.url)(moduleFile)();
  const catalog = analysisProfile(core, 'catalog');
  assert.deepEqual([catalog.name, catalog.full_track_max_s, catalog.n_windows, catalog.window_patches, catalog.resample_quality],
    ['catalog', 0, 8, 1, 'best']);
  assert.deepEqual(catalog.max_patches, { embedding: 0, tags: 0, mood: 2 });  // mtt on every window (the fused space)
  // The slots take the adopted profile's caps in the core (a slot's own max_patches wins).
  const manifests = Object.fromEntries(DEFAULT_SLOTS.map((s) => [s.name, { labels: ['a', 'b'] }]));
  const slots = DEFAULT_SLOTS.map((s) => (s.key === 'sad' ? { ...s, max_patches: 3 } : s));
  configureModels(core, slots, manifests);
  const caps = () => Object.fromEntries(JSON.parse(core.UTF8ToString(core._cf_analysis_models())).map((m) => [m.key, m.max_patches]));
  assert.deepEqual(caps(), { msd: 0, mtt: 0, happy: 0, sad: 3, relaxed: 0, aggressive: 0, danceable: 0 });  // no profile yet: all
  analysisProfile(core, 'query', { use: true });
  assert.deepEqual(caps(), { msd: 0, mtt: 8, happy: 4, sad: 3, relaxed: 4, aggressive: 4, danceable: 4 });
  assert.equal(analysisProfile(core, 'detailed').full_track_max_s, 360);
  assert.throws(() => analysisProfile(core, 'Quick'), { message: 'unknown analysis profile "Quick" (known: catalog, query, detailed, quick, catalog-extra)' });
  const quick = analysisProfile(core, 'quick');
  assert.deepEqual([quick.n_windows, quick.tempo, quick.loudness, quick.max_patches], [4, false, false, { embedding: 0, tags: 1, mood: 1 }]);

  const clip = path.join(golden, 'source', clips.joram);  // 29 s: complete by default, 8 windows in the catalog profile
  const byDefault = analyze(['--only', 'msd', '--no-taggram', '--no-curves', clip]);
  const asCatalog = analyze(['--profile', 'catalog', '--only', 'msd', '--no-taggram', '--no-curves', clip]);
  assert.equal(byDefault.status, 0, byDefault.stderr);
  assert.equal(asCatalog.status, 0, asCatalog.stderr);
  assert.equal(byDefault.results[0].complete, true);
  assert.deepEqual([asCatalog.results[0].complete, asCatalog.results[0].windows.length], [false, 8]);
  const asQuick = analyze(['--profile', 'quick', '--only', 'msd', '--no-taggram', '--no-curves', clip]);
  assert.equal(asQuick.status, 0, asQuick.stderr);
  assert.deepEqual([asQuick.results[0].windows.length, asQuick.results[0].bpm, asQuick.results[0].loudness_lufs], [4, 0, null]);  // bpm 0: no tempo
  // --extra-embeddings: the catalog's windows, each tag model's embeddings per window (default output: none).
  const extra = analyze(['--extra-embeddings', '--only', 'msd', '--no-taggram', '--no-curves', clip]);
  assert.equal(extra.status, 0, extra.stderr);
  const x = extra.results[0];
  assert.deepEqual(x.windows, asCatalog.results[0].windows);
  assert.deepEqual(Object.keys(x.extra_outputs.msd), ['embedding', 'embedding_linear']);
  const lin = x.extra_outputs.msd.embedding_linear, relu = x.extra_outputs.msd.embedding;
  assert.deepEqual([lin.dim, lin.per_patch.length, lin.patches.length], [200, 8 * 200, 8]);
  assert.ok(lin.per_patch.some((v) => v < 0) && relu.per_patch.every((v) => v >= 0));
  assert.ok(lin.per_patch.every((v, i) => Math.abs(Math.max(v, 0) - relu.per_patch[i]) < 1e-5));  // ReLU of the linear
  // The catalog profile keeps each tag model's embedding per window (the fused similarity space).
  assert.deepEqual(Object.keys(asCatalog.results[0].extra_outputs.msd), ['embedding']);
  assert.match(analyze(['--extra-embeddings', '--profile', 'quick', clip]).stderr, /--extra-embeddings uses the catalog-extra profile/);
  const bad = analyze(['--profile', 'nope', clip]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--profile: unknown analysis profile "nope" \(known: catalog, query, detailed, quick, catalog-extra\)/);
});
