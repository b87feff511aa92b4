#!/usr/bin/env node
// ./cuefinder search CATALOG FILE|--track ID [-k N] [filters] [--json]
// ./cuefinder search CATALOG --text "calm piano for a rainy evening" [--image PHOTO] [FILE|--track ID]
//                    [--method bridge|projection|ensemble] [--weights track=1,text=1,image=1] [-k N] [filters] [--json]
//
//   CATALOG            a catalog folder (catalog.cfc inside) or a .cfc file
//   FILE               an audio file: analysed on this machine (WASM core + ONNX Runtime Web), its
//                      embedding, tags and moods are the query
//   --track ID         a catalog track as the query (it is left out of the results)
//   -k N               results (default 10)
//   --bpm MIN:MAX      --duration MIN:MAX (seconds)      either side may be empty ("100:", ":90")
//   --mood NAME=MIN    e.g. --mood happy=0.5 (repeatable; happy, sad, relaxed, aggressive, danceable)
//   --license KIND,..  public-domain, cc-by, cc-by-sa, cc-by-nc, gpl, lgpl, artistic, mit-bsd, other
//   --exact            exhaustive scan (no index)
//   --text TEXT        words → music (semantic_api.cpp): the text bridge to the audio models' tags and
//                      moods and a learned projection of the audio embeddings (docs/benchmarks/zeroshot.md)
//   --image PHOTO      a picture → music: what it shows (MobileNet v2 classes as text) and how it feels
//                      (colour → moods). JPEG, PNG, GIF, BMP, WebP
//   --method M         bridge, projection or ensemble (default: ensemble, the best on the labelled set)
//   --weights W        how much each input counts when several are given, e.g. track=1,text=0.5,image=1:
//                      each input's catalog scores are z-normalised, then weighted and summed
//   --like ID,ID       an adaptive session (core/query/adaptive.h, src/cli/adaptive.mjs): tracks the user liked,
//   --skip ID,ID       skipped (repeatable), and --remark WORDS ("more upbeat"; needs the text model) added to the
//   --remark WORDS     query; a small model is refitted on them and the catalog re-ranked; judged tracks are
//                      left out. Stateless: the same flags give the same output. Adds "learned" (the weighted
//                      tags and moods that explain the ranking: "you like: piano, calm · you skip: vocals")
//   --json             {"query": ..., "results": [{"rank", "id", "path", "title", "score", "match_percent", ...}]}
//                      ("score": the raw cosine; "match_percent": 0..100, the percent of the catalog's
//                      tracks whose nearest neighbour is less similar to them — core/match/calibration.h)
//                      (with --text/--image: semantic_api.cpp's JSON: "inputs" with the concepts,
//                      "results" with "score" = percentile among the catalog (0..1), "raw", "why")
// Filters apply before the top-k: k results come back whenever k tracks pass.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import { createAnalyzer, parseArgs as parseAnalyzeArgs } from './analyze.mjs';
import { METHODS, openSemantic, unitEmbedding } from './semantic.mjs';
import { coreClient, loadNodeCore } from '../../web/core_client.mjs';
import { adaptiveSearch, printAdaptive } from './adaptive.mjs';

function range(s, what) {
  const m = /^\s*([0-9.]*)\s*:\s*([0-9.]*)\s*$/.exec(s || '');
  if (!m) throw new Error(`${what}: expected MIN:MAX, got ${s}`);
  return [m[1] === '' ? null : parseFloat(m[1]), m[2] === '' ? null : parseFloat(m[2])];
}

