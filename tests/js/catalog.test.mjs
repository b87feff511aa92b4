// `catalog build` + `search` end to end on a folder of small fixtures (the real models, the WASM core):
// every decodable file becomes a track, a bad one is reported without stopping the build, a second
// build re-uses every analysis, and search returns results in rank order with their source paths.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { coreClient } from '../../web/core_client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const moduleFile = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
const ready = fs.existsSync(moduleFile) && fs.existsSync(path.join(root, 'models/msd-musicnn-1/manifest.json'));
const opts = { skip: ready ? false : `needs ${moduleFile} (./cuefinder build wasm-release cuefinder_node)` };
const node = (args) => spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, CF_NODE_MODULE: moduleFile } });

// The TIML section of a catalog.cfc, decoded here from the documented layout (src/core/catalog/catalog.h,
// docs/catalog-format.md) rather than through the core, so the test also checks the format's description.
function readTimelines(buf) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  assert.equal(buf.subarray(0, 4).toString('latin1'), 'CFCT');
  const version = dv.getUint32(4, true), nSections = dv.getUint32(8, true);
  let at = -1, size = 0;
  for (let i = 0; i < nSections; i++) {
    const e = 32 + 32 * i;
    if (buf.subarray(e, e + 4).toString('latin1') === 'TIML') { at = Number(dv.getBigUint64(e + 8, true)); size = Number(dv.getBigUint64(e + 16, true)); }
  }
  if (at < 0) return { version, tracks: null };
  let p = at;
  const u32 = () => { p += 4; return dv.getUint32(p - 4, true); };
  const f32 = () => { p += 4; return dv.getFloat32(p - 4, true); };
  const times = (n) => {
    const out = [];
    let ms = 0;
    for (let i = 0; i < n; i++) { const d = dv.getUint16(p, true); p += 2; ms += d === 0xffff ? u32() : d; out.push(ms / 1000); }
    return out;
  };
  const nTracks = u32(), dim = u32();
  assert.equal(u32(), 1, 'encoding');
  u32();
  const tracks = [];
  for (let t = 0; t < nTracks; t++) {
    const duration_s = f32(), bpm = f32(), confidence = f32(), nBeats = u32(), nEnergy = u32(), nWindows = u32();
    const beats_s = times(nBeats), energy_times_s = times(nEnergy);
    const energy_db = [...buf.subarray(p, p + nEnergy)].map((c) => c * 0.5 - 120);
    p += nEnergy;
    const window_times_s = times(nWindows);
    p += nWindows * (4 + dim);
    tracks.push({ duration_s, bpm, confidence, beats_s, energy_times_s, energy_db, window_times_s });
  }
  assert.equal(p, at + size, 'nothing after the last record');
  return { version, dim, tracks };
}

