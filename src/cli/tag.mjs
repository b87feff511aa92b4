#!/usr/bin/env node
// ./cuefinder tag FILE... --labels "piano, waltz, rainy evening" [--catalog DIR] [--method M] [--json]
//
// Zero-shot tagging: any words as labels. Each audio file is analysed (the code of `./cuefinder
// analyze`), then scored for each label through the core's text → music search (semantic_api.cpp):
//   raw          the method's score (bridge: Σ weight · z over the label's nearest tags/moods;
//                projection: cosine in the text space; ensemble: the mean of both percentiles)
//   calibrated   the file's percentile among the catalog's tracks for that label (0..1)
//   fits         calibrated >= the threshold (default FIT_THRESHOLD in semantic.mjs, chosen on the
//                labelled set: docs/benchmarks/zeroshot.md)
//   why          the tags/moods that carried the score
//
//   --labels L        comma-separated labels (at most 32)
//   --catalog DIR     the catalog that calibrates the scores (default: the demo catalog,
//                     ~/.cache/cuefinder/demo/catalog, when it exists)
//   --method M        bridge, projection or ensemble (default ensemble)
//   --threshold P     the calibrated threshold of "fits" (0..1)
//   --top N           with --json: also each label's N best-fitting catalog tracks
//   --json            one JSON object per file and line: {"file", "labels": [{"label", "raw",
//                     "calibrated", "fits", "why"}]}; a file that cannot be analysed: {"file", "error"}
// Files that cannot be analysed print an error naming the file and make the exit status 1; the
// other files are still tagged.
//
// ./cuefinder tag [FILE...] --examples-pos a.mp3,b.mp3,c.mp3 [--examples-neg d.mp3] [--name NAME] [--save TAG.json]
// ./cuefinder tag FILE... --model TAG.json
//
// Few-shot custom tags (core/query/few_shot.h through src/bindings/web/few_shot_api.cpp): a tag learned
// from example files (or track ids of --catalog DIR) against the catalog's tracks as the background,
// then applied to each FILE. Calibrated 0..1 (Platt on the examples' leave-one-out scores: the chance
// a file is like the examples rather than like the catalog at even odds; fits at >= the tag's
// threshold, 0.5). The tag says when its examples are too few (< 3) or too mixed to trust.
//   --examples-pos L  comma-separated example files or catalog track ids (at least 3 to trust it)
//   --examples-neg L  optional counter-examples, the same way
//   --name NAME       the tag's name (default: "custom tag")
//   --save FILE       writes the tag's JSON (FILE... may then be left out)
//   --model FILE      a saved tag instead of examples
//   --top N           also the catalog's N best-fitting tracks
//   --json            one JSON object per file and line: {"file", "tag", "score", "raw", "fits", "trust"}
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnalyzer, parseArgs as parseAnalyzeArgs } from './analyze.mjs';
import { FIT_THRESHOLD, METHODS, defaultCatalog, openSemantic, unitEmbedding } from './semantic.mjs';
import { coreClient } from '../../web/core_client.mjs';

const USAGE = 'usage: ./cuefinder tag FILE... --labels "piano, waltz, rainy evening" [--catalog DIR] [--method bridge|projection|ensemble] [--threshold P] [--json]\n' +
  '       ./cuefinder tag [FILE...] --examples-pos a.mp3,b.mp3,c.mp3 [--examples-neg d.mp3] [--name NAME] [--save TAG.json] [--catalog DIR] [--top N] [--json]\n' +
  '       ./cuefinder tag FILE... --model TAG.json [--catalog DIR] [--top N] [--json]';

// "piano, waltz , rainy evening" → trimmed, non-empty labels (as cf::semantic::split_labels).
export function splitLabels(text, max = 32) {
  return String(text).split(',').map((s) => s.trim()).filter(Boolean).slice(0, max);
}

export function parseArgs(argv) {
  const o = { files: [], labels: null, catalog: null, method: 'ensemble', json: false, threshold: FIT_THRESHOLD, top: 0,
    pos: null, neg: [], name: 'custom tag', save: null, model: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (a === '--labels') o.labels = splitLabels(v());
    else if (a === '--catalog') o.catalog = v();
    else if (a === '--method') { o.method = v(); if (!METHODS.includes(o.method)) throw new Error(`--method: ${METHODS.join(', ')} (got ${o.method})`); }
    else if (a === '--threshold') { o.threshold = parseFloat(v()); if (!(o.threshold >= 0 && o.threshold <= 1)) throw new Error('--threshold needs a number in 0..1'); }
    else if (a === '--top') { o.top = parseInt(v(), 10); if (!(o.top >= 0)) throw new Error('--top needs a number >= 0'); }
    else if (a === '--json') o.json = true;
    else if (a === '--examples-pos') o.pos = splitLabels(v(), 10000);
    else if (a === '--examples-neg') o.neg = splitLabels(v(), 10000);
    else if (a === '--name') o.name = v().trim();
    else if (a === '--save') o.save = v();
    else if (a === '--model') o.model = v();
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.pos !== null || o.model !== null) return checkFewShotArgs(o);
  if (o.labels === null) throw new Error('no --labels given (or --examples-pos / --model for a custom tag)');
  if (o.labels.length === 0) throw new Error('--labels is empty: give comma-separated words, e.g. --labels "piano, waltz"');
  if (o.files.length === 0) throw new Error('no audio FILE given');
  if (!o.catalog) {
    o.catalog = defaultCatalog();
    if (!o.catalog) throw new Error('no catalog to calibrate the scores: the demo catalog (~/.cache/cuefinder/demo/catalog) is not built; give --catalog DIR (or run ./cuefinder catalog demo)');
  }
  return o;
}

