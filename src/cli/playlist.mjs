#!/usr/bin/env node
// ./cuefinder playlist CATALOG [--seed ID,ID|FILE] [FILE...] [--text WORDS] [--image PHOTO] -n N [--bpm-arc 90:140:100]
//                      [--json|--m3u|--xspf|--csv] [-o OUT]
//
// A playlist from the catalog that matches the seed set as a whole (core/query/playlist.h through
// src/bindings/web/playlist_api.cpp), in a smooth order: adjacent tracks close in sound, tempo (half
// and double time count as close) and loudness; with --bpm-arc along a tempo arc (warm-up → peak →
// cool-down).
//
//   CATALOG           a catalog folder (catalog.cfc inside) or a .cfc file
//   --seed ID,ID      catalog tracks (repeatable); a value that is an existing file is analysed as a seed
//   FILE              an audio file as a seed (analysed on this machine, as `search FILE` does)
//   --text WORDS      words as a seed (the text model: semantic_api.cpp, as `search --text` does)
//   --image PHOTO     a picture as a seed (what it shows and how it feels, as `search --image` does);
//                     with --text too, the two score lists are z-combined 1:1, as search mixes inputs
//   -n N              tracks (default 20)
//   --bpm-arc S:P:E   target tempo rising from S to P at the middle and falling to E (or one BPM)
//   --bpm MIN:MAX     --license KIND,..   filters, as in search
//   --weights W       transition weights, e.g. embedding=1,tempo=0.5,loudness=0.25
//   --exclude-seeds   leave the seed tracks out (default: they are in the playlist)
//   --union           the baseline: each seed's nearest neighbours in turn, not the set as a whole
//   --json | --m3u | --xspf | --csv   the output (default: a table); M3U8/XSPF/CSV carry the credits
//   -o OUT            write to OUT (locations relative to OUT's folder) instead of stdout
// Locations: the track's full audio when the catalog has it (catalog.json "audio"), else its preview.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnalyzer, parseArgs as parseAnalyzeArgs } from './analyze.mjs';
import { openSemantic } from './semantic.mjs';
import { coreClient, loadNodeCore } from '../../web/core_client.mjs';

const USAGE = 'usage: ./cuefinder playlist CATALOG [--seed ID,ID|FILE] [FILE...] [--text WORDS] [--image PHOTO] [-n N] [--bpm-arc 90:140:100] ' +
  '[--bpm MIN:MAX] [--license KIND,...] [--weights embedding=1,tempo=0.5,loudness=0.25] [--exclude-seeds] [--union] ' +
  '[--json|--m3u|--xspf|--csv] [-o OUT]';

function range(s, what) {
  const m = /^\s*([0-9.]*)\s*:\s*([0-9.]*)\s*$/.exec(s || '');
  if (!m) throw new Error(`${what}: expected MIN:MAX, got ${s}`);
  return [m[1] === '' ? null : parseFloat(m[1]), m[2] === '' ? null : parseFloat(m[2])];
}

const FORMATS = { '--json': 'json', '--m3u': 'm3u8', '--m3u8': 'm3u8', '--xspf': 'xspf', '--csv': 'csv' };

export function parseArgs(argv) {
  const o = { catalog: null, ids: [], files: [], text: null, image: null, spec: { n: 20 }, format: 'table', out: null };
  const pos = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (FORMATS[a]) {
      if (o.format !== 'table') throw new Error('give one of --json, --m3u, --xspf, --csv');
      o.format = FORMATS[a];
    } else if (a === '--seed') {
      const parts = v().split(',').map((x) => x.trim()).filter(Boolean);
      if (!parts.length) throw new Error('--seed needs track ids (ID,ID) or a file');
      for (const p of parts) (fs.existsSync(p) && fs.statSync(p).isFile() ? o.files : o.ids).push(p);
    } else if (a === '-n' || a === '--n') {
      o.spec.n = Number(v());
      if (!Number.isInteger(o.spec.n) || o.spec.n < 1) throw new Error('-n needs a whole number >= 1');
    } else if (a === '--text') { o.text = v(); if (!o.text.trim()) throw new Error('--text is empty: type some words'); }
    else if (a === '--image') o.image = v();
    else if (a === '--bpm-arc') o.spec.bpm_arc = v();
    else if (a === '--bpm') { const [lo, hi] = range(v(), '--bpm'); if (lo != null) o.spec.bpm_min = lo; if (hi != null) o.spec.bpm_max = hi; }
    else if (a === '--license') o.spec.license = v().split(',').map((k) => k.trim());
    else if (a === '--weights') {
      o.spec.weights = {};
      for (const kv of v().split(',')) {
        const [k, w] = kv.split('=').map((x) => (x || '').trim());
        if (!['embedding', 'tempo', 'loudness'].includes(k) || !(parseFloat(w) >= 0)) throw new Error(`--weights: expected embedding=W,tempo=W,loudness=W (W >= 0), got ${kv}`);
        o.spec.weights[k] = parseFloat(w);
      }
    }
    else if (a === '--exclude-seeds') o.spec.include_seeds = false;
    else if (a === '--union') o.spec.selection = 'union';
    else if (a === '-o') o.out = v();
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else pos.push(a);
  }
  [o.catalog] = pos;
  o.files.push(...pos.slice(1));
  if (!o.catalog) throw new Error('no catalog given');
  if (!o.ids.length && !o.files.length && !o.text && !o.image) throw new Error('give a seed: --seed ID,ID, an audio FILE, --text WORDS or --image PHOTO');
  for (const f of [...o.files, ...(o.image ? [o.image] : [])]) if (!fs.existsSync(f)) throw new Error(`${f}: no such file`);
  return o;
}

