// ./cuefinder suggest (src/cli/suggest.mjs) on the fixture catalog (fixture_catalog.mjs) and the video
// fixtures (tests/data/video/README.md: their cut times): the JSON fields, the clip's reading, the
// suggestions and their fits (an edit of exactly the clip's length), a bad file's error beside a good file's result (exit status 1), usage errors (2).
// Needs the WASM module (fixture_catalog.mjs) and the native cuefinder-core with FFmpeg
// (./cuefinder build native-release cuefinder-core): skipped without, as the other CLI tests are.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fixtureCatalog, fixtureSkipReason, nodeModule, root } from './fixture_catalog.mjs';

const coreBin = path.resolve(process.env.CF_CORE_BIN || path.join(root, 'build/native-release/src/cli/cuefinder-core'));
const skip = fixtureSkipReason() || (fs.existsSync(coreBin) ? false : `needs ${coreBin} (./cuefinder build native-release cuefinder-core)`);
const video = (f) => path.join(root, 'tests/data/video', f);

function suggest(args) {
  return spawnSync(process.execPath, [path.join(root, 'src/cli/suggest.mjs'), ...args], { encoding: 'utf8',
    env: { ...process.env, CF_NODE_MODULE: nodeModule, CF_CORE_BIN: coreBin } });
}

test('suggest --json: the clip read, the suggestions ranked; a bad file named with exit 1, the others done', { skip }, () => {
  const r = suggest([video('h264_aac_cuts_fades.mp4'), video('bad_truncated_40pct.mp4'), video('h264_no_audio.mkv'),
    '--catalog', fixtureCatalog(), '-k', '3', '--json']);
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  const [good, bad, silent] = lines;
  assert.equal(bad.file, video('bad_truncated_40pct.mp4'));
  assert.match(bad.error, /truncated/);
  assert.match(r.stderr, /bad_truncated_40pct\.mp4.*truncated/);
  for (const k of ['file', 'duration_s', 'width', 'height', 'rotation', 'fps', 'has_audio', 'cuts_s', 'shots', 'pace', 'suggestions'])
    assert.ok(k in good, `missing ${k}`);
  assert.ok(Math.abs(good.duration_s - 9.5) < 0.05, `duration ${good.duration_s}`);
  assert.deepEqual(good.cuts_s, [2, 3.5, 5, 8.5]);  // tests/data/video/README.md
  assert.equal(good.has_audio, true);
  assert.equal(silent.has_audio, false);
  assert.equal(good.shots.length, 6);
  for (const s of good.shots) {
    assert.ok(s.end_s > s.start_s && s.motion >= 0 && s.motion <= 1);
    assert.ok(s.sees.length > 0, 'each keyframe is seen by the image model');
    assert.ok(s.moods.happy >= 0 && s.moods.happy <= 1);
  }
  assert.ok(Math.abs(good.pace.cuts_per_min - 4 / 9.5 * 60) < 0.1, `cuts/min ${good.pace.cuts_per_min}`);
  assert.ok(good.pace.bpm_min < good.pace.bpm_max);
  assert.equal(good.suggestions.length, 3);
  for (const [i, s] of good.suggestions.entries()) {
    for (const k of ['id', 'title', 'path', 'score', 'why', 'bpm', 'license', 'credit']) assert.ok(k in s, `suggestion: missing ${k}`);
    assert.ok(s.score >= 0 && s.score <= 1);
    if (i > 0) assert.ok(good.suggestions[i - 1].score >= s.score, 'best first');
    assert.match(s.why, /cuts\/min → \d+–\d+ BPM/);
    assert.match(s.why, /sees: /);
    assert.equal(s.fit_error, undefined, s.fit_error);
    assert.ok(Math.abs(s.length_s - good.duration_s) <= 0.01, `the edit is the clip's length: ${s.length_s}`);
    assert.ok(s.segment_start_s >= 0 && s.segment_end_s > s.segment_start_s, `${s.segment_start_s}–${s.segment_end_s}`);
    assert.ok(typeof s.edit === 'string' && s.edit.length > 0);
    assert.ok(['segment_fade', 'splice', 'loop'].includes(s.fit_kind), s.fit_kind);
    assert.ok(s.cut_alignment >= 0 && s.cut_alignment <= 1);
  }
});

// The frames of a 16-bit mono WAV and its rate (the core's encode_wav layout: fmt, then data).
function wavFrames(file) {
  const b = fs.readFileSync(file);
  assert.equal(b.toString('latin1', 0, 4), 'RIFF');
  let at = 12;
  while (b.toString('latin1', at, at + 4) !== 'data') at += 8 + b.readUInt32LE(at + 4);
  return { frames: b.readUInt32LE(at + 4) / 2, rate: b.readUInt32LE(24), channels: b.readUInt16LE(22) };
}

test('suggest: a short readable list without --json; words reach the ranking; --render is the clip\'s length', { skip }, () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cf-suggest-')), 'fitted.wav');
  const r = suggest([video('vp9_opus_cuts.webm'), '--catalog', fixtureCatalog(), '-k', '2', '--text', 'calm piano', '--render', out]);
  assert.equal(r.status, 0, r.stderr);
  const wav = wavFrames(out);
  assert.equal(wav.channels, 1);
  const clip = JSON.parse(spawnSync(coreBin, ['video', video('vp9_opus_cuts.webm')], { encoding: 'utf8' }).stdout);
  assert.ok(Math.abs(clip.duration_s - 6.0) < 0.05);
  assert.equal(wav.frames, Math.round(clip.duration_s * wav.rate), 'exactly the clip\'s length');
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 5, r.stdout);
  assert.match(lines[0], /vp9_opus_cuts\.webm: 6\.0 s, 320×180, \d+ shots, [\d.]+ cuts\/min → \d+–\d+ BPM/);
  assert.match(lines[1], /^ {2}1\. /);
  assert.match(lines[1], /BPM( fits)?; fits: [^;]+; sees: /, 'the words explain themselves before the picture');
  assert.match(lines[2], /^ {7}\S.*; cuts on beats \d+ %$/, 'the edit in words');
});

test('suggest: usage errors are exit status 2 and name the problem', { skip }, () => {
  for (const [args, message] of [[[], /no video given/], [['a.mp4', '-k', '0'], /-k needs a whole number/],
    [['a.mp4', '--frobnicate'], /unknown option --frobnicate/], [['a.mp4', '--text', ' '], /--text is empty/],
    [['a.mp4', 'b.mp4', '--render', 'x.wav'], /--render takes one VIDEO/]]) {
    const r = suggest(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});
