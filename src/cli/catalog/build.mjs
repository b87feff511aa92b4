#!/usr/bin/env node
// ./cuefinder catalog build SOURCE -o OUT — analyse every track and write a catalog.
//
//   node src/cli/catalog/build.mjs SOURCE -o OUT [--jobs N] [--name NAME] [--no-previews] [--quiet]
//                                [--track-timeout S] [--full-audio auto|all|none]
//                                [--space auto|learned|contrastive|whiten|plain]
//
// SOURCE: a folder (searched recursively for .wav .mp3 .flac .ogg .oga .opus), a manifest JSON
// ({"tracks": [{"path", "id"?, "title"?, "artist"?, "composer"?, "genre"?, "source"?, "license"?,
// "attribution"?}]}, e.g. src/cli/catalog/demo_sources.sh's) or a CSV with a header row naming the
// same columns (path required).
// What it does:
//  1. analyses every track in `jobs` worker processes (default: one per core), each running the WASM
//     core with the models in ONNX Runtime on one thread (native, else ONNX Runtime Web:
//     src/cli/ort_runtime.mjs), with the core's "catalog" profile (src/core/analysis/profiles.h): 8
//     one-patch windows spread over the track (docs/benchmarks/windows.md: cosine 0.994 to the
//     full-track embedding), mtt on all 8 (its per-window embedding feeds the fused space), each mood
//     model on 2. Progress and an ETA on stderr.
//  2. keeps each analysis in OUT/.work/analysis/ keyed by path, size, mtime and the profile: an
//     interrupted build (even by SIGKILL) resumes where it stopped, a rebuild analyses only new or
//     changed files. Every file is written under a temporary name and renamed; a cache entry that does
//     not parse is discarded (naming it) and its track analysed again.
//  3. reports files it could not analyse (stderr and OUT/build_report.json) and goes on: undecodable
//     files, non-regular files (a FIFO, a device: refused by the core), and tracks that give no
//     result within --track-timeout seconds (default 600; their worker is killed and replaced).
//  4. cuts (in the worker, right after the analysis) a 30 s preview around the track's representative
//     segment (the core's track summary: centred on the analysed patch most like the track), mono 48 kHz,
//     loudness-normalised to −16 LUFS with a −1 dBFS peak ceiling, 0.5 s fades, Opus 48 kb/s
//     (opusenc) → OUT/previews/<cache key>.opus.
//  4b. encodes each track's full-length audio, where it may be published (--full-audio: "auto", the
//     default, asks the core's license policy, src/core/catalog/license_policy.h, about each track's
//     license; "all": the builder asserts the rights to every track; "none"), unmodified but for the
//     encoding: FFmpeg decodes (channels kept, more than two downmixed to stereo), opusenc encodes Opus
//     96 kb/s with the track's title, artist, license and attribution as tags → OUT/audio/<key>.opus,
//     checked to be the track's full length. <key> hashes the file (path, size, mtime) and those tags,
//     so a rebuild encodes only new or changed tracks; `jobs` encodes run at once. catalog.json gets
//     per track `audio` (the file name) and `audio_bytes`; the summary and build_report.json say how
//     many tracks got full audio and why the others did not.
//  5. lays out the map with t-SNE in the core and writes OUT/catalog.cfc + OUT/catalog.json
//     (src/core/catalog/catalog.h). The core makes each catalog track from its cached analysis JSON and
//     the track's own fields (src/core/analysis/catalog_entry.h), with every track's full tag probabilities (all MSD and MTT labels,
//     in the models' manifest order, named "msd:<label>" / "mtt:<label>") in the TAGP section.
//     Each track's timeline (beats, the energy curve, the per-patch embeddings: the TIML section, format
//     v2, for fitting tracks to a video clip) comes from the same cached JSON — the workers ask for patch
//     embeddings and keep the curves (the analyzer's default), as every cache entry since v1 has them,
//     so existing caches stay valid. A cached analysis without all tag probabilities is analysed again. Track paths are stored relative to
//     SOURCE (the folder, or the manifest's folder), so a published catalog names no private folder.
//  6. the similarity space (--space, src/core/index/space.h), fitted in the core on every track's
//     per-window embeddings before the tracks are added (format v3, the SPCE section; the embeddings,
//     the index and the timeline windows are stored in the space, and queries are mapped into it):
//     "auto" (the default): "learned" from SPACE_MIN_TRACKS tracks on, "plain" below (a space fitted on
//     a handful of tracks would only describe those); "learned" within-track covariance normalisation +
//     LDA (closed form; the recipe chosen held out by source package, docs/benchmarks/matching.md) on
//     the fused [msd, mtt] windows (each model whitened first) when every analysis has mtt windows, with
//     file queries mapped from msd alone; on msd alone otherwise;
//     "contrastive" whitening then a linear
//     projection trained with InfoNCE (two windows of one track as positives); "whiten" PCA-whitening
//     with shrinkage 0.1; "plain" none (the format v2 catalog of before, cosine of the mean embedding).
//     The fit time is in the log and build_report.json's `space`.
import { fork, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analysisProfile } from '../../../web/ort_bridge.mjs';
import { readOgg } from './demo_lib.mjs';
import { coreClient, loadNodeCore } from '../../../web/core_client.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const AUDIO = /\.(wav|mp3|flac|ogg|oga|opus)$/i;
const PROFILE = 'catalog';
// The profile's part of every cache key: the core's JSON of it. Entries cached before the profile moved
// into the core were keyed by V1_KEY (the same analysis); they stay valid while the core's profile is
// still V1_PROFILE, and any change to the profile changes every key.
const V1_PROFILE = '{"name":"catalog","full_track_max_s":0,"n_windows":8,"window_patches":1,"max_batch_patches":16,' +
  '"tempo":true,"loudness":true,"waveform_points":1200,"weight_by_real_frames":false,"resample_quality":"best",' +
  '"max_patches":{"embedding":0,"tags":4,"mood":2}}';