export function parseArgs(argv) {
  const o = { catalog: null, file: null, track: null, k: 10, json: false, options: {}, text: null, image: null, method: null, weights: {}, events: [] };
  const pos = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (a === '--json') o.json = true;
    else if (a === '-k' || a === '--k') { o.k = parseInt(v(), 10); if (!(o.k >= 1)) throw new Error('-k needs a number >= 1'); }
    else if (a === '--track') o.track = v();
    else if (a === '--bpm') { const [lo, hi] = range(v(), '--bpm'); if (lo != null) o.options.bpm_min = lo; if (hi != null) o.options.bpm_max = hi; }
    else if (a === '--duration') { const [lo, hi] = range(v(), '--duration'); if (lo != null) o.options.duration_min_s = lo; if (hi != null) o.options.duration_max_s = hi; }
    else if (a === '--mood') { const [k, val] = v().split('='); if (!k || !(parseFloat(val) >= 0)) throw new Error('--mood: expected NAME=MIN'); (o.options.mood_min ||= {})[k] = parseFloat(val); }
    else if (a === '--license') for (const k of v().split(',')) (o.options.license ||= []).push(k.trim());
    else if (a === '--exact') o.options.exact = true;
    else if (a === '--text') { o.text = v(); if (!o.text.trim()) throw new Error('--text is empty: type some words'); }
    else if (a === '--image') o.image = v();
    else if (a === '--like' || a === '--skip') {
      const ids = v().split(',').map((x) => x.trim()).filter(Boolean);
      if (!ids.length) throw new Error(`${a} needs track ids (ID,ID)`);
      for (const id of ids) o.events.push({ kind: a.slice(2), id });
    }
    else if (a === '--remark') { const t = v(); if (!t.trim()) throw new Error('--remark is empty: type some words'); o.events.push({ kind: 'remark', text: t }); }
    else if (a === '--method') { o.method = v(); if (!METHODS.includes(o.method)) throw new Error(`--method: ${METHODS.join(', ')} (got ${o.method})`); }
    else if (a === '--weights') {
      for (const kv of v().split(',')) {
        const [k, w] = kv.split('=').map((x) => (x || '').trim());
        if (!['track', 'text', 'image'].includes(k) || !(parseFloat(w) >= 0)) throw new Error(`--weights: expected track=W,text=W,image=W (W >= 0), got ${kv}`);
        o.weights[k] = parseFloat(w);
      }
    }
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else pos.push(a);
  }
  [o.catalog, o.file] = pos;
  if (!o.catalog) throw new Error('no catalog given');
  if (!o.file && !o.track && !o.text && !o.image) throw new Error('give an audio FILE, --track ID, --text TEXT or --image PHOTO');
  if (o.file && o.track) throw new Error('give either FILE or --track, not both');
  if (pos.length > 2) throw new Error(`unexpected argument ${pos[2]}`);
  return o;
}

const pct = (p) => `${(100 * p).toFixed(1).padStart(5)}%`;
// Floored, like the app: "match 80 %" is never more than the calibration says.
const matchText = (p) => (p == null ? 'match   - ' : `match ${String(Math.floor(p)).padStart(3)} %`);

// --text / --image (with or without FILE / --track): the semantic search of the core.
export async function semanticSearch(o) {
  if (o.image && !fs.existsSync(o.image)) throw new Error(`${o.image}: no such file`);
  const an = await createAnalyzer({ ...parseAnalyzeArgs(['--no-taggram', '--no-curves']), only: o.file ? null : [] });
  let analysis = null;
  if (o.file) {
    analysis = await an.analyze(o.file);
    if (analysis.error) throw new Error(analysis.error);
  }
  const sem = await openSemantic(an.core);
  const info = await sem.attachCatalog(o.catalog);
  if (info.space_note) console.error(`cuefinder search: note: ${info.space_note}`);  // once: searched as before
  const opts = { ...o.options };
  if (o.track) opts.track_id = o.track;
  const res = await sem.search({ texts: o.text ? [o.text] : [], image: o.image, track: analysis ? unitEmbedding(analysis.embedding.values) : null,
    method: o.method || 'ensemble', k: o.k, weights: o.weights, options: opts });
  res.query = { text: o.text, image: o.image, file: o.file, track: o.track };
  return res;
}

// Concept weights summed by words ("classical" is both mtt:classical and mtt:classic), largest first.
// A file's every tag and mood as the core's concept keys ("msd:rock", "mood:happy"): the "why" of each
// result (core/query/match_why.h) compares them with the catalog's.
function queryConcepts(analysis) {
  const c = {};
  for (const [set, tags] of Object.entries(analysis.tags || {})) for (const [l, p] of Object.entries(tags)) c[`${set}:${l}`] = p;
  for (const [m, p] of Object.entries(analysis.moods || {})) c[`mood:${m}`] = p;
  return c;
}

function byWords(concepts) {
  const m = new Map();
  for (const c of concepts) m.set(c.words, (m.get(c.words) || 0) + c.weight);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}

// "  120 BPM", "  ~107–135 BPM", "  free tempo" (the core's tempo reading), or "" without a tempo.
function tempoText(r) {
  if (r.tempo_label) return `  ${r.tempo_label}`;
  return r.bpm ? `  ${Math.round(r.bpm)} BPM` : '';
}

