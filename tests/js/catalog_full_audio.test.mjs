// `catalog build --full-audio auto|all|none` on three short clips given by a manifest with a CC license,
// Debian's custom "Drascula-License" and no license: auto publishes only the CC track and says why
// not the others (stderr and build_report.json); all publishes every track; the files decode (opusdec)
// to the track's whole length in stereo; a rebuild keeps encoded files; none leaves catalog.json
// without `audio`; a bad mode is a usage error. The core's policy itself: tests/core/catalog/.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const moduleFile = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
const tools = ['ffmpeg', 'opusenc', 'opusdec'].filter((t) => spawnSync(t, [t === 'ffmpeg' ? '-version' : '--version']).status !== 0);
const skip = !fs.existsSync(moduleFile) ? `needs ${moduleFile} (./cuefinder build wasm-release cuefinder_node)`
  : !fs.existsSync(path.join(root, 'models/msd-musicnn-1/manifest.json')) ? 'needs models/msd-musicnn-1'
    : tools.length ? `needs ${tools.join(', ')} (apt-get install ffmpeg opus-tools)` : false;

const build = (manifest, out, ...extra) => spawnSync(process.execPath, [path.join(root, 'src/cli/catalog/build.mjs'), manifest, '-o', out,
  '--jobs', '2', ...extra], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, CF_NODE_MODULE: moduleFile } });
const catalogTracks = (out) => new Map(JSON.parse(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8')).tracks.map((t) => [t.id, t]));

/** Decodes an Opus file with opusdec (48 kHz, 16-bit) → { channels, duration_s }. */
function decode(file, tmp) {
  const wav = path.join(tmp, 'decoded.wav');
  const r = spawnSync('opusdec', ['--quiet', file, wav], { encoding: 'utf8' });
  assert.equal(r.status, 0, `opusdec ${file}: ${r.stderr}`);
  const b = fs.readFileSync(wav);
  const channels = b.readUInt16LE(22), rate = b.readUInt32LE(24), bits = b.readUInt16LE(34);
  const data = b.indexOf('data', 36);
  assert.ok(data > 0, `${wav}: no data chunk`);
  return { channels, duration_s: (b.length - data - 8) / (rate * channels * (bits / 8)) };
}

test('catalog build --full-audio: license policy, full-length Opus, summary, resume, none', { skip, timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-full-audio-'));
  try {
    const audio = path.join(root, 'tests/data/audio');
    for (const f of ['flac_s16_44k_stereo.flac', 'vorbis_q2_44k_stereo_3s.ogg', 'wav_s16_44k_stereo.wav'])
      fs.copyFileSync(path.join(audio, f), path.join(tmp, f));
    const manifest = path.join(tmp, 'manifest.json');
    fs.writeFileSync(manifest, JSON.stringify({ tracks: [
      { path: 'vorbis_q2_44k_stereo_3s.ogg', id: 'cc', title: 'Free', license: 'CC-BY-SA-3.0', attribution: 'Free — Someone, CC-BY-SA-3.0' },
      { path: 'flac_s16_44k_stereo.flac', id: 'custom', title: 'Custom', license: 'Drascula-License' },
      { path: 'wav_s16_44k_stereo.wav', id: 'none', title: 'Unlicensed' },
    ] }));
    const out = path.join(tmp, 'out');

    // auto: only the CC track, and the summary says why not the others.
    let r = build(manifest, out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /full audio \(--full-audio auto: by license\): 1 of 3 tracks/);
    assert.match(r.stderr, /1× Drascula-License: not a license this policy recognises/);
    assert.match(r.stderr, /1× \(empty\): no license given/);
    let tracks = catalogTracks(out);
    const cc = tracks.get('cc');
    assert.match(cc.audio, /^[0-9a-f]{16}\.opus$/);
    const ccFile = path.join(out, 'audio', cc.audio);
    assert.equal(cc.audio_bytes, fs.statSync(ccFile).size);
    assert.equal(tracks.get('custom').audio, undefined);
    assert.equal(tracks.get('none').audio, undefined);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'build_report.json'), 'utf8')).full_audio;
    assert.equal(report.mode, 'auto');
    assert.equal(report.n_tracks, 1);
    assert.deepEqual(report.not_published.map((s) => [s.id, s.verdict]), [['custom', 'unknown'], ['none', 'unknown']]);
    const d = decode(ccFile, tmp);
    assert.equal(d.channels, 2, 'stereo kept');
    assert.ok(Math.abs(d.duration_s - cc.duration_s) < 0.05, `decoded ${d.duration_s} s, track ${cc.duration_s} s`);

    // all: every track, each decoding to its whole length; the file encoded before is kept as it was.
    const before = fs.statSync(ccFile);
    r = build(manifest, out, '--full-audio', 'all');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /full audio: encoding 2 tracks \(1 already encoded\)/);
    assert.match(r.stderr, /3 of 3 tracks/);
    tracks = catalogTracks(out);
    for (const t of tracks.values()) {
      assert.ok(t.audio, `${t.id} has full audio`);
      const got = decode(path.join(out, 'audio', t.audio), tmp);
      assert.ok(Math.abs(got.duration_s - t.duration_s) < 0.05, `${t.id}: decoded ${got.duration_s} s, track ${t.duration_s} s`);
      assert.equal(got.channels, 2, t.id);
    }
    assert.equal(tracks.get('cc').audio, cc.audio);
    assert.equal(fs.statSync(ccFile).mtimeMs, before.mtimeMs, 'not encoded again');
    assert.deepEqual(fs.readdirSync(path.join(out, 'audio')).filter((f) => f.includes('.tmp-')), [], 'no leftovers');

    // none: catalog.json names no audio; a bad mode is a usage error naming the option.
    r = build(manifest, out, '--full-audio', 'none');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /full audio: none/);
    for (const t of catalogTracks(out).values()) assert.equal(t.audio, undefined, t.id);
    r = build(manifest, out, '--full-audio', 'some');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--full-audio: expected auto, all or none, got some/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
