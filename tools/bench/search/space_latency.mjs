#!/usr/bin/env node
// Search latency with and without the learned similarity space (issue 15: "within 10 % of today's"):
// a file query (a 200-d embedding, mapped into the catalog's space by the core) searched k = 10 on a
// plain catalog and on the same catalog given its space by `catalog upgrade` (a copy in a temp dir),
// through the binding the CLI and the page use (JSON included), in one run, alternating.
//
//   node tools/bench/search/space_latency.mjs [PLAIN_CATALOG_DIR] [MORE_CATALOG_DIR ...]
//     default: the demo catalog, if plain; MORE: other catalogs of the same tracks timed in the same
//     rounds (e.g. one built with the fused msd + mtt space, docs/benchmarks/matching.md)
//
// A v3 catalog given as PLAIN_CATALOG_DIR is refused (it has nothing plain to compare with).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { coreClient, loadNodeCore } from '../../../web/core_client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const plain = path.resolve(process.argv[2] || path.join(process.env.CF_CACHE_DIR || path.join(os.homedir(), '.cache/cuefinder'), 'demo/catalog'));
const version = fs.readFileSync(path.join(plain, 'catalog.cfc')).readUInt32LE(4);
const more = process.argv.slice(3).map((d) => path.resolve(d));
if (version >= 3 && !more.length) {
  console.error(`${plain} is format v${version} (it has a space already): give a plain (v2) catalog, or catalogs to compare it with`);
  process.exit(2);
}
// A v3 first catalog with MORE: timed against MORE as it is (the "learned" row is then the same catalog again).
const spaced = version >= 3 ? plain : fs.mkdtempSync(path.join(os.tmpdir(), 'cf-space-latency-'));
if (spaced !== plain) {
  for (const f of ['catalog.cfc', 'catalog.json']) fs.copyFileSync(path.join(plain, f), path.join(spaced, f));
  execFileSync('node', [path.join(root, 'src/cli/catalog/upgrade.mjs'), spaced, '--quiet'], { stdio: 'inherit' });
}

const c = coreClient((await loadNodeCore(process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js'))).Module);
const handles = [plain, spaced, ...more].map((dir) => c.call('cf_catalog_open', dir));
const dim = c.call('cf_catalog_input_dim', handles[0]);
const query = Float32Array.from({ length: dim }, (_, i) => Math.abs(Math.sin(i * 1.7)) + 0.1);
const opts = JSON.stringify({ k: 10 });
const once = (h) => c.mustJson('cf_catalog_search', h, query, dim, '', opts);
const times = handles.map(() => []);
for (const h of handles) for (let i = 0; i < 200; i++) once(h);  // warm-up
for (let round = 0; round < 9; round++) {
  handles.forEach((h, k) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 300; i++) once(h);
    times[k].push(Number(process.hrtime.bigint() - t0) / 1e3 / 300);
  });
}
const median = (v) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];
const [a, b, ...rest] = times.map(median);
const info = (h) => c.mustJson('cf_catalog_info', h);
console.log(`catalog: ${plain} (${c.call('cf_catalog_size', handles[0])} tracks); load average ${os.loadavg()[0].toFixed(1)}`);
console.log(`${version >= 3 ? `first (v${version}, ${info(handles[0]).space?.name}` : 'plain (v2'}, ${c.call('cf_catalog_dim', handles[0])}-d):            median ${a.toFixed(1)} µs per search (k = 10, JSON included)`);
console.log(`learned space (${info(handles[1]).space?.name || '?'}, ${c.call('cf_catalog_dim', handles[1])}-d): median ${b.toFixed(1)} µs per search  (${(100 * (b / a - 1)).toFixed(1)} %)`);
rest.forEach((t, i) => console.log(`${more[i]} (${info(handles[2 + i]).space?.name || 'plain'}, ${c.call('cf_catalog_dim', handles[2 + i])}-d): ` +
  `median ${t.toFixed(1)} µs per search  (${(100 * (t / a - 1)).toFixed(1)} %)`));
if (spaced !== plain) fs.rmSync(spaced, { recursive: true, force: true });
