#!/usr/bin/env node
// ./cuefinder suggest VIDEO... [--catalog DIR] [--music DIR] [-k N] [--text WORDS] [--render OUT.wav [--duck]]
//                   [--cues OUT.json|OUT.csv] [--json]
//
// Soundtrack suggestions for video clips, on this machine: the native core reads each clip
// (`cuefinder-core video FILE --keyframes DIR`: cuts, fades, shots with motion, pace, one keyframe
// per shot, FFmpeg's decoders) and the WASM core ranks the catalog's tracks for it
// (src/bindings/web/suggest_api.cpp → core/query/soundtrack.h: what each shot shows and how it feels,
// weighted by shot length; the pace → a BPM range and energy; the words). Each suggestion is then
// fitted to the clip (cf_suggest_fit → core/fit: the best segment and an edit of exactly the clip's
// length) from the track's beats and energy curve: the catalog's per-track timeline (format v2), or
// for an older catalog the track's tempo and loudness measured here by the core, no model run
// (cf_suggest_track_timeline; trackSource() decides). The exports of the top suggestion are the
// core's too: the WAV (cf_suggest_render), the cue sheet (cf_suggest_cue_sheet) and the FFmpeg
// command that muxes the WAV with the clip (cf_suggest_mux_command). This script only runs these and
// prints or writes what the core made.
//
//   VIDEO          MP4, MOV, WebM, MKV (H.264, HEVC, VP8, VP9, AV1: what this FFmpeg decodes)
//   --catalog DIR  a catalog folder or .cfc (default: the demo catalog in ~/.cache/cuefinder)
//   --music DIR    where the catalog's relative track paths are (default: the catalog folder, its
//                  parent, then a folder beside it named music)
//   -k N           suggestions per clip (default 5)
//   --text WORDS   words that refine the suggestions ("but more epic")
//   --render OUT   (one VIDEO) the top suggestion fitted to the clip as a WAV of exactly its length
//                  (cf_suggest_render: the core renders and encodes; 44.1 kHz 16-bit, stereo when the
//                  track is), then prints the FFmpeg command that puts it under the clip (to stdout
//                  without --json; with --json it is the top suggestion's "mux_command"), writing
//                  CLIP-OUT.mp4 beside OUT (.mkv for a clip that is not MP4/MOV: WebM cannot hold AAC)
//   --duck         (with --render) the music lowered where the clip's own sound is worth keeping, and
//                  the mux command mixes the clip's sound with it (a clip without sound: music only)
//   --cues OUT     (one VIDEO) the top suggestion's cue sheet: OUT.json or OUT.csv (the format from the
//                  extension): track, credit line, license, source offsets, splices, fades, beats, cuts
//   --json         one JSON object per clip: file, duration_s, width, height, rotation, fps, has_audio,
//                  video_codec, cuts_s, shots [{start_s, end_s, motion, sees, moods, why}], pace
//                  {cuts_per_min, motion, bpm_min, bpm_max, energy}, sound (the clip's own: loudness
//                  curve, noise floor, keep [{start_s, end_s}] — core/video/clip_sound.h, as
//                  cuefinder-core video reads it), suggestions [{rank, id, title,
//                  path, score, content, tempo_fit, energy_fit, why, bpm, license, credit,
//                  segment_start_s, segment_end_s, edit, fit_kind, cut_alignment, length_s}] (a track
//                  whose audio is missing or cannot be fitted: fit_error instead of the fit's fields;
//                  with --render the top one also has mux_command, with --cues cue_sheet: the file)
// A clip that cannot be read prints {"file", "error"} (text: "FILE: error") and makes the exit status
// 1; the other clips are still done. So does a --render or --cues whose top suggestion could not be
// fitted (nothing is written). Usage errors: exit status 2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createAnalyzer, parseArgs as parseAnalyzeArgs } from './analyze.mjs';
import { defaultCatalog, openSemantic } from './semantic.mjs';
import { coreClient } from '../../web/core_client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const USAGE = 'usage: ./cuefinder suggest VIDEO... [--catalog DIR] [--music DIR] [-k N] [--text WORDS] ' +
  '[--render OUT.wav [--duck]] [--cues OUT.json|OUT.csv] [--json]';

