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
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnalyzer, parseArgs as parseAnalyzeArgs } from './analyze.mjs';
import { FIT_THRESHOLD, METHODS, defaultCatalog, openSemantic, unitEmbedding } from './semantic.mjs';

const USAGE = 'usage: ./cuefinder tag FILE... --labels "piano, waltz, rainy evening" [--catalog DIR] [--method bridge|projection|ensemble] [--threshold P] [--json]';

// "piano, waltz , rainy evening" → trimmed, non-empty labels (as cf::semantic::split_labels).
export function splitLabels(text, max = 32) {
  return String(text).split(',').map((s) => s.trim()).filter(Boolean).slice(0, max);
}

export function parseArgs(argv) {
  const o = { files: [], labels: null, catalog: null, method: 'ensemble', json: false, threshold: FIT_THRESHOLD, top: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (a === '--labels') o.labels = splitLabels(v());
    else if (a === '--catalog') o.catalog = v();
    else if (a === '--method') { o.method = v(); if (!METHODS.includes(o.method)) throw new Error(`--method: ${METHODS.join(', ')} (got ${o.method})`); }
    else if (a === '--threshold') { o.threshold = parseFloat(v()); if (!(o.threshold >= 0 && o.threshold <= 1)) throw new Error('--threshold needs a number in 0..1'); }
    else if (a === '--top') { o.top = parseInt(v(), 10); if (!(o.top >= 0)) throw new Error('--top needs a number >= 0'); }
    else if (a === '--json') o.json = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.labels === null) throw new Error('no --labels given');
  if (o.labels.length === 0) throw new Error('--labels is empty: give comma-separated words, e.g. --labels "piano, waltz"');
  if (o.files.length === 0) throw new Error('no audio FILE given');
  if (!o.catalog) {
    o.catalog = defaultCatalog();
    if (!o.catalog) throw new Error('no catalog to calibrate the scores: the demo catalog (~/.cache/cuefinder/demo/catalog) is not built; give --catalog DIR (or run ./cuefinder catalog demo)');
  }
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

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`cuefinder tag: ${e.message}\n${USAGE}`);
    process.exit(2);
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