function checkFewShotArgs(o) {
  if (o.labels !== null) throw new Error('give --labels (zero-shot words) or --examples-pos/--model (a custom tag), not both');
  if (o.pos !== null && o.model !== null) throw new Error('give --examples-pos (train a tag) or --model (a saved tag), not both');
  if (o.pos !== null && o.pos.length === 0) throw new Error('--examples-pos is empty: give comma-separated files or track ids');
  if (!o.name) throw new Error('--name is empty');
  if (o.model !== null && o.save) throw new Error('--save needs --examples-pos (a tag to train)');
  if (o.model !== null && o.neg.length) throw new Error('--examples-neg needs --examples-pos (a tag to train)');
  if (o.files.length === 0 && !o.save) throw new Error('no audio FILE given (with --examples-pos and --save, FILE... may be left out)');
  if (!o.catalog) o.catalog = defaultCatalog();
  return o;
}

// Tags `o.files`; returns one result per file ({file, labels} or {file, error}).
export async function tagFiles(o, { onFile } = {}) {
  const an = await createAnalyzer(parseAnalyzeArgs(['--no-taggram', '--no-curves']));
  const sem = await openSemantic(an.core);
  await sem.attachCatalog(o.catalog);
  const out = [];
  const good = [];
  for (const file of o.files) {
    const r = await an.analyze(file);
    if (r.error) out.push({ file, error: r.error.startsWith(file) ? r.error : `${file}: ${r.error}` });
    else {
      out.push({ file });
      good.push({ index: out.length - 1, analysis: r });
    }
    if (onFile) onFile(file);
  }
  if (good.length > 0) {
    const res = await sem.search({
      texts: o.labels, method: o.method, k: 1, top: o.top,
      items: good.map((g) => ({ values: sem.itemValues(g.analysis), embedding: unitEmbedding(g.analysis.embedding.values) })),
    });
    good.forEach((g, i) => {
      out[g.index].labels = res.inputs.map((inp) => ({
        label: inp.text, raw: inp.items[i].raw, calibrated: inp.items[i].percentile, fits: inp.items[i].percentile >= o.threshold,
        why: inp.items[i].why,
      }));
      out[g.index].method = res.method;
      out[g.index].threshold = o.threshold;
    });
    if (o.top > 0) out.best_tracks = res.inputs.map((inp) => ({ label: inp.text, concepts: inp.concepts, top: inp.top }));
  }
  return out;
}

// ---- few-shot custom tags -------------------------------------------------------------------------

const isFile = (x) => fs.existsSync(x) && fs.statSync(x).isFile();

// Analyses each file once: Map file → {embedding (unit), model} or {error}.
async function analyseAll(an, files, onFile) {
  const out = new Map();
  for (const file of files) {
    const r = await an.analyze(file);
    if (r.error) out.set(file, { error: r.error.startsWith(file) ? r.error : `${file}: ${r.error}` });
    else if (!r.embedding) out.set(file, { error: `${file}: the analysis has no embedding` });
    else out.set(file, { embedding: unitEmbedding(r.embedding.values), model: r.embedding.model });
    if (onFile) onFile(file);
  }
  return out;
}

// Examples → files (their embeddings) and catalog track ids; an example that is neither is an error.
function splitExamples(list, o, analysed, what) {
  const files = [], ids = [];
  for (const x of list) {
    if (isFile(x)) {
      const a = analysed.get(x);
      if (a.error) throw new Error(`${what} example ${a.error}`);
      files.push(a);
    } else if (o.catalog) ids.push(x);
    else throw new Error(`${what} example '${x}': no such file (and no --catalog to look it up as a track id)`);
  }
  return { files, ids };
}