export function parseArgs(argv) {
  const o = { files: [], catalog: null, music: null, k: 5, text: null, render: null, duck: false, cues: null, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (a === '--json') o.json = true;
    else if (a === '--catalog') o.catalog = v();
    else if (a === '--music') o.music = v();
    else if (a === '--render') o.render = v();
    else if (a === '--duck') o.duck = true;
    else if (a === '--cues') o.cues = v();
    else if (a === '-k' || a === '--k') { const s = v(); o.k = Number(s); if (!/^[0-9]+$/.test(s) || o.k < 1) throw new Error(`-k needs a whole number >= 1, got '${s}'`); }
    else if (a === '--text') { o.text = v(); if (!o.text.trim()) throw new Error('--text is empty: type some words'); }
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.files.length === 0) throw new Error('no video given');
  if (o.render && o.files.length > 1) throw new Error('--render takes one VIDEO');
  if (o.duck && !o.render) throw new Error('--duck needs --render OUT.wav');
  if (o.cues && o.files.length > 1) throw new Error('--cues takes one VIDEO');
  if (o.cues) {
    const ext = path.extname(o.cues).toLowerCase();
    if (ext !== '.json' && ext !== '.csv') throw new Error(`--cues: OUT.json or OUT.csv, got '${o.cues}'`);
    o.cuesFormat = ext.slice(1);
  }
  o.catalog ||= defaultCatalog();
  if (!o.catalog) throw new Error('no catalog: give --catalog DIR (or build the demo catalog)');
  return o;
}

// The native clip reader (CF_CORE_BIN, else the native-release build).
function coreBin() {
  const bin = process.env.CF_CORE_BIN || path.join(root, 'build/native-release/src/cli/cuefinder-core');
  if (!fs.existsSync(bin)) throw new Error(`${bin} not found (./cuefinder build native-release cuefinder-core)`);
  return bin;
}

