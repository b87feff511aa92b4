#!/usr/bin/env node
// The rankings a built catalog gives, through the binding the CLI and the page use: for every track,
// (1) search by the catalog track (its stored vector: `search --track`) and (2) search by its file's
// analysed embedding (mapped by the catalog's space: `search FILE`), itself left out, the whole catalog
// ranked. fusion.py --rankings scores them with the ablation's metrics (docs/benchmarks/matching.md).
//
//   node tools/eval/similarity/catalog_rankings.mjs CATALOG_DIR OUT.json
//   (CATALOG_DIR/.work/analysis/*.json: the build's cached analyses; CF_NODE_MODULE as for the CLI)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreClient, loadNodeCore } from '../../../web/core_client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: node tools/eval/similarity/catalog_rankings.mjs CATALOG_DIR OUT.json');
  process.exit(2);
}
const c = coreClient((await loadNodeCore(process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js'))).Module);
const h = c.call('cf_catalog_open', dir);
if (h < 0) { console.error(c.error().message); process.exit(1); }
const cat = JSON.parse(fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8'));
const byPath = new Map();
for (const f of fs.readdirSync(path.join(dir, '.work/analysis'))) {
  const a = JSON.parse(fs.readFileSync(path.join(dir, '.work/analysis', f), 'utf8'));
  if (!a.error) byPath.set(a.file, a);
}
const n = cat.tracks.length;
const opts = JSON.stringify({ k: n });
const ids = (res, self) => res.results.map((r) => r.id).filter((id) => id !== self).slice(0, n - 1);
const info = c.mustJson('cf_catalog_info', h);
const result = { catalog: dir, space: info.space?.name || null, ids: [], track: {}, file: {} };
const t0 = Date.now();
for (const t of cat.tracks) {
  result.ids.push(t.id);
  result.track[t.id] = ids(c.mustJson('cf_catalog_search', h, null, 0, t.id, opts), t.id);
  const a = [...byPath.values()].find((x) => x.file.endsWith('/' + t.path) || x.file === t.path);
  if (!a) continue;
  const q = Float32Array.from(a.embedding.values);
  result.file[t.id] = ids(c.mustJson('cf_catalog_search', h, q, q.length, '', opts), t.id);
}
fs.writeFileSync(out, JSON.stringify(result));
console.log(`${dir}: ${n} tracks, space ${result.space}; ${Object.keys(result.file).length} file queries; ${((Date.now() - t0) / 1000).toFixed(1)} s → ${out}`);