const V1_KEY = 'v1:{"windows":8,"windowPatches":1,"maxFullS":0,"maxPatches":{"mtt":4,"happy":2,"sad":2,"relaxed":2,"aggressive":2,"danceable":2}}';
export const profileKey = (profileJson) => (profileJson === V1_PROFILE ? V1_KEY : `v2:${profileJson}`);
const PREVIEW_S = 30, PREVIEW_RATE = 48000, PREVIEW_LUFS = -16;
const AUDIO_KBPS = 96;
export const FULL_AUDIO_MODES = ['auto', 'all', 'none'];
/// --space → the core's space kind (cf_space_fit), or null for none.
export const SPACE_KINDS = { auto: 'wccn', learned: 'wccn', contrastive: 'contrastive', whiten: 'whiten', plain: null };
/// --space auto learns a space from this many analysed tracks on (the WCCN recipe keeps 50 directions).
export const SPACE_MIN_TRACKS = 100;

function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.some((f) => f.length)) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.length)) rows.push(row);
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h.trim(), r[i] ?? ''])));
}

function listFolder(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listFolder(p, out);
    else if (AUDIO.test(e.name)) out.push(p);
  }
  return out;
}

export function readSource(source) {
  if (!fs.existsSync(source)) throw new Error(`${source}: not found`);
  const st = fs.statSync(source);
  // Track paths are resolved against the folder (or the manifest's folder) once, and stored relative to
  // it: a published catalog names no private folder of the builder.
  const base = path.resolve(st.isDirectory() ? source : path.dirname(source));
  let tracks;
  if (st.isDirectory()) {
    tracks = listFolder(base).map((p) => ({ path: path.relative(base, p), id: portable(path.relative(base, p)).replace(AUDIO, '') }));
  } else if (/\.json$/i.test(source)) {
    const m = JSON.parse(fs.readFileSync(source, 'utf8'));
    if (!Array.isArray(m.tracks)) throw new Error(`${source}: expected {"tracks": [...]}`);
    tracks = m.tracks;
  } else if (/\.csv$/i.test(source)) {
    tracks = parseCsv(fs.readFileSync(source, 'utf8'));
  } else throw new Error(`${source}: not a folder, .json or .csv manifest`);
  const seen = new Set();
  return tracks.map((t, i) => {
    if (!t.path) throw new Error(`${source}: track ${i + 1} has no path`);
    const p = path.resolve(base, t.path);
    let id = t.id || path.basename(p).replace(AUDIO, '');
    while (seen.has(id)) id += '_';
    seen.add(id);
    return { ...t, path: p, rel: portable(path.relative(base, p)), id };
  });
}

/// A relative path with '/' separators on every platform (catalog.json is read by the page too).
const portable = (p) => p.split(path.sep).join('/');

// The tag sets stored per track in TAGP, in this order, each in its model manifest's label order.
export const TAG_SETS = ['msd', 'mtt'];
export function tagLabels() {
  return TAG_SETS.map((set) => {
    const file = path.join(root, 'models', `${set}-musicnn-1`, 'manifest.json');
    const labels = JSON.parse(fs.readFileSync(file, 'utf8')).labels;
    if (!Array.isArray(labels) || labels.length === 0) throw new Error(`${file}: no labels`);
    return { set, labels };
  });
}

