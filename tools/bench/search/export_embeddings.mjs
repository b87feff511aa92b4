#!/usr/bin/env node
// Exports the per-track musicnn embeddings of a built catalog as raw float32 rows, the seed input of
// the search benchmark (tools/bench/search/run.sh --embeddings FILE.f32 --dim 200).
//
//   node tools/bench/search/export_embeddings.mjs [ANALYSIS_DIR] [-o OUT.f32] [--dim 200]
//
// ANALYSIS_DIR defaults to the demo catalog's analyses, ~/.cache/cuefinder/demo/catalog/.work/analysis
// (one JSON per track, as written by `./cuefinder catalog build`; the 200-d track embedding is
// `embedding.values`). OUT defaults to build/bench-search/demo_embeddings.f32: N × dim little-endian
// float32, rows in file-name order (the analysis file names are content hashes, so the order is
// stable across rebuilds), unnormalised as stored (the benchmark L2-normalises). A sidecar
// OUT.tsv lists row, analysis file and source path, so a row can be traced back to its track.
// Files without an embedding of the requested dimension or with non-finite values are skipped and
// named on stderr. Prints N on stdout.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const args = process.argv.slice(2);
let dir = path.join(os.homedir(), '.cache/cuefinder/demo/catalog/.work/analysis');
let out = path.join(root, 'build/bench-search/demo_embeddings.f32');
let dim = 200;
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '-o' || args[i] === '--out') out = args[++i];
  else if (args[i] === '--dim') dim = Number(args[++i]);
  else if (args[i] === '-h' || args[i] === '--help') {
    console.log('usage: export_embeddings.mjs [ANALYSIS_DIR] [-o OUT.f32] [--dim 200]');
    process.exit(0);
  } else if (args[i].startsWith('-')) { console.error(`unknown option ${args[i]}`); process.exit(2); }
  else dir = args[i];
}
if (!Number.isInteger(dim) || dim <= 0) { console.error(`--dim must be a positive integer, got ${dim}`); process.exit(2); }
if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
  console.error(`analysis folder ${dir} not found (build the demo catalog first: ./cuefinder catalog demo)`);
  process.exit(2);
}

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const rows = [];
const sidecar = ['row\tanalysis\tsource'];
let n_skipped = 0;
const skip = (msg) => { if (++n_skipped <= 5) console.error(`skipping ${msg}`); };
for (const f of files) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  } catch (e) {
    skip(`${f}: not valid JSON (${e.message})`);
    continue;
  }
  const v = doc?.embedding?.values;
  if (!Array.isArray(v) || v.length !== dim) {
    skip(`${f}: embedding.values has ${Array.isArray(v) ? v.length : 'no'} values, expected ${dim}`);
    continue;
  }
  if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    skip(`${f}: embedding.values has non-finite entries`);
    continue;
  }
  sidecar.push(`${rows.length}\t${f}\t${doc.file ?? ''}`);
  rows.push(v);
}
if (n_skipped > 5) console.error(`... ${n_skipped} files skipped in all`);
if (rows.length === 0) { console.error(`no ${dim}-d embeddings in ${dir}`); process.exit(2); }

const buf = Buffer.alloc(rows.length * dim * 4);
rows.forEach((v, r) => v.forEach((x, d) => buf.writeFloatLE(x, (r * dim + d) * 4)));
fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
fs.writeFileSync(out, buf);
fs.writeFileSync(`${out}.tsv`, sidecar.join('\n') + '\n');
console.error(`wrote ${rows.length} × ${dim} float32 to ${out} (${buf.length} bytes) and ${out}.tsv`);
console.log(rows.length);