test('catalog build from a folder, resumable, with a bad file; search by track and by file', opts, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-catalog-'));
  const music = path.join(tmp, 'music');
  fs.mkdirSync(path.join(music, 'sub'), { recursive: true });
  const fixtures = path.join(root, 'tests/data/audio');
  const good = ['vorbis_q2_44k_stereo_3s.ogg', 'flac_s16_44k_stereo.flac', 'mp3_cbr128_44k_stereo.mp3', 'opus_64k_48k_stereo.opus', 'wav_s16_44k_stereo.wav', 'tags_flac.flac'];
  for (const [i, f] of good.entries()) fs.copyFileSync(path.join(fixtures, f), path.join(i % 2 ? path.join(music, 'sub') : music, f));
  fs.copyFileSync(path.join(fixtures, 'bad_truncated_30pct_flac_s16_44k_stereo.flac'), path.join(music, 'broken.flac'));
  const out = path.join(tmp, 'catalog');

  const first = node([path.join(root, 'src/cli/catalog/build.mjs'), music, '-o', out, '--jobs', '2']);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /cannot analyse .*broken\.flac/);
  const report = JSON.parse(fs.readFileSync(path.join(out, 'build_report.json'), 'utf8'));
  assert.equal(report.n_tracks, good.length);
  assert.equal(report.failed.length, 1);
  const cat = JSON.parse(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8'));
  assert.equal(cat.tracks.length, good.length);
  for (const t of cat.tracks) {
    assert.ok(!path.isAbsolute(t.path) && fs.existsSync(path.join(music, t.path)), t.path);  // relative to SOURCE
    if (t.preview) assert.ok(fs.statSync(path.join(out, 'previews', t.preview)).size > 1000);
  }
  assert.ok(fs.existsSync(path.join(out, 'catalog.cfc')));
  // Every track has a timeline (format v2): beats inside the track, curves and windows ascending.
  const tl = readTimelines(fs.readFileSync(path.join(out, 'catalog.cfc')));
  assert.equal(tl.version, 2);
  assert.equal(tl.dim, cat.dim);
  assert.equal(tl.tracks.length, cat.tracks.length);
  const ascending = (xs) => xs.every((x, i) => i === 0 || x >= xs[i - 1]);
  for (const [i, t] of tl.tracks.entries()) {
    const meta = cat.tracks[i];
    assert.ok(Math.abs(t.duration_s - meta.duration_s) < 1e-3, `${meta.id}: duration`);
    assert.ok(t.beats_s.every((b) => b >= 0 && b <= t.duration_s), `${meta.id}: beats inside the track`);
    assert.ok(ascending(t.beats_s) && ascending(t.energy_times_s) && ascending(t.window_times_s), `${meta.id}: ascending`);
    assert.ok(t.energy_times_s.length >= Math.floor(t.duration_s / 0.5) - 1, `${meta.id}: ${t.energy_times_s.length} energy points`);
    assert.ok(t.energy_times_s.every((x) => x > 0 && x <= t.duration_s + 1e-3), `${meta.id}: energy inside the track`);
    assert.ok(t.energy_db.some((db) => db > -60), `${meta.id}: energy is not all silence`);
    assert.ok(t.window_times_s.length >= 1 && t.window_times_s.length <= 8, `${meta.id}: ${t.window_times_s.length} windows`);
    if (meta.bpm) assert.ok(t.beats_s.length > 0, `${meta.id}: a tempo without beats`);
  }
  // Titles: the file's own tags (FLAC Vorbis comments), else the file name.
  const tagged = cat.tracks.find((t) => t.path.endsWith('tags_flac.flac'));
  assert.equal(tagged.title, 'Tagged Song');
  assert.equal(tagged.artist, 'Some Artist');
  assert.equal(tagged.composer, 'Ana Composer');
  assert.equal(cat.tracks.find((t) => t.path.endsWith('wav_s16_44k_stereo.wav')).title, 'wav s16 44k stereo');

  // A second build analyses nothing again and writes the same catalog.
  const before = fs.readFileSync(path.join(out, 'catalog.cfc'));
  const second = node([path.join(root, 'src/cli/catalog/build.mjs'), music, '-o', out]);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stderr, /6 already analysed, 0 to analyse/);
  assert.ok(before.equals(fs.readFileSync(path.join(out, 'catalog.cfc'))), 'rebuild is byte-identical');

  const id = cat.tracks[0].id;
  const byTrack = node([path.join(root, 'src/cli/search.mjs'), out, '--track', id, '-k', '3', '--json']);
  assert.equal(byTrack.status, 0, byTrack.stderr);
  const r1 = JSON.parse(byTrack.stdout);
  assert.equal(r1.results.length, 3);
  assert.ok(r1.results.every((r) => r.id !== id && fs.existsSync(path.join(music, r.path)) && typeof r.title === 'string'));
  for (let i = 1; i < r1.results.length; i++) assert.ok(r1.results[i - 1].score >= r1.results[i].score);
  assert.deepEqual(r1.results.map((r) => r.rank), [1, 2, 3]);
  // "score" stays the raw cosine; "match_percent" is it calibrated on the catalog (0..100, same order).
  // The best match of a catalog track is its nearest neighbour, one of the calibration's references: > 0.
  for (const r of r1.results) assert.ok(r.match_percent >= 0 && r.match_percent <= 100 && r.score <= 1.0001, JSON.stringify(r));
  for (let i = 1; i < r1.results.length; i++) assert.ok(r1.results[i - 1].match_percent >= r1.results[i].match_percent);
  assert.ok(r1.results[0].match_percent > 0, String(r1.results[0].match_percent));
  const text = node([path.join(root, 'src/cli/search.mjs'), out, '--track', id, '-k', '3']);
  assert.equal(text.status, 0, text.stderr);
  const line1 = text.stdout.split('\n')[1];
  assert.match(line1, new RegExp(`^ +1\\. match +${Math.floor(r1.results[0].match_percent)} %  cos ${r1.results[0].score.toFixed(3)}  `), text.stdout);

  const byFile = node([path.join(root, 'src/cli/search.mjs'), out, path.join(fixtures, 'vorbis_q2_44k_stereo_3s.ogg'), '-k', '10', '--json']);
  assert.equal(byFile.status, 0, byFile.stderr);
  const r2 = JSON.parse(byFile.stdout);
  assert.equal(r2.results.length, good.length);
  // The same audio is in the catalog: it comes first, almost identical.
  assert.equal(path.basename(r2.results[0].path), 'vorbis_q2_44k_stereo_3s.ogg');
  assert.ok(r2.results[0].score > 0.999, String(r2.results[0].score));
  // A dropped file's similarities go through the same calibration.
  assert.ok(r2.results.every((r) => r.match_percent >= 0 && r.match_percent <= r2.results[0].match_percent));

  const missing = node([path.join(root, 'src/cli/search.mjs'), out, '--track', 'no/such/track']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no track with id "no\/such\/track"/);

  // Six tracks are too few to learn a similarity space from (--space auto): a plain v2 catalog, and
  // search says once, on stderr, that it uses the plain embedding.
  assert.match(first.stderr, /similarity space: plain, format v2/);
  assert.equal(report.space.name, 'plain');
  assert.equal((byFile.stderr.match(/was built before the learned similarity space \(format v2\): search uses the plain embedding/g) || []).length, 1);
  // --space learned forces one: format v3, stored in the space (50 directions of the 200-d input), its fit
  // time in the log and the report; a file is searched in the space and finds itself.
  const learned = path.join(tmp, 'learned');
  const third = node([path.join(root, 'src/cli/catalog/build.mjs'), music, '-o', learned, '--space', 'learned', '--no-previews']);
  assert.equal(third.status, 0, third.stderr);
  // The catalog profile runs mtt on every window with its embedding kept: the fused msd + mtt space.
  assert.match(third.stderr, /similarity space \(--space learned\): fused wccn s=0\.03 k=50 weighted b=1, blocks whitened s=0\.1; queries: main only, ridge 0\.01, 200-d → 50-d, fitted on \d+ windows of 6 tracks in [\d.]+ s/);
  const lcat = JSON.parse(fs.readFileSync(path.join(learned, 'catalog.json'), 'utf8'));
  assert.equal(lcat.version, 3);
  assert.equal(lcat.dim, 50);
  assert.deepEqual({ ...lcat.space, name: undefined }, { name: undefined, input: 'msd-musicnn-1/embedding', dim_in: 200, dim_out: 50 });
  const ltl = readTimelines(fs.readFileSync(path.join(learned, 'catalog.cfc')));
  assert.equal(ltl.version, 3);
  assert.equal(ltl.dim, 50);
  const lreport = JSON.parse(fs.readFileSync(path.join(learned, 'build_report.json'), 'utf8'));
  assert.ok(lreport.space.fit_s >= 0 && lreport.space.dim_out === 50, JSON.stringify(lreport.space));
  const lfile = node([path.join(root, 'src/cli/search.mjs'), learned, path.join(fixtures, 'vorbis_q2_44k_stereo_3s.ogg'), '-k', '3', '--json']);
  assert.equal(lfile.status, 0, lfile.stderr);
  assert.doesNotMatch(lfile.stderr, /note:/);
  const r3 = JSON.parse(lfile.stdout);
  assert.equal(path.basename(r3.results[0].path), 'vorbis_q2_44k_stereo_3s.ogg');
  // The catalog stores each track's two-model image, a file is mapped from its msd embedding alone (the
  // fused space's query map): itself first, though no longer at cosine 1.
  assert.ok(r3.results[0].score > 0.9, String(r3.results[0].score));
});

