// Text and picture → music from the command line, end to end: `./cuefinder search --text/--image`
// and `./cuefinder tag` (src/cli/{search,tag,semantic}.mjs → src/bindings/web/semantic_api.cpp →
// src/core/semantic), the WASM core in Node with the models in ONNX Runtime Web.
//
// A small catalog is built once (cached) from a few clips of tests/data/audio and the golden clips
// into build/test-fixtures/semantic-catalog (fixture_catalog.mjs, shared with cli_snapshot.test.mjs).
// Skipped when the WASM module (with the text search entry points), the models or the clips are missing.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fixtureCatalog as catalog, fixtureSkipReason, nodeModule as moduleFile, root } from './fixture_catalog.mjs';

const audio = path.join(root, 'tests/data/audio');
const realTrack = path.join(audio, 'flac_s16_44k_stereo.flac');

const skip = fixtureSkipReason();
if (skip) console.log(`semantic CLI tests skipped: ${skip}`);

const env = { ...process.env, CF_NODE_MODULE: moduleFile };

function run(script, args) {
  const r = spawnSync(process.execPath, [path.join(root, 'src/cli', script), ...args], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('search --text: ranked results, calibrated scores, explanations, --json shape', { skip, timeout: 900000 }, () => {
  const cat = catalog();
  const r = run('search.mjs', [cat, '--text', 'piano', '-k', '3', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.method, 'ensemble');
  assert.ok(j.n_tracks >= 5);
  assert.equal(j.inputs.length, 1);
  assert.equal(j.inputs[0].kind, 'text');
  assert.equal(j.inputs[0].text, 'piano');
  // The query "piano" is the MTT tag's own words: it carries most of the bridge weight.
  assert.equal(j.inputs[0].concepts[0].key, 'mtt:piano');
  assert.ok(j.inputs[0].concepts[0].similarity > 0.99 && j.inputs[0].concepts[0].weight > 0.5, JSON.stringify(j.inputs[0].concepts[0]));
  assert.equal(j.results.length, 3);
  for (let i = 0; i < j.results.length; i++) {
    const x = j.results[i];
    assert.equal(x.rank, i + 1);
    assert.ok(typeof x.id === 'string' && x.id.length > 0);
    assert.ok(x.score >= 0 && x.score <= 1, `percentile ${x.score}`);
    assert.ok(Number.isFinite(x.raw));
    assert.ok(typeof x.why === 'string' && x.why.length > 0, `explanation of ${x.id}`);
    if (i > 0) assert.ok(j.results[i - 1].score >= x.score, 'ranked by calibrated score');
  }
  // The ensemble score is the mean of the two methods' percentiles among the N tracks, each a
  // multiple of 1/(2N) (ties count half: the lossless fixtures analyse identically), so 4N·score is whole
  // (to the 4 decimals the JSON prints).
  for (const x of j.results) {
    const q = 4 * j.n_tracks * x.score;
    assert.ok(Math.abs(q - Math.round(q)) < 4 * j.n_tracks * 1e-4, `${x.id}: ensemble score ${x.score} is not a mean of two percentiles among ${j.n_tracks}`);
  }

  for (const m of ['bridge', 'projection']) {
    const rm = run('search.mjs', [cat, '--text', 'calm piano for a rainy evening', '--method', m, '-k', '2', '--json']);
    assert.equal(rm.status, 0, rm.stderr);
    const jm = JSON.parse(rm.stdout);
    assert.equal(jm.method, m);
    // One method's best track is the best of the catalog: its percentile is (N − ½) / N.
    assert.ok(Math.abs(jm.results[0].score - (jm.n_tracks - 0.5) / jm.n_tracks) < 1e-3, `${m}: top percentile ${jm.results[0].score}`);
  }
  // Filters apply before the top-k.
  const f = run('search.mjs', [cat, '--text', 'piano', '--bpm', '100:', '-k', '10', '--json']);
  assert.equal(f.status, 0, f.stderr);
  const fr = JSON.parse(f.stdout).results;
  assert.ok(fr.length >= 1 && fr.length < j.n_tracks, `${fr.length} results pass --bpm 100:`);
  for (const x of fr) assert.ok(x.bpm >= 100, `${x.id}: ${x.bpm} BPM`);
  const bad = run('search.mjs', [cat, '--text', 'piano', '--mood', 'nope=0.5']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /unknown mood 'nope'/);

  // Human-readable output: percentile, raw score and the why.
  const t = run('search.mjs', [cat, '--text', 'piano', '-k', '2']);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /text "piano" \(ensemble\)/);
  assert.match(t.stdout, /^\s+1\.\s+\d+\.\d%\s+raw\s+-?\d/m);
});

test('search --image, and a file + text + picture combined with weights', { skip, timeout: 900000 }, () => {
  const cat = catalog();
  const r = run('search.mjs', [cat, '--image', path.join(root, 'tests/data/image/pattern.jpg'), '-k', '2', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.inputs[0].kind, 'image');
  assert.equal(j.inputs[0].classes.length, 3);
  assert.ok(j.inputs[0].why.length > 0, 'the picture explains itself');
  assert.ok(j.results.length === 2 && j.results[0].score >= 0 && j.results[0].score <= 1);

  const c = run('search.mjs', [cat, realTrack, '--text', 'calm', '--image', path.join(root, 'tests/data/image/gray.jpg'),
    '--weights', 'track=1,text=2,image=0.5', '-k', '3', '--json']);
  assert.equal(c.status, 0, c.stderr);
  const k = JSON.parse(c.stdout);
  assert.deepEqual(k.inputs.map((i) => [i.kind, i.weight]), [['text', 2], ['image', 0.5], ['track', 1]]);
  for (const x of k.results) {
    assert.equal(x.inputs.length, 3);
    for (const p of x.inputs) assert.ok(p.percentile >= 0 && p.percentile <= 1);
    // The track's cosine also reads as the catalog's calibrated match (core/match/calibration.h).
    for (const p of x.inputs) assert.equal(p.kind === 'track', p.match_percent >= 0 && p.match_percent <= 100, JSON.stringify(p));
  }
  // The same recording is in the catalog: with the track weighted alone it ranks first.
  const t = run('search.mjs', [cat, realTrack, '--text', 'calm', '--weights', 'track=1,text=0', '-k', '1', '--json']);
  assert.equal(t.status, 0, t.stderr);
  assert.ok(JSON.parse(t.stdout).results[0].path.endsWith('flac_s16_44k_stereo.flac'));
});

test('tag: raw and calibrated score per label, fits, why; a bad file is named and the rest is still tagged', { skip, timeout: 900000 }, () => {
  const cat = catalog();
  const missing = path.join(os.tmpdir(), 'cf-no-such-file.mp3');
  const r = run('tag.mjs', [realTrack, missing, path.join(audio, 'bad_text.txt'), '--labels', 'piano, waltz, rainy evening', '--catalog', cat, '--json']);
  assert.equal(r.status, 1, 'a bad file makes the exit status 1');
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  const good = lines[0];
  assert.equal(good.file, realTrack);
  assert.deepEqual(good.labels.map((l) => l.label), ['piano', 'waltz', 'rainy evening']);
  for (const l of good.labels) {
    assert.ok(Number.isFinite(l.raw), `raw ${l.raw}`);
    assert.ok(l.calibrated >= 0 && l.calibrated <= 1, `calibrated ${l.calibrated}`);
    assert.equal(typeof l.fits, 'boolean');
    assert.equal(l.fits, l.calibrated >= good.threshold);
    assert.equal(typeof l.why, 'string');
  }
  assert.match(lines[1].error, /cf-no-such-file\.mp3/);
  assert.match(lines[2].error, /bad_text\.txt/);

  const t = run('tag.mjs', [realTrack, '--labels', 'piano, rock', '--catalog', cat]);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /piano\s+raw\s+-?\d+\.\d+\s+calibrated\s+\d+\.\d%/);
});

test('bad inputs: clear errors naming the problem', { skip, timeout: 900000 }, (t) => {
  const cat = catalog();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-sem-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const jpeg = fs.readFileSync(path.join(root, 'tests/data/image/pattern.jpg'));
  const cut = path.join(tmp, 'cut.jpg');
  fs.writeFileSync(cut, jpeg.subarray(0, Math.floor(jpeg.length / 2)));

  let r = run('search.mjs', [cat, '--text', '   ']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--text is empty/);
  r = run('search.mjs', [cat, '--image', cut]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cut\.jpg/);
  assert.match(r.stderr, /truncated/i);
  r = run('search.mjs', [cat, '--image', path.join(root, 'tests/data/image/not_an_image.txt')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not_an_image\.txt.*not an image/);
  r = run('search.mjs', [cat, '--image', path.join(tmp, 'nope.png')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /nope\.png: no such file/);
  r = run('search.mjs', [cat, '--text', 'piano', '--method', 'magic']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--method/);
  r = run('search.mjs', [path.join(tmp, 'no-catalog'), '--text', 'piano']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no-catalog/);
  r = run('tag.mjs', [realTrack, '--labels', ' , ', '--catalog', cat]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--labels is empty/);
  r = run('tag.mjs', [realTrack, '--labels', 'piano', '--catalog', path.join(tmp, 'no-catalog')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no-catalog/);
});

// The evaluation path (tools/eval/zeroshot/run.mjs): raw arrays instead of a catalog, through the same
// query engine (src/core/query): 12 tracks whose concept values are flat except track 5's piano
// concepts, and random unit audio embeddings.
test('raw arrays: texts, a track and items are ranked over attached values; no filters, no match percent', { skip, timeout: 900000 }, async () => {
  const { createAnalyzer, parseArgs } = await import('../../src/cli/analyze.mjs');
  const { openSemantic } = await import('../../src/cli/semantic.mjs');
  const an = await createAnalyzer({ ...parseArgs([]), module: moduleFile, only: [], threads: 1 });
  const sem = await openSemantic(an.core);
  const C = sem.concepts.length, n = 12, dim = 8;
  const values = new Float32Array(n * C).fill(0.2);
  sem.concepts.forEach((c, j) => { if (/piano/.test(c.words)) values[5 * C + j] = 0.9; });
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const audio = new Float32Array(n * dim);
  for (let t = 0; t < n; t++) {
    const row = Array.from({ length: dim }, rand);
    const norm = Math.hypot(...row);
    row.forEach((x, d) => { audio[t * dim + d] = x / norm; });
  }
  const info = await sem.attachValues(values, n, audio, dim);
  assert.equal(info.n_tracks, n);
  assert.equal(info.dim, dim);
  assert.equal(info.catalog_tag_probs, false);

  const item = { values: Array.from(values.subarray(5 * C, 6 * C)), embedding: audio.subarray(5 * dim, 6 * dim) };
  const r = await sem.search({ texts: ['piano'], method: 'bridge', k: 3, scores: true, items: [item] });
  assert.equal(r.n_tracks, n);
  assert.equal(r.results[0].track, 5, 'the only track with piano');
  assert.match(r.results[0].why, /^fits: .*piano/);
  assert.equal(r.results[0].id, undefined, 'raw arrays have no metadata');
  assert.equal(r.inputs[0].scores.length, n);
  assert.ok(Math.abs(r.inputs[0].items[0].raw - r.inputs[0].scores[5]) < 1e-4, 'an item scores like the same catalog track');

  const t = await sem.search({ track: audio.subarray(3 * dim, 4 * dim), k: 2 });
  assert.equal(t.results[0].track, 3, 'a track embedding is not left out');
  assert.ok(Math.abs(t.results[0].inputs[0].raw - 1) < 1e-5);
  assert.equal(t.results[0].inputs[0].match_percent, undefined, 'no calibration without a catalog');

  await assert.rejects(sem.search({ texts: ['piano'], method: 'bridge', options: { bpm_min: 100 } }), /filters need a catalog/);
  // The query spec is JSON (semantic_api.cpp): an unknown key or a wrong type is an error naming the key.
  await assert.rejects(sem.search({ texts: ['piano'], method: 'bridge', options: { colour: 'red' } }), /^Error: unknown query key 'colour'$/);
  await assert.rejects(sem.search({ texts: ['piano'], method: 'bridge', options: { k: 'ten' } }), /^Error: search option 'k': expected an integer$/);
  await assert.rejects(sem.search({ texts: ['piano'], method: 'bridge', options: { top: -1 } }), /^Error: query 'top': expected a whole number >= 0$/);
  await assert.rejects(sem.search({ texts: 'piano', method: 'bridge' }), /^Error: query 'texts': expected an array of strings$/);
  sem.close();
});
