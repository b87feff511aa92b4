// ./cuefinder suggest (src/cli/suggest.mjs) on the fixture catalog (fixture_catalog.mjs) and the video
// fixtures (tests/data/video/README.md: their cut times): the JSON fields, the clip's reading, the
// suggestions and their fits (an edit of exactly the clip's length), a bad file's error beside a good file's result (exit status 1), usage errors (2).
// The exports of the top suggestion: the WAV (exact length, the track's channels), the cue sheet as
// JSON and CSV (its content against the suggestion and the clip), the FFmpeg mux command run through
// /bin/sh when ffmpeg is on PATH (the muxed file's duration by ffprobe), --duck; and the beats and
// energy a catalog without timelines gets from the core (cf_suggest_track_timeline, no model).
// Needs the WASM module (fixture_catalog.mjs) and the native cuefinder-core with FFmpeg
// (./cuefinder build native-release cuefinder-core): skipped without, as the other CLI tests are.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fixtureCatalog, fixtureSkipReason, nodeModule, root } from './fixture_catalog.mjs';
import { loadNodeCore } from '../../web/core_client.mjs';

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
  assert.equal(good.sound.has_audio, true, 'the clip\'s own sound is in the JSON');
  assert.ok(good.sound.loudness_lufs.length > 10 && Array.isArray(good.sound.keep), JSON.stringify(good.sound).slice(0, 200));
  assert.equal(silent.sound.has_audio, false);
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

// The frames of a 16-bit WAV, its rate and channels (the core's encode_wav layout: fmt, then data).
function wavFrames(file) {
  const b = fs.readFileSync(file);
  assert.equal(b.toString('latin1', 0, 4), 'RIFF');
  let at = 12;
  while (b.toString('latin1', at, at + 4) !== 'data') at += 8 + b.readUInt32LE(at + 4);
  const channels = b.readUInt16LE(22);
  return { frames: b.readUInt32LE(at + 4) / (2 * channels), rate: b.readUInt32LE(24), channels };
}

test('suggest: a short readable list without --json; words reach the ranking; --render is the clip\'s length', { skip }, () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cf-suggest-')), 'fitted.wav');
  const r = suggest([video('vp9_opus_cuts.webm'), '--catalog', fixtureCatalog(), '-k', '2', '--text', 'calm piano', '--render', out]);
  assert.equal(r.status, 0, r.stderr);
  const wav = wavFrames(out);
  assert.ok(wav.channels === 1 || wav.channels === 2, `${wav.channels} channels`);
  const clip = JSON.parse(spawnSync(coreBin, ['video', video('vp9_opus_cuts.webm')], { encoding: 'utf8' }).stdout);
  assert.ok(Math.abs(clip.duration_s - 6.0) < 0.05);
  assert.equal(wav.frames, Math.round(clip.duration_s * wav.rate), 'exactly the clip\'s length');
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 7, r.stdout);
  assert.equal(lines[5], `music: ${out}; under the clip with:`);
  assert.match(lines[6], /^ffmpeg -i .*vp9_opus_cuts\.webm -i .*fitted\.wav -map 0:v:0 -map 1:a:0 -c:v copy -c:a aac -b:a 192k \S*vp9_opus_cuts-fitted\.mkv$/);
  if (onPath('ffmpeg') && onPath('ffprobe')) {  // VP9 copied with AAC: Matroska takes both
    const sh = spawnSync('/bin/sh', ['-c', `${lines[6]} </dev/null`], { encoding: 'utf8' });
    assert.equal(sh.status, 0, sh.stderr);
    assert.equal(probe(path.join(path.dirname(out), 'vp9_opus_cuts-fitted.mkv'), 'stream=codec_name'), 'vp9\naac');
  }
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  assert.match(lines[0], /vp9_opus_cuts\.webm: 6\.0 s, 320×180, \d+ shots, [\d.]+ cuts\/min → \d+–\d+ BPM/);
  assert.match(lines[1], /^ {2}1\. /);
  assert.match(lines[1], /BPM( fits)?; fits: [^;]+; sees: /, 'the words explain themselves before the picture');
  assert.match(lines[2], /^ {7}\S.*; cuts on beats \d+ %$/, 'the edit in words');
});

