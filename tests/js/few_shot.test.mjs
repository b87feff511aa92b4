// Few-shot custom tags: `./cuefinder tag --examples-pos/--model` (src/cli/tag.mjs) on the fixture
// catalog (fixture_catalog.mjs) and the core's exports (src/bindings/web/few_shot_api.cpp) on synthetic
// rows: a tag trained from files and track ids, saved and applied again with the same scores; too few
// examples flagged; bad ids, corrupt or foreign models and conflicting options refused with the name
// of what was wrong. Needs the WASM module and the models: skipped without, as the other CLI tests are.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fixtureCatalog, fixtureSkipReason, nodeModule, root } from './fixture_catalog.mjs';
import { loadNodeCore } from '../../web/core_client.mjs';

const skip = fixtureSkipReason() ||
  (fs.readFileSync(nodeModule, 'utf8').includes('cf_few_shot_train') ? false : `${nodeModule} has no few-shot tags (rebuild cuefinder_node)`);
const audio = (f) => path.join(root, 'tests/data/audio', f);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-few-shot-'));

function tag(args) {
  return spawnSync(process.execPath, [path.join(root, 'src/cli/tag.mjs'), ...args], { encoding: 'utf8',
    env: { ...process.env, CF_NODE_MODULE: nodeModule } });
}

const lines = (stdout) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('tag --examples-pos (catalog ids and a file) --save, then --model gives the same scores', { skip }, () => {
  const saved = path.join(tmp, 'tag.json');
  const files = [audio('wav_s16_44k_stereo.wav'), audio('tags_vorbis.ogg')];
  const a = tag([...files, '--catalog', fixtureCatalog(), '--examples-pos', `flac_s16_44k_stereo,mp3_cbr128_44k_stereo,${audio('opus_64k_48k_stereo.opus')}`,
    '--name', 'test tones', '--save', saved, '--top', '2', '--json']);
  assert.equal(a.status, 0, a.stderr);
  const out = lines(a.stdout);
  assert.equal(out.length, 3);
  for (const r of out.slice(0, 2)) {
    assert.deepEqual(Object.keys(r), ['file', 'tag', 'score', 'raw', 'fits', 'trust']);
    assert.equal(r.tag, 'test tones');
    assert.ok(r.score >= 0 && r.score <= 1, `score ${r.score}`);
    assert.equal(r.fits, r.score >= 0.5);
  }
  assert.equal(out[2].best_tracks.length, 2);
  const model = JSON.parse(fs.readFileSync(saved, 'utf8'));
  assert.equal(model.format, 'cuefinder-few-shot-tag');
  assert.equal(model.embedding, 'msd-musicnn-1');
  assert.equal(model.n_positives, 3);
  assert.equal(model.n_background, 5);  // the fixture's 7 tracks less the 2 given by id (a file is not matched to a track)
  const b = tag([...files, '--model', saved, '--json']);
  assert.equal(b.status, 0, b.stderr);
  const again = lines(b.stdout);
  assert.deepEqual(again.map((r) => r.raw), out.slice(0, 2).map((r) => r.raw));
  assert.deepEqual(again.map((r) => r.score), out.slice(0, 2).map((r) => r.score));
});

