#!/usr/bin/env node
// What checking every model against its manifest's sha256 costs at load (web/
// ort_bridge.mjs checkModelBytes: the core's cf::Sha256 in WASM), side by side with node:crypto
// (OpenSSL, SHA-NI where the CPU has it) on the same bytes, in one run.
//
//   node tools/bench/model_check.mjs [--reps N] [--module build/wasm-release/src/cli/cuefinder_node.js]
//
// Per model file: the median over N reps (default 5) of each, after one warm-up pass (WASM tier-up).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { checkModelBytes, manifestSha256, modelFileName } from '../../web/ort_bridge.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback; };
const reps = Math.max(1, parseInt(opt('--reps', '5'), 10));
const moduleFile = path.resolve(opt('--module', process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js')));
if (!fs.existsSync(moduleFile)) throw new Error(`${moduleFile} not found (./cuefinder build wasm-release cuefinder_node)`);
const core = await createRequire(import.meta.url)(moduleFile)();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timeIt(fn) {
  fn();  // warm-up
  const ms = [];
  for (let i = 0; i < reps; i++) { const t = performance.now(); fn(); ms.push(performance.now() - t); }
  return median(ms);
}

const models = [];
for (const name of fs.readdirSync(path.join(root, 'models')).sort()) {
  const mf = path.join(root, 'models', name, 'manifest.json');
  if (!fs.existsSync(mf)) continue;
  const manifest = JSON.parse(fs.readFileSync(mf, 'utf8'));
  const file = modelFileName(manifest);
  const bytes = new Uint8Array(fs.readFileSync(path.join(root, 'models', name, file)));
  models.push({ name, file, bytes, loaded: { bytes, path: `models/${name}/${file}`, sha256: manifestSha256(manifest, file) } });
}
// What a CLI run pays: each model once, from a freshly instantiated module (V8 has not optimised it yet).
const cold0 = performance.now();
for (const m of models) checkModelBytes(core, m.name, m.loaded);
const cold_ms = performance.now() - cold0;
const rows = [];
for (const { name, file, bytes, loaded } of models) {
  const core_ms = timeIt(() => checkModelBytes(core, name, loaded));
  const openssl_ms = timeIt(() => crypto.createHash('sha256').update(bytes).digest('hex'));
  rows.push({ file: `${name}/${file}`, mb: bytes.length / 1e6, core_ms, openssl_ms });
}
const sum = (k) => rows.reduce((s, r) => s + r[k], 0);
console.log(`# model check: ${os.cpus()[0].model}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, node ${process.version}, ${reps} reps\n`);
console.log(`first pass over all ${models.length} files (a fresh module, as a CLI run): ${cold_ms.toFixed(0)} ms\n`);
console.log('| file | MB | core (WASM) ms | node:crypto ms | ratio |');
console.log('|---|---:|---:|---:|---:|');
for (const r of [...rows, { file: '**all**', mb: sum('mb'), core_ms: sum('core_ms'), openssl_ms: sum('openssl_ms') }]) {
  console.log(`| ${r.file} | ${r.mb.toFixed(1)} | ${r.core_ms.toFixed(0)} | ${r.openssl_ms.toFixed(1)} | ${(r.core_ms / r.openssl_ms).toFixed(1)} |`);
}