test('suggest: usage errors are exit status 2 and name the problem', { skip }, () => {
  for (const [args, message] of [[[], /no video given/], [['a.mp4', '-k', '0'], /-k needs a whole number/],
    [['a.mp4', '--frobnicate'], /unknown option --frobnicate/], [['a.mp4', '--text', ' '], /--text is empty/],
    [['a.mp4', 'b.mp4', '--render', 'x.wav'], /--render takes one VIDEO/], [['a.mp4', '--cues', 'cues.txt'], /--cues: OUT\.json or OUT\.csv, got 'cues\.txt'/],
    [['a.mp4', '--cues', 'cues'], /--cues: OUT\.json or OUT\.csv/], [['a.mp4', 'b.mp4', '--cues', 'c.csv'], /--cues takes one VIDEO/],
    [['a.mp4', '--duck'], /--duck needs --render/]]) {
    const r = suggest(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});

// RFC 4180 CSV → rows of fields (quoted fields with "" and line breaks inside).
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else field += ch;
  }
  assert.equal(field + row.length, '0', 'the CSV ends with CRLF');
  return rows;
}

const onPath = (p) => spawnSync('sh', ['-c', `command -v ${p}`]).status === 0;
const probe = (file, entries) => spawnSync('ffprobe', ['-v', 'error', '-show_entries', entries, '-of', 'csv=p=0', file], { encoding: 'utf8' }).stdout.trim();