// The builder's entries on their own: a catalog track from an analysis's JSON and the track's fields
// (the core decides what wins), clear errors for bad JSON or a missing tag, the summary the preview is
// cut from, and the t-SNE map of the added tracks.
test('catalog builder entries: a track from analysis JSON, errors naming the problem, summary, t-SNE map', opts, async () => {
  const { createRequire } = await import('node:module');
  const core = await createRequire(import.meta.url)(moduleFile)();
  const c = coreClient(core);
  const call = (fn, ...strings) => {
    const rc = c.call(fn, ...strings);
    return { rc, text: rc < 0 ? c.error().message : '' };
  };
  const analysis = (i) => JSON.stringify({ duration_s: 100, metadata: { artist: 'Tag Artist' }, windows: [[10, 2.976], [50, 2.976], [90, 2.976]],
    tags: { msd: { rock: 0.25, pop: 0.5 + i / 100 } }, moods: { sad: 0.125 },
    embedding: { dim: 2, values: [1, i + 1], per_patch: [1, 0, 1, i + 1, 0, 1] }, bpm: 120, bpm_confidence: 0.5, loudness_lufs: -14 });
  core._cf_catalog_builder_new(2, 0);
  assert.equal(call('cf_catalog_builder_set_tag_labels', 'msd:rock\nmsd:pop').rc, 0);
  for (let i = 0; i < 5; i++) {
    const r = call('cf_catalog_builder_add_analysis', analysis(i), JSON.stringify({ id: `t${i}`, path: `music/t${i}.ogg`, file_name: `my_track-${i}.ogg` }));
    assert.equal(r.rc, 0, r.text);
  }
  assert.deepEqual(call('cf_catalog_builder_add_analysis', '{"duration_s":', '{"id":"x"}'),
    { rc: -1, text: 'analysis: JSON: at byte 14: expected a value, found the end of the text' });
  assert.deepEqual(call('cf_catalog_builder_add_analysis', analysis(0), '{"id":"t0"}').rc, -1);  // a repeated id: the builder says so
  assert.deepEqual(call('cf_catalog_builder_add_analysis', analysis(0).replace('"rock"', '"jazz"'), '{"id":"y"}'),
    { rc: -1, text: 'track "y": the analysis has no probability for the tag "msd:rock"' });
  assert.throws(() => c.mustJson('cf_catalog_track_summary', '[1'), /^Error: analysis: JSON: /);
  assert.deepEqual(c.mustJson('cf_catalog_track_summary', analysis(0)), { top_tags: { msd: [['pop', 0.5], ['rock', 0.25]] },
    moods: { happy: null, sad: 0.125, relaxed: null, aggressive: null, danceable: null }, segment_start_s: 36.488, segment_duration_s: 30 });
  assert.equal(c.must('cf_catalog_builder_tsne_map', 30, 250, 1), 0);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-builder-'));
  assert.equal(call('cf_catalog_builder_write', out).rc, 0);
  const info = JSON.parse(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8'));
  assert.equal(info.map_kind, 'tsne');
  assert.deepEqual([info.tracks[1].title, info.tracks[1].artist, info.tracks[1].bpm, info.tracks[1].segment_start_s], ['my track 1', 'Tag Artist', 120, 36.488]);
  // Search options are a JSON object (search_options.h): unknown keys and wrong types are errors naming the key.
  const h = c.must('cf_catalog_open', out);
  const search = (options) => c.mustJson('cf_catalog_search', h, null, 0, 't1', options);
  assert.deepEqual(search(JSON.stringify({ k: 2, bpm_min: 100, mood_min: { sad: 0.1 }, license: [] })).results.map((r) => r.rank), [1, 2]);
  assert.equal(search(JSON.stringify({ bpm_min: 130 })).results.length, 0);
  assert.throws(() => search('{"k": 2, "colour": 1}'), /^Error: unknown search option 'colour'$/);
  assert.throws(() => search('{"bpm_min": "fast"}'), /^Error: search option 'bpm_min': expected a number or null$/);
  assert.throws(() => search('{"mood_min": {"grumpy": 0.5}}'), /^Error: search option 'mood_min': unknown mood 'grumpy'/);
  assert.throws(() => search('{"k": 0}'), /^Error: search option 'k': must be in \[1, 100000\], got 0$/);
  assert.throws(() => search('[1]'), /^Error: search options: expected a JSON object$/);
  c.call('cf_catalog_close', h);
  fs.rmSync(out, { recursive: true, force: true });
});