// Each track's full audio (catalog.json "audio") as a location relative to the catalog folder.
function audioLocations(catalog) {
  const json = path.join(catalog, 'catalog.json');
  if (!fs.existsSync(json)) return {};
  const out = {};
  for (const t of JSON.parse(fs.readFileSync(json, 'utf8')).tracks || []) if (t.audio) out[t.id] = `audio/${t.audio}`;
  return out;
}

// z-scores of a list (population sd; 1 for a constant list), as the core combines inputs.
function zScores(xs) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / xs.length) || 1;
  return xs.map((x) => (x - mean) / sd);
}

// One score per catalog track from the words and the picture: one input's raw scores, two z-combined 1:1.
function mixScores(inputs) {
  if (inputs.length === 1) return Float32Array.from(inputs[0].scores);
  const out = new Float32Array(inputs[0].scores.length);
  for (const inp of inputs) zScores(inp.scores).forEach((z, t) => { out[t] += z; });
  return out;
}

// The WASM core, the files' embeddings and the words' and picture's scores.
async function seedInputs(o) {
  if (!o.files.length && !o.text && !o.image) return { core: (await loadNodeCore()).Module, embeddings: [], scores: null };
  const an = await createAnalyzer({ ...parseAnalyzeArgs(['--no-taggram', '--no-curves']), only: o.files.length ? null : [] });
  const embeddings = [];
  for (const f of o.files) {
    const analysis = await an.analyze(f);
    if (analysis.error) throw new Error(analysis.error);
    embeddings.push(analysis.embedding.values);
  }
  let scores = null;
  if (o.text || o.image) {
    const sem = await openSemantic(an.core);
    await sem.attachCatalog(o.catalog);
    const res = await sem.search({ texts: o.text ? [o.text] : [], image: o.image, method: 'ensemble', k: 1, scores: true });
    scores = mixScores(res.inputs);
    sem.close();
  }
  return { core: an.core, embeddings, scores };
}

export async function makePlaylist(o) {
  const { core, embeddings, scores } = await seedInputs(o);
  const c = coreClient(core);
  if (typeof core._cf_playlist_open !== 'function') throw new Error('this cuefinder_node build has no playlists (cf_playlist_open): rebuild it');
  const h = c.must('cf_playlist_open', o.catalog);
  try {
    const dim = embeddings.length ? embeddings[0].length : 0;
    const files = embeddings.length ? Float32Array.from(embeddings.flat()) : null;
    const res = c.mustJson('cf_playlist_make', h, JSON.stringify({ ...o.spec, seed: o.ids }), files, embeddings.length, dim,
      scores, scores ? scores.length : 0);
    res.seed = { ids: o.ids, files: o.files, text: o.text, image: o.image };
    if (o.format === 'json' || o.format === 'table') return { res };
    const catDir = fs.statSync(o.catalog).isDirectory() ? o.catalog : path.dirname(o.catalog);
    let base = o.out ? path.relative(path.dirname(path.resolve(o.out)), path.resolve(catDir)) : '';
    if (base) base = base.split(path.sep).join('/') + '/';
    const title = `cuefinder playlist: ${[...o.ids, ...o.files.map((f) => path.basename(f)), o.text, o.image && path.basename(o.image)].filter(Boolean).join(', ')}`;
    const text = c.text('cf_playlist_export', h, o.format, JSON.stringify({ title, base, locations: audioLocations(catDir) }));
    if (text == null) throw new Error(c.error().message);
    return { res, text };
  } finally {
    c.call('cf_playlist_free', h);
  }
}

export function printTable(res) {
  const credit = (e) => { const c = [e.source, e.license].filter(Boolean).join(', '); return c ? `[${c}]  ` : ''; };
  const bpm = (e) => (e.tempo_label || (e.bpm ? `${Math.round(e.bpm)} BPM` : '–'));
  for (const e of res.entries) {
    // The arc is met at half or double time when that is nearer (the core counts it so).
    const fold = e.bpm > 0 && e.target_bpm != null
      ? [[1, ''], [0.5, ' ×½'], [2, ' ×2']].reduce((a, b) => (Math.abs(e.bpm * b[0] - e.target_bpm) < Math.abs(e.bpm * a[0] - e.target_bpm) ? b : a))[1] : '';
    const arc = e.target_bpm != null ? `  → ${Math.round(e.target_bpm)}${fold}` : '';
    console.log(`${String(e.position).padStart(3)}. ${e.is_seed ? '*' : ' '} fit ${(100 * e.fit).toFixed(0).padStart(3)}%  ` +
      `cost ${e.position === 1 ? '  –  ' : e.transition_cost.toFixed(3)}  ${e.title || e.id}${e.artist ? ' — ' + e.artist : ''}  ` +
      `${credit(e)}${bpm(e)}${arc}`);
  }
  const err = res.mean_abs_bpm_error != null ? `, off the arc by ${res.mean_abs_bpm_error.toFixed(1)} BPM on average` : '';
  const seeds = res.entries.some((e) => e.is_seed) ? ' (* seed)' : '';
  console.log(`${res.n_tracks} tracks${seeds}, mean transition cost ${res.mean_transition_cost.toFixed(3)}${err}`);
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`cuefinder playlist: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  let out;
  try {
    out = await makePlaylist(o);
  } catch (e) {
    console.error(`cuefinder playlist: ${e.message}`);
    process.exit(1);
  }
  const text = out.text ?? (o.format === 'json' ? JSON.stringify(out.res) + '\n' : null);
  if (text == null) printTable(out.res);
  else if (o.out) fs.writeFileSync(o.out, text);
  else process.stdout.write(text);
  if (o.out && text != null) console.error(`cuefinder playlist: wrote ${o.out} (${out.res.n_tracks} tracks)`);
  process.exit(0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
