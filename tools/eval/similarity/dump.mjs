#!/usr/bin/env node
// Per-window extra embeddings of a catalog's tracks for the similarity ablation (issue 15):
// the core's "catalog-extra" analysis profile (the catalog's 8 windows; msd and mtt on all of them;
// each one's "embedding" and "embedding_linear" per window), i.e. `./cuefinder analyze --extra-embeddings`.
//
//   node tools/eval/similarity/dump.mjs [CATALOG_DIR] [--out FILE.jsonl] [--shard I/N] [--threads 1]
//
// One JSON line per track: {id, file, windows, extra_outputs: {msd: {embedding, embedding_linear},
// mtt: {...}}, tags: {msd, mtt}}. Resumable: tracks already in --out are skipped. Default out:
// ~/.cache/cuefinder/eval/similarity/<catalog dir's parent name>.jsonl (+ .shardI when sharded).
// Run two shards side by side with `nice -n 10` on a 2-core machine (tools/eval/similarity/dump.sh).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAnalyzer } from '../../../src/cli/analyze.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
const catDir = positional[0] || path.join(os.homedir(), '.cache/cuefinder/demo/catalog');
const shard = opt('--shard', '0/1').split('/').map(Number);
const base = path.basename(path.dirname(path.resolve(catDir)));
const out = opt('--out', path.join(os.homedir(), '.cache/cuefinder/eval/similarity',
  `${base}${shard[1] > 1 ? `.shard${shard[0]}` : ''}.jsonl`));

const cat = JSON.parse(fs.readFileSync(path.join(catDir, 'catalog.json'), 'utf8'));
// The audio the catalog was built from: the analyses in .work/analysis name each track's file.
const files = new Map();
for (const f of fs.readdirSync(path.join(catDir, '.work/analysis'))) {
  const r = JSON.parse(fs.readFileSync(path.join(catDir, '.work/analysis', f), 'utf8'));
  if (!r.error) files.set(r.file, r);
}
const fileOf = (t) => [...files.keys()].find((f) => f === t.path || f.endsWith('/' + t.path));
const done = new Set();
// Done: what this output and its sibling shards already hold.
for (let i = 0; i < Math.max(shard[1], 1); i++) {
  const f = shard[1] > 1 ? out.replace(/\.shard\d+\.jsonl$/, `.shard${i}.jsonl`) : out;
  if (!fs.existsSync(f)) continue;
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) if (line.trim()) done.add(JSON.parse(line).id);
}
fs.mkdirSync(path.dirname(out), { recursive: true });
// In a fixed shuffled order, so a dump stopped early is a random subset of the catalog.
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const order = cat.tracks.map((t) => [rand(), t]).sort((a, b) => a[0] - b[0]).map(([, t]) => t);
const todo = order.filter((t, i) => i % shard[1] === shard[0] && !done.has(t.id) && fileOf(t));
console.error(`${catDir}: ${todo.length} tracks to analyse (${done.size} done) -> ${out}`);

const analyzer = await createAnalyzer({ profile: 'catalog-extra', only: ['msd', 'mtt'], threads: Number(opt('--threads', 1)),
  models: path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../models'),
  module: process.env.CF_NODE_MODULE || path.resolve(path.dirname(new URL(import.meta.url).pathname),
    '../../../build/wasm-release/src/cli/cuefinder_node.js'), taggram: false, curves: false });
const t0 = performance.now();
let n = 0;
for (const t of todo) {
  const file = fileOf(t);
  const r = await analyzer.analyze(file);
  if (r.error) {
    console.error(`${t.id}: ${r.error}`);
    continue;
  }
  // The catalog's own analysis must have the same windows (same profile), else the rows do not line up.
  const ref = files.get(file).windows;
  const same = ref.length === r.windows.length && ref.every((w, i) => Math.abs(w[0] - r.windows[i][0]) < 1e-3);
  fs.appendFileSync(out, JSON.stringify({ id: t.id, file, windows: r.windows, windows_match_catalog: same,
    extra_outputs: r.extra_outputs, tags: r.tags }) + '\n');
  n++;
  if (n % 10 === 0) console.error(`${n}/${todo.length} ${((performance.now() - t0) / 1000 / n).toFixed(2)} s/track`);
}
console.error(`done: ${n} tracks in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
process.exit(0);