/// Every label's probability of an analysis, in TAGP order, or null when one is missing.
function tagProbs(r, sets) {
  const out = [];
  for (const { set, labels } of sets) {
    const probs = r.tags && r.tags[set];
    if (!probs) return null;
    for (const l of labels) {
      const p = probs[l];
      if (typeof p !== 'number' || !Number.isFinite(p)) return null;
      out.push(p);
    }
  }
  return out;
}

const cacheKey = (t, profileKeyText) => {
  const st = fs.statSync(t.path);
  return crypto.createHash('sha1').update(`${t.path}\0${st.size}\0${st.mtimeMs}\0${profileKeyText}`).digest('hex');
};

// ---- files that survive a killed build ------------------------------------------------------------
// Cache entries, previews and catalog.json are written under a temporary name and renamed, so a build
// killed at any moment leaves either the old file, the new one or a *.tmp-<pid> leftover (removed by
// the next build), never half a file under the real name.
const tmpName = (file) => `${file}.tmp-${process.pid}`;
const TMP = /\.tmp-\d+(\.wav|\.opus)?$/;

function writeAtomic(file, data) {
  const tmp = tmpName(file);
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function removeLeftovers(dir) {
  for (const f of fs.readdirSync(dir)) if (TMP.test(f)) fs.rmSync(path.join(dir, f), { force: true });
}

/// A cached analysis as { r } or, when it cannot be used (a truncated or edited file), { problem }.
function cacheProblem(text) {
  let r;
  try {
    r = JSON.parse(text);
  } catch (e) {
    return { problem: `not valid JSON (${e.message})` };
  }
  if (!r || typeof r !== 'object' || Array.isArray(r)) return { problem: 'not an analysis object' };
  if (typeof r.error === 'string') return { r };
  const e = r.embedding;
  if (!e || !Array.isArray(e.values) || e.values.length === 0 || e.values.length !== e.dim || !e.values.every(Number.isFinite))
    return { problem: 'no usable embedding' };
  if (!Number.isFinite(r.duration_s) || !r.tags || !r.moods) return { problem: 'no duration, tags or moods' };
  return { r };
}

// ---- worker: one analyzer, one ORT thread -------------------------------------------------------
async function worker() {
  process.on('disconnect', () => process.exit(0));  // the build was killed: stop too (even while loading)
  const { createAnalyzer, parseArgs } = await import(path.join(root, 'src/cli/analyze.mjs'));
  const args = ['--profile', PROFILE, '--threads', '1', '--patch-embeddings', '--no-taggram', '--quiet'];
  const analyzer = await createAnalyzer(parseArgs(args));
  // Test hook: a track with this file name blocks the worker as a read that never returns would.
  const hangOn = process.env.CF_CATALOG_TEST_HANG_ON;
  process.on('message', async (msg) => {
    if (msg.quit) process.exit(0);
    if (hangOn && path.basename(msg.path) === hangOn) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    let r;
    try {
      r = await analyzer.analyze(msg.path);
    } catch (e) {
      r = { file: msg.path, error: String(e.message || e), code: 'internal' };
    }
    if (!r.error) {
      delete r.waveform;  // keep the cache small: the app draws its own waveform for dropped files
      // The preview is cut here, in parallel, right after the analysis that chose its segment.
      r.segment = segmentOf(analyzer.core, r);
      if (msg.previews) {
        const file = `${msg.key.slice(0, 16)}.opus`;
        try {
          const dest = path.join(msg.previews, file);
          if (!fs.existsSync(dest)) writePreview(analyzer.core, { ...msg.track, path: msg.path }, r, r.segment, dest);
          r.preview = file;
        } catch (e) {
          r.preview_error = String(e.message || e);
        }
      }
    }
    process.send({ key: msg.key, result: r });
  });
  process.send({ ready: true });
}

// ---- preview ------------------------------------------------------------------------------------
// The representative segment (the core's track summary, src/core/analysis/track_summary.h): the preview
// is cut from it and the catalog stores it.
function segmentOf(core, r) {
  const c = coreClient(core);
  const s = c.mustJson('cf_catalog_track_summary', JSON.stringify(r));
  return { start_s: s.segment_start_s, duration_s: s.segment_duration_s };
}

function writePreview(core, track, r, seg, file) {
  const c = coreClient(core);
  const n = c.must('cf_decode_window', track.path, seg.start_s, seg.duration_s, PREVIEW_RATE);
  const x = c.floats(core._cf_decoded_samples(), n);
  // Gain to the target loudness (measured on the source), then a peak ceiling, then fades.
  let gain = r.loudness_lufs == null ? 1 : Math.pow(10, (PREVIEW_LUFS - r.loudness_lufs) / 20);
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  const ceiling = Math.pow(10, -1 / 20);
  if (peak * gain > ceiling) gain = ceiling / peak;
  const fade = Math.min(Math.floor(0.5 * PREVIEW_RATE), Math.floor(n / 4));
  for (let i = 0; i < n; i++) {
    let g = gain;
    if (i < fade) g *= i / fade;
    if (n - 1 - i < fade) g *= (n - 1 - i) / fade;
    x[i] *= g;
  }
  const wav = Buffer.alloc(44 + n * 2);
  wav.write('RIFF', 0); wav.writeUInt32LE(36 + n * 2, 4); wav.write('WAVEfmt ', 8); wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); wav.writeUInt16LE(1, 22); wav.writeUInt32LE(PREVIEW_RATE, 24); wav.writeUInt32LE(PREVIEW_RATE * 2, 28);
  wav.writeUInt16LE(2, 32); wav.writeUInt16LE(16, 34); wav.write('data', 36); wav.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) wav.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x[i] * 32767))), 44 + i * 2);
  const wavTmp = tmpName(file) + '.wav', opusTmp = tmpName(file) + '.opus';
  fs.writeFileSync(wavTmp, wav);
  const enc = spawnSync('opusenc', ['--quiet', '--bitrate', '48', '--title', track.title || track.id, wavTmp, opusTmp]);
  fs.rmSync(wavTmp, { force: true });
  if (enc.status !== 0) {
    fs.rmSync(opusTmp, { force: true });
    throw new Error(`opusenc failed: ${enc.stderr}`);
  }
  fs.renameSync(opusTmp, file);
}