test('suggest --cues (JSON, CSV) and --render: the cue sheet says what the WAV is; the mux command runs', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-suggest-cues-'));
  const clipFile = video('h264_aac_cuts_fades.mp4');
  const run = (cues, extra = []) => {
    const r = suggest([clipFile, '--catalog', fixtureCatalog(), '-k', '2', '--json', '--cues', path.join(dir, cues), ...extra]);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const res = run('cues.json', ['--render', path.join(dir, 'fit.wav')]);
  const top = res.suggestions[0];
  assert.equal(top.fit_error, undefined, top.fit_error);
  assert.equal(top.cue_sheet, path.join(dir, 'cues.json'));
  const cue = JSON.parse(fs.readFileSync(path.join(dir, 'cues.json'), 'utf8'));
  assert.deepEqual(cue.clip, { file: 'h264_aac_cuts_fades.mp4', length_s: cue.clip.length_s, cuts_s: [2, 3.5, 5, 8.5] });
  assert.ok(Math.abs(cue.clip.length_s - res.duration_s) < 0.001);
  assert.equal(cue.track.id, top.id);
  assert.equal(cue.track.title, top.title);
  assert.equal(cue.track.path, top.path);
  assert.equal(cue.track.license, top.license);
  assert.ok(cue.track.credit.length > 0 && (top.credit === '' || cue.track.credit === top.credit), cue.track.credit);
  assert.equal(cue.edit.kind, top.fit_kind);
  assert.equal(cue.edit.description, top.edit);
  assert.equal(cue.edit.cut_alignment, top.cut_alignment);
  assert.equal(cue.edit.segment_start_s, top.segment_start_s);
  assert.equal(cue.pieces[0].out_start_s, 0);
  assert.equal(cue.pieces.at(-1).out_end_s, cue.clip.length_s, 'the pieces cover the clip');
  for (const [i, p] of cue.pieces.entries()) {
    if (i > 0) assert.equal(p.out_start_s, cue.pieces[i - 1].out_end_s);
    assert.ok(p.source_end_s > p.source_start_s);
  }
  assert.equal(cue.splices.length, cue.pieces.length - 1);
  assert.ok(cue.beats_out_s.every((b) => b >= 0 && b <= cue.clip.length_s), 'beats in output time');
  // The WAV: exactly the clip's length, the track's channels (stereo kept).
  const wav = wavFrames(path.join(dir, 'fit.wav'));
  assert.equal(wav.rate, 44100);
  assert.equal(wav.frames, Math.round(cue.clip.length_s * 44100), 'exactly the clip\'s length');
  const music = path.join(path.dirname(fixtureCatalog()), 'music', top.path);
  if (onPath('ffprobe')) assert.equal(wav.channels, Math.min(2, Number(probe(music, 'stream=channels'))), 'the track\'s channels');
  assert.match(top.mux_command, /^ffmpeg -i .*h264_aac_cuts_fades\.mp4 -i .*fit\.wav -map 0:v:0 -map 1:a:0 -c:v copy -c:a aac /);
  // The same top suggestion as CSV: one row per event, RFC 4180.
  const again = run('cues.csv');
  assert.equal(again.suggestions[0].id, top.id);
  const rows = parseCsv(fs.readFileSync(path.join(dir, 'cues.csv'), 'utf8'));
  assert.deepEqual(rows[0], ['clip_file', 'clip_length_s', 'track_id', 'title', 'artist', 'license', 'credit', 'edit_kind', 'event',
    'out_start_s', 'out_end_s', 'source_start_s', 'source_end_s', 'crossfade_s']);
  const events = rows.slice(1);
  assert.ok(events.every((r) => r.length === 14 && r[0] === 'h264_aac_cuts_fades.mp4' && r[2] === top.id && r[3] === top.title));
  assert.equal(events.filter((r) => r[8] === 'piece').length, cue.pieces.length);
  assert.equal(events.filter((r) => r[8] === 'splice').length, cue.splices.length);
  assert.equal(events.filter((r) => r[8] === 'fade_out').length, cue.fade_out ? 1 : 0);
  assert.equal(events.filter((r) => r[8] === 'fade_in').length, cue.fade_in ? 1 : 0);
  assert.deepEqual(events.filter((r) => r[8] === 'piece').map((r) => Number(r[11])), cue.pieces.map((p) => p.source_start_s));
  if (!onPath('ffmpeg') || !onPath('ffprobe')) {
    console.log('# ffmpeg/ffprobe not on PATH: the mux command is not run');
  } else {
    const sh = spawnSync('/bin/sh', ['-c', `${top.mux_command} </dev/null`], { cwd: dir, encoding: 'utf8' });
    assert.equal(sh.status, 0, sh.stderr);
    const muxed = path.join(dir, 'h264_aac_cuts_fades-fit.mp4');
    assert.equal(probe(muxed, 'stream=codec_name'), 'h264\naac');
    assert.ok(Math.abs(Number(probe(muxed, 'format=duration')) - res.duration_s) < 0.05, 'the muxed clip keeps its length');
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

// A clip made here by ffmpeg whose sound is worth keeping from 2 to 4 s (a loud 300 Hz tone over a
// quiet 440 Hz one): the fixtures' sound is one steady tone, where there is nothing to duck under.
function clipWithSpeech(dir) {
  const out = path.join(dir, 'talk.mp4');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=24:duration=6', '-f', 'lavfi', '-i',
    "aevalsrc='0.003*sin(2*PI*440*t)+between(t,2,4)*0.5*sin(2*PI*300*t)':s=48000:d=6", '-c:v', 'libx264', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-shortest', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return out;
}

test('suggest --render --duck: the music ducked under the clip\'s sound, the mux command mixes both', { skip }, (t) => {
  if (!onPath('ffmpeg')) { t.skip('ffmpeg not on PATH: no clip with sound to keep can be made'); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-suggest-duck-'));
  const args = [clipWithSpeech(dir), '--catalog', fixtureCatalog(), '-k', '1', '--json'];
  const plain = JSON.parse(suggest([...args, '--render', path.join(dir, 'plain.wav')]).stdout);
  const r = suggest([...args, '--render', path.join(dir, 'ducked.wav'), '--duck']);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  const { sound } = JSON.parse(spawnSync(coreBin, ['video', args[0]], { encoding: 'utf8' }).stdout);
  assert.ok(sound && sound.keep.length === 1, `the clip's sound is kept around 2–4 s: ${JSON.stringify(sound?.keep)}`);
  assert.match(res.suggestions[0].mux_command, /-filter_complex '\[0:a:0\]volume=0\.00dB\[clip\];\[clip\]\[1:a:0\]amix=inputs=2:duration=longest:normalize=0\[mix\]' -map 0:v:0 -map '\[mix\]'/);
  assert.doesNotMatch(plain.suggestions[0].mux_command, /amix/, 'without --duck the music replaces the clip\'s sound');
  assert.equal(plain.suggestions[0].id, res.suggestions[0].id);
  const a = fs.readFileSync(path.join(dir, 'plain.wav')), b = fs.readFileSync(path.join(dir, 'ducked.wav'));
  assert.equal(a.length, b.length, 'the same length');
  // Inside the kept stretch the ducked music is quieter (−12 dB: 1/16 of the energy); well before it, the same.
  const pcm = (buf) => new Int16Array(buf.buffer.slice(buf.byteOffset + 44, buf.byteOffset + buf.length));
  const pa = pcm(a), pb = pcm(b);
  const ch = wavFrames(path.join(dir, 'plain.wav')).channels;
  const energy = (x, s0, s1) => { let e = 0; for (let i = Math.floor(s0 * 44100) * ch; i < Math.floor(s1 * 44100) * ch; i++) e += x[i] * x[i]; return e; };
  const [k] = sound.keep;
  assert.ok(energy(pa, k.start_s, k.end_s) > 0, 'the music plays there');
  assert.ok(energy(pb, k.start_s, k.end_s) < 0.1 * energy(pa, k.start_s, k.end_s), `ducked in ${k.start_s}–${k.end_s} s`);
  assert.equal(energy(pb, 0.2, 1.5), energy(pa, 0.2, 1.5), 'untouched before the attack');
  const sh = spawnSync('/bin/sh', ['-c', `${res.suggestions[0].mux_command} </dev/null`], { cwd: dir, encoding: 'utf8' });
  assert.equal(sh.status, 0, sh.stderr);
  assert.equal(probe(path.join(dir, 'talk-ducked.mp4'), 'stream=codec_name'), 'h264\naac');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a catalog without timelines: the core measures a track\'s beats and energy (no model) and fits it', { skip }, async () => {
  const c = await loadNodeCore(nodeModule);
  const track = path.join(root, 'tests/data/audio/vorbis_q2_44k_stereo_3s.ogg');
  const t = c.mustJson('cf_suggest_track_timeline', track);
  assert.ok(Math.abs(t.duration_s - 3) < 0.01, `duration ${t.duration_s}`);
  assert.equal(t.energy.times_s.length, t.energy.rms_dbfs.length);
  assert.ok(t.energy.times_s.length >= 5);
  const clip = JSON.parse(spawnSync(coreBin, ['video', video('vp9_opus_cuts.webm')], { encoding: 'utf8' }).stdout);
  const fit = c.mustJson('cf_suggest_fit', 0, '', JSON.stringify(clip), JSON.stringify(t));
  assert.ok(Math.abs(fit.length_s - clip.duration_s) < 0.01, 'the clip\'s length from a 3 s track: a loop');
  assert.equal(fit.kind, 'loop');
  const csv = c.mustText('cf_suggest_cue_sheet', 0, 'x/track', JSON.stringify(clip), JSON.stringify(t), 'csv');
  assert.match(csv, /^clip_file,/);
  assert.match(csv, /\r\nvp9_opus_cuts\.webm,6\.\d{3},x\/track,,,,"""x\/track""",loop,piece,0\.000,/);
  assert.equal(c.call('cf_suggest_cue_sheet', 0, 'x/track', JSON.stringify(clip), JSON.stringify(t), 'xml'), 0);
  assert.match(c.text('cf_error'), /cue sheet format 'xml': expected json or csv/);
  assert.equal(c.call('cf_suggest_track_timeline', path.join(root, 'tests/data/audio/bad_text.txt')), 0);
  assert.match(c.text('cf_error'), /bad_text\.txt/);
});