// One clip's reading with its keyframes in `dir`: the JSON object of cuefinder-core video.
function readClip(bin, file, dir) {
  const r = spawnSync(bin, ['video', file, '--keyframes', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = (r.stdout || '').trim().split('\n').filter(Boolean).pop();
  if (!line) return { file, error: (r.stderr || '').trim() || `cuefinder-core exited with status ${r.status}` };
  return JSON.parse(line);
}

// A catalog track's audio file: its path as stored, absolute or relative to --music or the catalog.
function trackFile(o, p) {
  const dir = fs.existsSync(o.catalog) && fs.statSync(o.catalog).isDirectory() ? o.catalog : path.dirname(o.catalog);
  // Paths are relative to the folder (or manifest) the catalog was built from: --music, else the catalog
  // folder, its parent (the demo catalog: manifest.json beside catalog/) or a music/ folder beside it.
  const tries = path.isAbsolute(p) ? [p]
    : [o.music, dir, path.dirname(dir), path.join(path.dirname(dir), 'music')].filter(Boolean).map((d) => path.join(d, p));
  const f = tries.find((t) => fs.existsSync(t));
  if (!f) throw new Error(`${p}: audio not found (give --music DIR)`);
  return f;
}

// The core's WAV of the fitted track, written to `out` (the bytes are the core's), and the FFmpeg
// command that muxes it with the clip. `from`: where the track's beats and energy come from (trackSource).
function render(core, o, clip, from, audio) {
  const c = coreClient(core);
  const n = c.must('cf_suggest_render', from.handle, from.id, JSON.stringify(clip), from.analysis, audio, o.duck ? 1 : 0);
  const p = c.call('cf_suggest_render_bytes');
  if (!p) throw c.error();
  fs.writeFileSync(o.render, Buffer.from(core.HEAPU8.subarray(p, p + n)));
  // The muxed file beside the WAV: MP4 for an MP4/MOV clip, else Matroska (WebM cannot hold AAC).
  const ext = /^\.(mp4|m4v|mov)$/i.test(path.extname(clip.file)) ? '.mp4' : '.mkv';
  const out = path.join(path.dirname(o.render), `${path.parse(clip.file).name}-${path.parse(o.render).name}${ext}`);
  return c.mustText('cf_suggest_mux_command', clip.file, o.render, out, o.duck && clip.has_audio ? 1 : 0);
}

// The core's cue sheet of the fitted track, written to o.cues.
function writeCues(core, o, clip, from) {
  const text = coreClient(core).mustText('cf_suggest_cue_sheet', from.handle, from.id, JSON.stringify(clip), from.analysis, o.cuesFormat);
  fs.writeFileSync(o.cues, text);
}

// Where a suggestion's beats and energy come from: the catalog's timeline (format v2), else the
// track's tempo and energy curve measured from its audio by the core (a catalog built before
// timelines; no model runs). The one place that decides. The handle also gives the cue sheet the
// catalog's metadata.
function trackSource(sem, o, s) {
  if (sem.hasTimelines) return { handle: sem.handle, id: s.id, analysis: '' };
  const analysis = coreClient(sem.core).mustText('cf_suggest_track_timeline', trackFile(o, s.path));
  return { handle: sem.handle, id: s.id, analysis };
}

// The top suggestion's exports (--render, --cues) into `s`.
function exportTop(sem, o, clip, from, s) {
  if (o.render) s.mux_command = render(sem.core, o, clip, from, trackFile(o, s.path));
  if (o.cues) {
    writeCues(sem.core, o, clip, from);
    s.cue_sheet = o.cues;
  }
}

async function suggestOne(sem, o, clip, spec) {
  const c = coreClient(sem.core);
  c.must('cf_sem_suggest', sem.handle, JSON.stringify(clip), JSON.stringify(spec));
  while (c.must('cf_sem_status', sem.handle) === 1) await new Promise((r) => setImmediate(r));
  const r = c.mustJson('cf_sem_result', sem.handle);
  if (clip.sound) r.sound = clip.sound;  // the clip's own sound, as the core read it
  for (const s of r.suggestions) {
    try {
      const from = trackSource(sem, o, s);
      const fit = c.mustJson('cf_suggest_fit', from.handle, from.id, JSON.stringify(clip), from.analysis);
      if (s.rank === 1) exportTop(sem, o, clip, from, s);
      Object.assign(s, { segment_start_s: fit.segment_start_s, segment_end_s: fit.segment_end_s, edit: fit.edit, fit_kind: fit.kind,
        cut_alignment: fit.cut_alignment, length_s: fit.length_s });
    } catch (e) {
      s.fit_error = e.message;
    }
  }
  return r;
}

// A failure's message with its file named once.
const named = (r) => (r.error.includes(r.file) ? r.error : `${r.file}: ${r.error}`);

function printText(r, o) {
  if (r.error) { console.log(named(r)); return; }
  const p = r.pace;
  console.log(`${r.file}: ${r.duration_s.toFixed(1)} s, ${r.width}×${r.height}, ${r.shots.length} shots, ` +
    `${p.cuts_per_min.toFixed(1)} cuts/min → ${Math.round(p.bpm_min)}–${Math.round(p.bpm_max)} BPM${r.has_audio ? '' : ', no sound'}` +
    (r.sound?.keep?.length ? `, sound worth keeping in ${r.sound.keep.length} stretch${r.sound.keep.length > 1 ? 'es' : ''}` : ''));
  for (const s of r.suggestions)
    console.log(`${String(s.rank).padStart(3)}. ${(100 * s.score).toFixed(1).padStart(5)}%  ${s.title || s.id}` +
      `${s.tempo_label ? `  ${s.tempo_label}` : s.bpm ? `  ${Math.round(s.bpm)} BPM` : ''}  [${s.license || 'license unknown'}]  (${s.why})` +
      `\n       ${s.fit_error ? `not fitted: ${s.fit_error}` : `${s.edit}; cuts on beats ${Math.round(100 * s.cut_alignment)} %`}`);
  if (r.suggestions.length === 0) console.log('  (no track)');
  const top = r.suggestions[0];
  if (top?.cue_sheet) console.log(`cue sheet: ${top.cue_sheet}`);
  if (top?.mux_command) console.log(`music: ${o.render}; under the clip with:\n${top.mux_command}`);
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`cuefinder suggest: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  let sem, bin;
  try {
    bin = coreBin();
    // The analyzer only for its core with ONNX Runtime installed (the text and image models): no audio
    // model slot, none is run (a track's beats and energy come from cf_suggest_track_timeline).
    const an = await createAnalyzer({ ...parseAnalyzeArgs([]), only: [] });
    sem = await openSemantic(an.core);
    await sem.attachCatalog(o.catalog);
    sem.hasTimelines = coreClient(sem.core).mustJson('cf_sem_info', sem.handle).timelines;
  } catch (e) {
    console.error(`cuefinder suggest: ${e.message}`);
    process.exit(1);
  }
  const spec = { k: o.k, ...(o.text ? { texts: [o.text] } : {}) };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuefinder-suggest-'));
  let status = 0;
  try {
    for (const file of o.files) {
      let r = readClip(bin, file, dir);
      if (!r.error) {
        try { r = await suggestOne(sem, o, r, spec); } catch (e) { r = { file, error: e.message }; }
      }
      if (r.error) { status = 1; console.error(`cuefinder suggest: ${named(r)}`); }
      const top = r.suggestions?.[0];
      if (!r.error && (o.render || o.cues) && !(top && !top.fit_error)) {
        status = 1;
        console.error(`cuefinder suggest: ${file}: nothing exported: ${top ? `the top suggestion was not fitted: ${top.fit_error}` : 'no suggestion'}`);
      }
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
      else printText(r, o);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(status);
}

main();