// ---- full-length audio ------------------------------------------------------------------------------
// The whole track, unmodified but for its encoding, for the site to serve where the license allows it
// (src/core/catalog/license_policy.h says why the policy is what it is).

/// The tracks whose full audio is published under `mode`, and for "auto" the others with the policy's
/// reason: { publish: [track], skipped: [{ id, license, verdict, why }] }.
function fullAudioPlan(c, tracks, mode) {
  if (mode === 'none') return { publish: [], skipped: [] };
  if (mode === 'all') return { publish: tracks.slice(), skipped: [] };
  const publish = [], skipped = [];
  for (const t of tracks) {
    const license = t.license == null ? '' : String(t.license);
    const d = c.mustJson('cf_license_audio_policy', license);
    if (d.verdict === 'allowed') publish.push(t);
    else skipped.push({ id: t.id, license, verdict: d.verdict, why: d.reason });
  }
  return { publish, skipped };
}

const audioTags = (t) => ({ title: String(t.title || t.id), artist: String(t.artist || ''), license: String(t.license || ''),
  attribution: String(t.attribution || '') });

/// The file name of a track's full audio: changes with the file and with the tags written into it.
function audioFileName(t) {
  const st = fs.statSync(t.path);
  const what = JSON.stringify([t.path, st.size, st.mtimeMs, AUDIO_KBPS, audioTags(t)]);
  return `${crypto.createHash('sha1').update(what).digest('hex').slice(0, 16)}.opus`;
}

const exitOf = (child) => new Promise((resolve) => {
  child.on('error', (e) => resolve(e.code === 'ENOENT' ? `${child.spawnfile} not found` : e.message));
  child.on('close', (code, signal) => resolve(code === 0 ? 0 : signal || `exit ${code}`));
});
const lastLine = (text) => text.trim().split('\n').pop() || '';