function train(c, o, analysed) {
  const pos = splitExamples(o.pos, o, analysed, 'positive'), neg = splitExamples(o.neg, o, analysed, 'negative');
  const files = [...pos.files, ...neg.files];
  const dim = files.length ? files[0].embedding.length : 1;
  const rows = new Float32Array(files.length * dim);
  files.forEach((f, i) => rows.set(f.embedding, i * dim));
  const spec = { name: o.name, positive_tracks: pos.ids, negative_tracks: neg.ids };
  if (o.catalog) spec.catalog = o.catalog;
  else spec.embedding = files[0].model;
  return c.mustText('cf_few_shot_train', JSON.stringify(spec), rows, pos.files.length, neg.files.length, 0, dim);
}

function readTag(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`--model ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

// Trains (or reads) the tag and scores `o.files`: {tag (parsed JSON), results: [{file, score...} | {file, error}], best_tracks}.
export async function fewShotFiles(o, { onFile } = {}) {
  const an = await createAnalyzer(parseAnalyzeArgs(['--no-taggram', '--no-curves']));
  const c = coreClient(an.core);
  const examples = o.pos ? [...o.pos, ...o.neg].filter(isFile) : [];
  const analysed = await analyseAll(an, [...new Set([...examples, ...o.files])], onFile);
  const tagJson = o.model ? readTag(o.model) : train(c, o, analysed);
  const good = o.files.filter((f) => !analysed.get(f).error);
  const dim = good.length ? analysed.get(good[0]).embedding.length : 0;
  const rows = new Float32Array(good.length * dim);
  good.forEach((f, i) => rows.set(analysed.get(f).embedding, i * dim));
  const spec = { catalog: o.top > 0 ? o.catalog || '' : '', top: o.top };
  if (good.length) spec.embedding = analysed.get(good[0]).model;
  let r;
  try {
    r = c.mustJson('cf_few_shot_score', tagJson, rows, good.length, dim, JSON.stringify(spec));
  } catch (e) {
    throw new Error(o.model ? `--model ${o.model}: ${e.message}` : e.message);
  }
  const tag = JSON.parse(tagJson);
  const results = o.files.map((file) => {
    const a = analysed.get(file);
    if (a.error) return { file, error: a.error };
    const s = r.scores[good.indexOf(file)];
    return { file, tag: tag.name, score: s.score, raw: s.raw, fits: s.fits, trust: tag.trust };
  });
  return { tag, tagJson, results, best_tracks: r.catalog ? r.catalog.top : null };
}

function printFewShot(o, out) {
  const { tag, results } = out;
  if (o.save) {
    fs.writeFileSync(o.save, out.tagJson + '\n');
    if (!o.json) console.log(`saved tag "${tag.name}" to ${o.save}`);
  }
  if (tag.trust !== 'ok') console.error(`cuefinder tag: "${tag.name}": ${tag.trust_message}`);
  if (!o.json && results.length)
    console.log(`tag "${tag.name}" (${tag.n_positives} positive, ${tag.n_negatives} negative examples; fits at >= ${(tag.threshold * 100).toFixed(0)}%)`);
  for (const r of results) {
    if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
    else if (r.error) console.error(`cuefinder tag: ${r.error}`);
    else console.log(`  ${r.file}  ${(r.score * 100).toFixed(1).padStart(5)}%  ${r.fits ? 'fits' : '    '}  (raw ${r.raw.toFixed(2)})`);
  }
  if (out.best_tracks) {
    if (o.json) process.stdout.write(JSON.stringify({ best_tracks: out.best_tracks }) + '\n');
    else for (const t of out.best_tracks) console.log(`  best in catalog: ${t.id}  ${(t.score * 100).toFixed(1)}%`);
  }
  return results.some((r) => r.error) ? 1 : 0;
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`cuefinder tag: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (o.pos !== null || o.model !== null) {
    try {
      process.exit(printFewShot(o, await fewShotFiles(o)));
    } catch (e) {
      console.error(`cuefinder tag: ${e.message}`);
      process.exit(1);
    }
  }
  let results;
  try {
    results = await tagFiles(o);
  } catch (e) {
    console.error(`cuefinder tag: ${e.message}`);
    process.exit(1);
  }
  let failed = 0;
  for (const r of results) {
    if (r.error) failed++;
    if (o.json) {
      process.stdout.write(JSON.stringify(r) + '\n');
      continue;
    }
    if (r.error) { console.error(`cuefinder tag: ${r.error}`); continue; }
    console.log(`${r.file}  (calibrated against ${o.catalog}; fits at >= ${(o.threshold * 100).toFixed(1)}%)`);
    const w = Math.max(...r.labels.map((l) => l.label.length), 5);
    for (const l of r.labels)
      console.log(`  ${l.label.padEnd(w)}  raw ${l.raw.toFixed(3).padStart(7)}  calibrated ${(l.calibrated * 100).toFixed(1).padStart(5)}%  ${l.fits ? 'fits' : '    '}${l.why ? `  (${l.why})` : ''}`);
  }
  if (o.json && results.best_tracks) process.stdout.write(JSON.stringify({ best_tracks: results.best_tracks }) + '\n');
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