test('tag: two examples are flagged too few; unknown ids, corrupt and foreign models refused by name', { skip }, () => {
  const file = audio('wav_s16_44k_stereo.wav');
  const few = tag([file, '--catalog', fixtureCatalog(), '--examples-pos', 'flac_s16_44k_stereo,mp3_cbr128_44k_stereo']);
  assert.equal(few.status, 0, few.stderr);
  assert.match(few.stderr, /too few examples to trust: 2 positives, at least 3 needed/);
  assert.match(few.stdout, /wav_s16_44k_stereo\.wav/);

  const unknown = tag([file, '--catalog', fixtureCatalog(), '--examples-pos', 'flac_s16_44k_stereo,no_such_track,x']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no track 'no_such_track' in the catalog/);

  const corrupt = path.join(tmp, 'corrupt.json');
  fs.writeFileSync(corrupt, '{"format": "cuefinder-few-shot-tag", "version": 1, "name": "x"');
  const c = tag([file, '--model', corrupt]);
  assert.equal(c.status, 1);
  assert.match(c.stderr, /--model .*corrupt\.json: few-shot tag: /);

  const short = path.join(tmp, 'short.json');
  const t = JSON.parse(fs.readFileSync(path.join(tmp, 'tag.json'), 'utf8'));
  fs.writeFileSync(short, JSON.stringify({ ...t, dim: 199, weights: t.weights.slice(1) }));
  const s = tag([file, '--model', short]);
  assert.equal(s.status, 1);
  assert.match(s.stderr, /takes 199 values per embedding, got 200/);

  fs.writeFileSync(short, JSON.stringify({ ...t, embedding: 'other-model-2' }));
  const o = tag([file, '--model', short]);
  assert.equal(o.status, 1);
  assert.match(o.stderr, /trained on other-model-2 embeddings, these are msd-musicnn-1/);
});

test('tag: conflicting or missing few-shot options are usage errors (exit 2)', { skip }, () => {
  const file = audio('wav_s16_44k_stereo.wav');
  for (const [args, msg] of [
    [[file, '--labels', 'piano', '--examples-pos', 'a,b,c'], /not both/],
    [[file, '--examples-pos', 'a,b,c', '--model', 'm.json'], /not both/],
    [['--examples-pos', 'a,b,c'], /no audio FILE given/],
    [[file, '--model', 'm.json', '--save', 'x.json'], /--save needs --examples-pos/],
    [[file, '--model', 'm.json', '--examples-neg', 'a'], /--examples-neg needs --examples-pos/],
  ]) {
    const r = tag(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
  }
});

test('cf_few_shot_train/score: a direction learned from rows, calibrated monotone; bad specs named', { skip }, async () => {
  const core = await loadNodeCore(nodeModule);
  const dim = 8;
  let seed = 5;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const row = (axis) => Array.from({ length: dim }, (_, d) => (d === axis ? 1 : 0) + 0.1 * rand());
  const pos = [row(2), row(2), row(2), row(2)], bg = Array.from({ length: 40 }, () => Array.from({ length: dim }, rand));
  const rows = new Float32Array([...pos.flat(), ...bg.flat()]);
  const tagJson = core.mustText('cf_few_shot_train', JSON.stringify({ name: 'axis 2', embedding: 'toy' }), rows, 4, 0, 40, dim);
  const t = JSON.parse(tagJson);
  assert.equal(t.trust, 'ok', t.trust_message);
  // Along axis 2 from its opposite to itself: the calibrated score only grows.
  const probe = [];
  for (let a = -1; a <= 1.0001; a += 0.25) probe.push(...Array.from({ length: dim }, (_, d) => (d === 2 ? a : d === 0 ? 0.5 : 0)));
  const r = core.mustJson('cf_few_shot_score', tagJson, new Float32Array(probe), probe.length / dim, dim, '{"embedding": "toy"}');
  const scores = r.scores.map((s) => s.score);
  for (let i = 1; i < scores.length; i++) assert.ok(scores[i] >= scores[i - 1], `not monotone: ${scores}`);
  assert.ok(scores.at(-1) > 0.5 && scores[0] < 0.5, `${scores}`);
  assert.throws(() => core.mustText('cf_few_shot_train', '{"embedding": "toy"}', rows, 4, 0, 40, dim), /'name' is missing/);
  assert.throws(() => core.mustText('cf_few_shot_train', '{"name": "x", "shrink": 1}', rows, 4, 0, 40, dim), /unknown key 'shrink'/);
  assert.throws(() => core.mustText('cf_few_shot_train', '{"name": "x"}', rows, 0, 0, 44, dim), /no positive examples/);
  assert.throws(() => core.mustText('cf_few_shot_score', '{"format": "other"}', rows, 1, dim, ''), /few-shot tag: /);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