export function printSemantic(res) {
  for (const inp of res.inputs) {
    if (inp.kind === 'text') console.log(`text "${inp.text}" (${res.method}) → ${byWords(inp.concepts).slice(0, 4).map(([w, x]) => `${w} ${x.toFixed(2)}`).join(', ')}`);
    else if (inp.kind === 'image') console.log(`picture ${inp.path}: ${inp.why || '(nothing recognised)'}  [${inp.classes.map((c) => `${c.words} ${(c.prob * 100).toFixed(0)}%`).join(', ')}]`);
    else console.log(`track ${res.query.file || res.query.track}`);
  }
  if (res.inputs.length > 1) console.log(`weights: ${res.inputs.map((i) => `${i.kind}=${i.weight}`).join(', ')}`);
  for (const r of res.results)
    console.log(`${String(r.rank).padStart(3)}. ${pct(r.score)}  raw ${r.raw.toFixed(3).padStart(6)}  ${r.title || r.id}${r.artist ? ' — ' + r.artist : ''}  [${r.source}, ${r.license_kind}]` +
      `${tempoText(r)}${r.why ? `  (${r.why})` : ''}`);
  if (res.results.length === 0) console.log('  (no track passes the filters)');
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`cuefinder search: ${e.message}\nusage: ./cuefinder search CATALOG FILE|--track ID|--text TEXT|--image PHOTO [--method bridge|projection|ensemble] [--weights track=1,text=1,image=1] [-k N] [--bpm MIN:MAX] [--duration MIN:MAX] [--mood NAME=MIN] [--license KIND,...] [--like ID,ID] [--skip ID,ID] [--remark WORDS] [--json]`);
    process.exit(2);
  }
  // An adaptive session, or words / a picture: run, print (JSON or text), exit.
  const runAndPrint = async (run, print) => {
    let res;
    try {
      res = await run(o);
    } catch (e) {
      console.error(`cuefinder search: ${e.message}`);
      process.exit(1);
    }
    if (o.json) process.stdout.write(JSON.stringify(res) + '\n');
    else print(res);
    process.exit(0);
  };
  if (o.events.length) await runAndPrint(adaptiveSearch, printAdaptive);
  if (o.text || o.image) await runAndPrint(semanticSearch, printSemantic);
  let core, analysis = null;
  if (o.file) {
    const an = await createAnalyzer(parseAnalyzeArgs(['--no-taggram', '--no-curves']));
    analysis = await an.analyze(o.file);
    if (analysis.error) { console.error(`cuefinder search: ${analysis.error}`); process.exit(1); }
    core = an.core;
  } else {
    core = (await loadNodeCore()).Module;
  }
  const c = coreClient(core);
  const h = c.call('cf_catalog_open', o.catalog);
  if (h < 0) { console.error(`cuefinder search: ${c.error().message}`); process.exit(1); }
  // A catalog from before the learned similarity space is searched as before: say so once.
  const note = c.mustJson('cf_catalog_info', h).space_note;
  if (note) console.error(`cuefinder search: note: ${note}`);
  const opts = { k: o.k, ...o.options };
  let query = null, dim = 0;
  if (analysis) {
    dim = analysis.embedding.dim;
    const inputDim = typeof core._cf_catalog_input_dim === 'function' ? core._cf_catalog_input_dim(h) : core._cf_catalog_dim(h);
    if (dim !== inputDim) { console.error(`cuefinder search: the catalog's embeddings are ${inputDim}-d, the query's ${dim}-d`); process.exit(1); }
    query = Float32Array.from(analysis.embedding.values);
    opts.query_tags = Object.fromEntries(Object.entries(analysis.tags.msd).sort((a, b) => b[1] - a[1]).slice(0, 10));
    opts.query_moods = analysis.moods;
    opts.query_concepts = queryConcepts(analysis);
  }
  let res;
  try {
    res = c.mustJson('cf_catalog_search', h, query, dim, o.track || '', JSON.stringify(opts));
  } catch (e) {
    console.error(`cuefinder search: ${e.message}`);
    process.exit(1);
  }
  res.query = o.track ? { track: o.track } : { file: o.file, bpm: analysis.bpm, moods: analysis.moods,
    top_tags: Object.entries(analysis.tags.msd).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([l]) => l) };
  if (o.json) {
    process.stdout.write(JSON.stringify(res) + '\n');
  } else {
    console.log(o.track ? `tracks like ${o.track}:` : `tracks like ${o.file} (${res.query.top_tags.join(', ')}):`);
    for (const r of res.results) {
      const shared = [...r.shared_tags, ...r.shared_moods].slice(0, 5).join(', ');
      const why = r.why || (shared && `shares: ${shared}`);
      console.log(`${String(r.rank).padStart(3)}. ${matchText(r.match_percent)}  cos ${r.score.toFixed(3)}  ${r.title || r.id}${r.artist ? ' — ' + r.artist : ''}  [${r.source}, ${r.license_kind}]` +
        `${tempoText(r)}${why ? `  (${why})` : ''}`);
    }
    if (res.results.length === 0) console.log('  (no track passes the filters)');
  }
  process.exit(0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