/// FFmpeg decodes the track (first audio stream, every channel) to WAV on a pipe, opusenc encodes it;
/// the result must be the track's whole length (`durationS`, from the analysis) before it is renamed
/// to `dest`. Throws a message saying which step failed.
async function encodeFullAudio(t, durationS, dest) {
  const tmp = tmpName(dest) + '.opus';
  const tags = audioTags(t);
  const args = ['--quiet', '--bitrate', String(AUDIO_KBPS), '--downmix-stereo', '--title', tags.title];
  if (tags.artist) args.push('--artist', tags.artist);
  if (tags.license) args.push('--comment', `LICENSE=${tags.license}`);
  if (tags.attribution) args.push('--comment', `COMMENT=${tags.attribution}`);
  const dec = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', t.path, '-map', '0:a:0', '-map_metadata', '-1', '-fflags', '+bitexact',
    '-f', 'wav', '-c:a', 'pcm_s24le', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const enc = spawn('opusenc', [...args, '-', tmp], { stdio: ['pipe', 'ignore', 'pipe'] });
  const err = { dec: '', enc: '' };
  dec.stderr.on('data', (d) => { err.dec += d; });
  enc.stderr.on('data', (d) => { err.enc += d; });
  enc.stdin.on('error', () => {});  // opusenc gave up: its own exit says why
  dec.stdout.pipe(enc.stdin);
  const [decoded, encoded] = await Promise.all([exitOf(dec), exitOf(enc)]);
  try {
    if (decoded !== 0) throw new Error(`ffmpeg could not decode it (${decoded}): ${lastLine(err.dec)}`);
    if (encoded !== 0) throw new Error(`opusenc failed (${encoded}): ${lastLine(err.enc)}`);
    const info = readOgg(tmp);
    if (!info.eos) throw new Error('the encoded Opus file has no end-of-stream page (truncated)');
    if (Number.isFinite(durationS) && Math.abs(info.duration_s - durationS) > 0.25 + 0.005 * durationS)
      throw new Error(`the encoded audio lasts ${info.duration_s.toFixed(2)} s, the track ${durationS.toFixed(2)} s`);
    fs.renameSync(tmp, dest);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/// Encodes the full audio of `tracks` into o.dir, o.jobs at a time; files already there are kept.
/// Returns { audio: Map(id → {file, bytes}), failed: [{id, error}] }.
async function encodeAll(tracks, results, o) {
  const audio = new Map(), failed = [], todo = [];
  for (const t of tracks) {
    let file;
    try { file = audioFileName(t); } catch (e) { failed.push({ id: t.id, error: e.message }); continue; }
    const dest = path.join(o.dir, file);
    if (fs.existsSync(dest)) audio.set(t.id, { file, bytes: fs.statSync(dest).size });
    else todo.push({ t, file, dest });
  }
  if (todo.length) o.say(`full audio: encoding ${todo.length} tracks (${tracks.length - todo.length} already encoded)\n`);
  let next = 0, done = 0;
  const t0 = Date.now();
  const one = async () => {
    while (next < todo.length) {
      const { t, file, dest } = todo[next++];
      try {
        await encodeFullAudio(t, results.get(t.id).duration_s, dest);
        audio.set(t.id, { file, bytes: fs.statSync(dest).size });
      } catch (e) {
        failed.push({ id: t.id, error: e.message });
        o.say(`  no full audio for ${t.id}: ${e.message}\n`);
      }
      if (++done % 10 === 0 || done === todo.length) o.say(`full audio: [${done}/${todo.length}] ${fmtTime((Date.now() - t0) / 1000)}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs, todo.length) }, one));
  return { audio, failed };
}

/// One line for the summary: how many tracks got full audio and why the others did not.
function audioSummary(mode, nTracks, audio, skipped, failed) {
  if (mode === 'none') return 'full audio: none (--full-audio none)';
  const mb = ([...audio.values()].reduce((s, a) => s + a.bytes, 0) / 1e6).toFixed(1);
  let line = `full audio (--full-audio ${mode}${mode === 'all' ? ': the builder asserts the rights to every track' : ': by license'}): ` +
    `${audio.size} of ${nTracks} tracks, ${mb} MB`;
  const why = new Map();
  for (const s of skipped) why.set(s.why, (why.get(s.why) || 0) + 1);
  const groups = [...why].sort((a, b) => b[1] - a[1]).map(([w, n]) => `${n}× ${w}`);
  if (groups.length) line += `; not published: ${groups.slice(0, 4).join('; ')}${groups.length > 4 ? `; and ${groups.length - 4} more reasons` : ''}`;
  if (failed.length) line += `; ${failed.length} could not be encoded`;
  return line + (groups.length || failed.length ? ' (build_report.json lists each track)' : '');
}

/// Fits the --space similarity space in the core on the analysed tracks' windows; its report (name,
/// dims, fit_s, …) or null for "plain". Exits on failure: a catalog without the space asked for would
/// search differently from what the builder chose.
function fitSpace(c, core, tracks, results, space, say) {
  const kind = SPACE_KINDS[space];
  if (!kind) { say('similarity space: plain (--space plain): the mean embedding, format v2\n'); return null; }
  if (space === 'auto' && tracks.length < SPACE_MIN_TRACKS) {
    say(`similarity space: plain, format v2 (--space auto learns one from ${SPACE_MIN_TRACKS} tracks on; this catalog has ${tracks.length}: --space learned forces it)\n`);
    return null;
  }
  if (typeof core._cf_space_fit !== 'function') {
    console.error('catalog build: the core module predates similarity spaces: rebuild it (./cuefinder build wasm-release cuefinder_node)');
    process.exit(1);
  }
  const t0 = Date.now();
  c.call('cf_space_reset');
  for (const t of tracks)
    if (c.call('cf_space_add_analysis', JSON.stringify(results.get(t.id)), JSON.stringify(trackFields(t, ''))) < 0)
      say(`  similarity space: ${t.id} left out: ${c.error().message}\n`);
  let info;
  try {
    info = c.mustJson('cf_space_fit', JSON.stringify({ kind, input: 'msd-musicnn-1/embedding' }));
  } catch (e) {
    console.error(`catalog build: similarity space (--space ${space}): ${e.message}`);
    process.exit(1);
  }
  info.total_s = (Date.now() - t0) / 1000;
  say(`similarity space (--space ${space}): ${info.name}, ${info.dim_in}-d → ${info.dim_out}-d, fitted on ${info.n_windows} windows of ` +
    `${info.n_tracks} tracks in ${info.fit_s.toFixed(2)} s (${info.total_s.toFixed(2)} s with reading the analyses)\n`);
  return info;
}

// The track's own fields for the core (src/core/analysis/catalog_entry.h says which wins over the file's
// tags); the core reads the rest from the analysis.
function trackFields(t, preview) {
  const f = { id: String(t.id), path: t.rel, file_name: path.basename(t.path), preview };
  for (const k of ['title', 'artist', 'composer', 'genre', 'source', 'license', 'attribution'])
    if (t[k] !== undefined && t[k] !== null && t[k] !== '') f[k] = String(t[k]);
  return f;
}

function fmtTime(s) {
  if (!Number.isFinite(s)) return '--:--';
  s = Math.round(s);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// ---- the worker pool ------------------------------------------------------------------------------
/// Analyses `todo` in up to o.jobs workers into o.results / o.failed, caching each result in o.work.
/// A worker that crashes, or gives no result for one track within o.trackTimeoutS (a read that never
/// returns, a decoder that loops), is killed: only this process can, since a call that never returns
/// blocks the worker's own event loop. The track is reported and skipped (not cached, so the next
/// build tries it again) and a fresh worker takes the rest.
async function analyseAll(todo, o) {
  const t0 = Date.now();
  let done = 0, next = 0;
  const tty = process.stderr.isTTY;
  const progress = (t) => {
    const el = (Date.now() - t0) / 1000, eta = done ? (el / done) * (todo.length - done) : NaN;
    const line = `[${String(done).padStart(String(todo.length).length)}/${todo.length}] ${((100 * done) / todo.length).toFixed(1)}% elapsed ${fmtTime(el)} ETA ${fmtTime(eta)}  ${t ? t.id : ''}`;
    if (tty) o.say(`\r\x1b[K${line.slice(0, process.stderr.columns - 1 || 120)}`);
    else if (done % 10 === 0 || done === todo.length) o.say(line + '\n');
  };
  const finish = (t, error) => {
    if (error) {
      o.failed.push({ id: t.id, path: t.path, error });
      if (tty) o.say('\r\x1b[K');
      o.say(`  cannot analyse ${t.path}: ${error}\n`);
    }
    done++;
    progress(t);
  };
  await new Promise((resolve) => {
    let alive = 0;
    const startWorker = () => {
      const w = fork(fileURLToPath(import.meta.url), ['--worker'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      alive++;
      let timer = null;
      const feed = () => {
        if (next >= todo.length) { w.send({ quit: true }); return; }
        const t = todo[next++];
        w.current = t;
        timer = setTimeout(() => { w.timedOut = true; w.kill('SIGKILL'); }, Math.min(o.trackTimeoutS * 1000, 2 ** 31 - 1));
        w.send({ path: t.path, key: t.key, previews: o.previewDir, track: { id: t.id, title: t.title } });
      };
      w.on('message', (m) => {
        if (m.ready) return feed();
        clearTimeout(timer);
        const t = w.current;
        w.current = null;
        writeAtomic(path.join(o.work, m.key + '.json'), JSON.stringify(m.result));
        if (!m.result.error) o.results.set(t.id, m.result);
        finish(t, m.result.error);
        feed();
      });
      w.on('exit', (code, signal) => {
        clearTimeout(timer);
        const t = w.current;
        if (t) {
          finish(t, w.timedOut ? `no result within ${o.trackTimeoutS} s (--track-timeout): skipped; the next build tries it again`
            : `worker crashed (${signal || `exit ${code}`})`);
          if (next < todo.length) startWorker();
        }
        if (--alive === 0) resolve();
      });
    };
    for (let i = 0; i < Math.min(o.jobs, todo.length); i++) startWorker();
  });
  // Workers that died before their first track (they said why on stderr) leave tracks unanalysed.
  for (const t of todo.slice(next)) finish(t, 'not analysed: no worker could start');
  if (tty) o.say('\n');
  o.say(`analysed ${todo.length} tracks in ${fmtTime((Date.now() - t0) / 1000)}\n`);
}

async function main() {
  const argv = process.argv.slice(2);
  let source = null, out = null, jobs = Math.max(1, Math.min(os.cpus().length, 4)), name = null, previews = true, quiet = false;
  let trackTimeoutS = 600, fullAudio = 'auto', space = 'auto';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o' || a === '--out') out = argv[++i];
    else if (a === '--jobs') jobs = Math.max(1, parseInt(argv[++i], 10) || 1);
    else if (a === '--name') name = argv[++i];
    else if (a === '--no-previews') previews = false;
    else if (a === '--track-timeout') {
      trackTimeoutS = Number(argv[++i]);
      if (!(trackTimeoutS > 0)) { console.error(`catalog build: --track-timeout: expected seconds > 0, got ${argv[i] ?? 'nothing'}`); process.exit(2); }
    }
    else if (a === '--quiet') quiet = true;
    else if (a === '--full-audio') {
      fullAudio = argv[++i];
      if (!FULL_AUDIO_MODES.includes(fullAudio)) { console.error(`catalog build: --full-audio: expected auto, all or none, got ${fullAudio ?? 'nothing'}`); process.exit(2); }
    }
    else if (a === '--space') {
      space = argv[++i];
      if (!(space in SPACE_KINDS)) { console.error(`catalog build: --space: expected auto, learned, contrastive, whiten or plain, got ${space ?? 'nothing'}`); process.exit(2); }
    }
    else if (a.startsWith('-')) { console.error(`catalog build: unknown option ${a}`); process.exit(2); } else source = a;
  }
  if (!source || !out) {
    console.error('usage: ./cuefinder catalog build SOURCE -o OUT [--jobs N] [--name NAME] [--no-previews] [--track-timeout S] [--full-audio auto|all|none] [--space auto|learned|contrastive|whiten|plain]');
    process.exit(2);
  }
  let tracks;
  try {
    tracks = readSource(source);
  } catch (e) {
    console.error(`catalog build: ${e.message}`);
    process.exit(1);
  }
  if (tracks.length === 0) { console.error(`catalog build: no audio files in ${source}`); process.exit(1); }
  let sets;
  try {
    sets = tagLabels();
  } catch (e) {
    console.error(`catalog build: ${e.message}`);
    process.exit(1);
  }
  const say = (s) => { if (!quiet) process.stderr.write(s); };
  const modulePath = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
  const c = await loadNodeCore(modulePath), core = c.Module;
  const profile = analysisProfile(core, PROFILE);
  const profileKeyText = profileKey(JSON.stringify(profile));
  const work = path.join(out, '.work', 'analysis');
  fs.mkdirSync(work, { recursive: true });
  removeLeftovers(work);
  const results = new Map(), failed = [];
  const todo = [];
  let nStale = 0;
  for (const t of tracks) {
    let key;
    try { key = cacheKey(t, profileKeyText); } catch (e) { failed.push({ id: t.id, path: t.path, error: `${t.path}: ${e.code === 'ENOENT' ? 'not found' : e.message}` }); continue; }
    t.key = key;
    const f = path.join(work, key + '.json');
    if (!fs.existsSync(f)) { todo.push(t); continue; }
    const { r, problem } = cacheProblem(fs.readFileSync(f, 'utf8'));
    if (problem) {
      // A cache entry from before writes were atomic, or damaged on disk: analyse the track again.
      say(`catalog build: discarding the cached analysis ${f} of ${t.rel}: ${problem}; analysing it again\n`);
      fs.rmSync(f, { force: true });
      todo.push(t);
    } else if (r.error) failed.push({ id: t.id, path: t.path, error: r.error });
    else if (!tagProbs(r, sets)) { todo.push(t); nStale++; }  // cached before full tags were kept
    else results.set(t.id, r);
  }
  if (previews && spawnSync('opusenc', ['--version']).status !== 0) {
    say('previews: opusenc not found (Debian opus-tools), skipping them\n');
    previews = false;
  }
  const previewDir = previews ? path.resolve(out, 'previews') : null;
  if (previewDir) {
    fs.mkdirSync(previewDir, { recursive: true });
    removeLeftovers(previewDir);
  }
  say(`catalog build: ${tracks.length} tracks, ${tracks.length - todo.length - failed.length} already analysed, ${todo.length} to analyse${nStale ? ` (${nStale} cached without all tag probabilities)` : ''} with ${Math.min(jobs, todo.length)} worker(s)\n`);

  // 1-3. analysis in workers
  if (todo.length) await analyseAll(todo, { jobs, work, previewDir, trackTimeoutS, results, failed, say });

  // 4-5. previews, map, catalog
  const ok = tracks.filter((t) => results.has(t.id));
  if (ok.length === 0) { console.error('catalog build: no track could be analysed'); process.exit(1); }
  // 4b. full-length audio
  const plan = fullAudioPlan(c, ok, fullAudio);
  let audio = new Map(), audioFailed = [];
  if (plan.publish.length) {
    const missing = ['ffmpeg', 'opusenc'].filter((tool) => spawnSync(tool, [tool === 'ffmpeg' ? '-version' : '--version']).status !== 0);
    if (missing.length) say(`full audio: ${missing.join(' and ')} not found (Debian ffmpeg, opus-tools): no full audio this time\n`);
    else {
      const dir = path.resolve(out, 'audio');
      fs.mkdirSync(dir, { recursive: true });
      removeLeftovers(dir);
      ({ audio, failed: audioFailed } = await encodeAll(plan.publish, results, { dir, jobs, say }));
    }
  }
  const dim = results.get(ok[0].id).embedding.dim;
  // 6. the similarity space, fitted on every track's windows (previews are not needed for it)
  const spaceInfo = fitSpace(c, core, ok, results, space, say);
  c.call('cf_catalog_builder_new', dim, `msd-musicnn-1 embedding (${dim}-d, mean over analysed patches)`);
  if (spaceInfo && c.call('cf_catalog_builder_use_space') !== 0) {
    console.error(`catalog build: similarity space: ${c.error().message}`);
    process.exit(1);
  }
  if (typeof core._cf_catalog_builder_set_tag_labels !== 'function') {
    console.error(`catalog build: ${modulePath} predates tag probabilities (TAGP): rebuild it (cmake --build build/wasm-release --target cuefinder_node)`);
    process.exit(1);
  }
  const rcLabels = c.call('cf_catalog_builder_set_tag_labels', sets.flatMap(({ set, labels }) => labels.map((l) => `${set}:${l}`)).join('\n'));
  if (rcLabels !== 0) {
    console.error(`catalog build: tag labels: ${c.error().message}`);
    process.exit(1);
  }
  let nPreviews = 0, n = 0;
  for (const t of ok) {
    const r = results.get(t.id);
    let preview = '';
    if (previews) {
      // Made by the worker; an analysis cached without one gets it here.
      const file = r.preview || `${t.key.slice(0, 16)}.opus`;
      const dest = path.join(previewDir, file);
      try {
        if (!fs.existsSync(dest)) writePreview(core, t, r, r.segment || segmentOf(core, r), dest);
        preview = file;
        nPreviews++;
      } catch (e) {
        say(`  no preview for ${t.id}: ${e.message}\n`);
      }
    }
    const rc = c.call('cf_catalog_builder_add_analysis', JSON.stringify(r), JSON.stringify(trackFields(t, preview)));
    if (rc !== 0) failed.push({ id: t.id, path: t.path, error: c.error().message });
    else n++;
  }
  // Map: t-SNE of the added tracks in the core (perplexity clamped for small catalogs); else PCA.
  if (n >= 4) {
    const t0 = Date.now();
    if (c.call('cf_catalog_builder_tsne_map', 30, 1000, 1) === 0) say(`map: t-SNE of ${n} tracks in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    else say(`map: t-SNE failed (${c.error().message}); PCA instead\n`);
  }
  if (c.call('cf_catalog_builder_write', path.resolve(out)) !== 0) {
    console.error(`catalog build: ${c.error().message}`);
    process.exit(1);
  }
  const report = { name: name || path.basename(path.resolve(out)), n_tracks: ok.length - failed.filter((f) => results.has(f.id)).length,
    n_failed: failed.length, failed, n_previews: nPreviews,
    full_audio: { mode: fullAudio, n_tracks: audio.size, bytes: [...audio.values()].reduce((sum, a) => sum + a.bytes, 0),
      not_published: plan.skipped, failed: audioFailed },
    space: spaceInfo ? { option: space, ...spaceInfo } : { option: space, name: 'plain' },
    profile, built: new Date().toISOString() };
  fs.writeFileSync(path.join(out, 'build_report.json'), JSON.stringify(report, null, 1));
  // The page shows the catalog's name: add it to catalog.json (the core writes the rest).
  const infoFile = path.join(out, 'catalog.json');
  // ... and each track's full audio (the file under audio/ and its size, for fetching it in ranges).
  const info = JSON.parse(fs.readFileSync(infoFile, 'utf8'));
  for (const tr of info.tracks || []) {
    const a = audio.get(tr.id);
    if (a) Object.assign(tr, { audio: a.file, audio_bytes: a.bytes });
  }
  writeAtomic(infoFile, JSON.stringify({ name: report.name, ...info }));
  say(`catalog: ${path.resolve(out)} (${report.n_tracks} tracks, ${nPreviews} previews${failed.length ? `, ${failed.length} could not be analysed: see build_report.json` : ''})\n`);
  say(audioSummary(fullAudio, ok.length, audio, plan.skipped, audioFailed) + '\n');
  process.exit(0);
}

if (process.argv[2] === '--worker') worker();
else main();
