#!/usr/bin/env node
// ./cuefinder analyze FILE... [--json] — the WASM core in Node, models in ONNX Runtime Web.
//
//   --json              one JSON object per file, one per line (analysis_json.h documents the keys)
//   --profile NAME      the core's analysis profile (src/core/analysis/profiles.h: the values of each):
//                       detailed (default), catalog, query or quick; the options below change single values
//   --full              analyse every track completely (no windows for long tracks)
//   --windows N         long tracks: N windows (docs/benchmarks/windows.md)
//   --window-patches W  patches (of ~3 s) per window
//   --max-full-s S      tracks up to S seconds are analysed completely
//   --resample Q        resampler quality: fast, medium (Essentia's MonoLoader), best
//   --threads N         ONNX Runtime threads (default: 2 when threads are available, else 1)
//   --runtime R         where the models run: native (onnxruntime-node), wasm (onnxruntime-web, as in
//                       the page) or auto (default; CF_ORT_RUNTIME too): native when installed, else wasm
//   --no-taggram --no-curves --patch-embeddings --precise   trim or extend the JSON (--precise: the
//                       taggram with float precision, for parity tests)
//   --max-patches KEY=N,...  a model sees at most N patches, spread over the track (0 = all; default:
//                       the profile's cap for its kind of model)
//   --mood-patches N    the same for the five mood/danceability models
//   --extra-embeddings  the "catalog-extra" profile: the catalog's 8 windows, msd and mtt on all of them, and
//                       each tag model's embedding and embedding_linear per window in "extra_outputs"
//                       (for tools/eval/similarity/; implies --profile catalog-extra)
//   --only KEY,...      run only these model slots (msd, mtt, happy, sad, relaxed, aggressive, danceable)
//   --models DIR        model folder (default: models/ of this checkout)
//   --module FILE       the cuefinder_node.js build to use
// Files that cannot be analysed print an error (JSON: {"file", "error", "code"}) and make the exit
// status 1; the other files are still analysed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNodeCore } from '../../web/core_client.mjs';
import { loadOrtRuntime } from './ort_runtime.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

export function parseArgs(argv) {
  const o = { files: [], json: false, full: false, windows: -1, maxFullS: -1, threads: 0, runtime: undefined, taggram: true, curves: true,
    patchEmbeddings: false, profile: 'detailed', models: path.join(root, 'models'), module: process.env.CF_NODE_MODULE ||
      path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js'), quiet: false, batch: -1, precise: false, only: null, windowPatches: -1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--json') o.json = true;
    else if (a === '--full') o.full = true;
    else if (a === '--windows') o.windows = parseInt(value(), 10);
    else if (a === '--window-patches') o.windowPatches = parseInt(value(), 10);
    else if (a === '--max-full-s') o.maxFullS = parseFloat(value());
    else if (a === '--threads') o.threads = parseInt(value(), 10);
    else if (a === '--runtime') o.runtime = value();
    else if (a === '--batch') o.batch = parseInt(value(), 10);
    else if (a === '--no-taggram') o.taggram = false;
    else if (a === '--no-curves') o.curves = false;
    else if (a === '--patch-embeddings') o.patchEmbeddings = true;
    else if (a === '--models') o.models = value();
    else if (a === '--module') o.module = value();
    else if (a === '--quiet') o.quiet = true;
    else if (a === '--precise') o.precise = true;
    else if (a === '--resample') o.resample = value();
    else if (a === '--profile') o.profile = value();
    else if (a === '--extra-embeddings') o.extraEmbeddings = true;
    else if (a === '--max-patches') {
      o.maxPatches = o.maxPatches || {};
      for (const kv of value().split(',')) {
        const [k, v] = kv.split('=');
        const n = parseInt(v, 10);
        if (!k || !(n >= 0)) throw new Error(`--max-patches: expected KEY=N[,KEY=N...], got ${kv}`);
        o.maxPatches[k.trim()] = n;
      }
    } else if (a === '--mood-patches') {
      const n = parseInt(value(), 10);
      if (!(n >= 0)) throw new Error('--mood-patches needs a number >= 0');
      o.maxPatches = { ...(o.maxPatches || {}), happy: n, sad: n, relaxed: n, aggressive: n, danceable: n };
    }
    else if (a === '--only') o.only = value().split(',').map((k) => k.trim()).filter(Boolean);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.extraEmbeddings) {
    if (o.profile !== 'detailed' && o.profile !== 'catalog-extra') throw new Error(`--extra-embeddings uses the catalog-extra profile, not --profile ${o.profile}`);
    o.profile = 'catalog-extra';
  }
  return o;
}

export function readManifests(dir, slots) {
  const manifests = {};
  for (const s of slots) {
    const file = path.join(dir, s.name, 'manifest.json');
    if (!fs.existsSync(file)) throw new Error(`model ${s.name}: ${file} not found (run: bash tools/convert/convert_models.sh)`);
    manifests[s.name] = JSON.parse(fs.readFileSync(file, 'utf8'));
  }
  return manifests;
}

// What the bridge loads for models/<name>: the bytes of its ONNX file (the manifest's default variant,
// else its "file", else model.onnx), the path shown in errors and the sha256 the manifest records for
// it (the bridge checks it). bridgeLib: ort_bridge.mjs; manifest: the parsed manifest.json, read here
// when not given (the text and image models).
function modelToLoad(bridgeLib, dir, name, manifest) {
  const manifestFile = path.join(dir, name, 'manifest.json');
  let m = manifest;
  if (!m && fs.existsSync(manifestFile)) m = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  if (!m) throw new Error(`model ${name}: ${manifestFile} not found (a model is loaded only with its manifest's sha256)`);
  const onnx = bridgeLib.modelFileName(m);
  const file = path.join(dir, name, onnx);
  return { bytes: new Uint8Array(fs.readFileSync(file)), path: file, sha256: bridgeLib.manifestSha256(m, onnx) };
}

// Loads the core and ONNX Runtime Web once; returns an analyze(file) function. Any model under
// opts.models can run through the bridge (the text and image models too, loaded on first use);
// opts.only = [] loads no audio slot (text/picture search without analysis).
export async function createAnalyzer(opts) {
  const bridgeLib = await import(path.join(root, 'web/ort_bridge.mjs'));
  const { installOrtBridge, configureModels, DEFAULT_SLOTS, analysisProfile } = bridgeLib;
  const runtime = await loadOrtRuntime({ runtime: opts.runtime, threads: opts.threads > 0 ? opts.threads : 2 });
  if (runtime.note && !opts.quiet) console.error(`note: ${runtime.note}`);
  const ort = runtime.ort;
  const c = await loadNodeCore(opts.module);
  const core = c.Module;
  let profile;
  try {
    profile = analysisProfile(core, opts.profile ?? 'detailed', { use: true });
  } catch (e) {
    throw Object.assign(new Error(`--profile: ${e.message}`), { usage: true });
  }
  let slots = DEFAULT_SLOTS;  // each takes the profile's patch cap for its kind of model (in the core)
  if (opts.only) {
    const unknown = opts.only.filter((k) => !DEFAULT_SLOTS.some((s) => s.key === k));
    if (unknown.length) throw new Error(`--only: unknown slot(s) ${unknown.join(', ')} (known: ${DEFAULT_SLOTS.map((s) => s.key).join(', ')})`);
    slots = slots.filter((s) => opts.only.includes(s.key));
  }
  const manifests = readManifests(opts.models, slots);
  const bridge = installOrtBridge(core, ort, {
    sessionOptions: runtime.sessionOptions,
    // One queue for every model's runs, as in the page: the core asks several models at once, and each
    // native session has its own pool of spinning threads (7 pools on 2 cores); WASM runs one at a time anyway.
    serial: true,
    loadModel: async (name) => modelToLoad(bridgeLib, opts.models, name, manifests[name]),
  });
  if (opts.maxPatches) {
    const unknown = Object.keys(opts.maxPatches).filter((k) => !DEFAULT_SLOTS.some((s) => s.key === k));
    if (unknown.length) throw new Error(`--max-patches: unknown slot(s) ${unknown.join(', ')}`);
    slots = slots.map((s) => (s.key in opts.maxPatches ? { ...s, max_patches: opts.maxPatches[s.key] } : s));
  }
  configureModels(core, slots, manifests);
  const quality = { fast: 0, medium: 1, best: 2 }[opts.resample ?? ''] ?? -1;
  if (opts.resample && quality < 0) throw new Error(`--resample: fast, medium or best (got ${opts.resample})`);
  if (opts.full || opts.windows >= 0 || opts.maxFullS >= 0 || opts.batch > 0 || quality >= 0 || opts.windowPatches >= 0) {
    c.must('cf_options_set', opts.full ? 1e9 : opts.maxFullS, opts.windows, opts.windowPatches, opts.batch, -1, -1, quality);
  }
  async function analyze(file, onProgress) {
    let st = c.call('cf_analysis_start', file);
    while (st === 1 || st === 2) {
      if (st === 1) st = core._cf_analysis_step(25);
      if (onProgress) onProgress(core._cf_analysis_progress(), c.mustText('cf_analysis_stage'));
      // Let the event loop deliver ONNX Runtime's results.
      await new Promise((r) => setTimeout(r, st === 2 ? 3 : 0));
      if (st === 2) st = core._cf_analysis_step(0);
    }
    return c.mustJson('cf_analysis_json', !!opts.taggram, !!opts.patchEmbeddings, !!opts.curves, !!opts.precise);
  }
  return { analyze, core, ort, runtime: runtime.name, bridge, manifests, profile };
}

function top(obj, n) {
  return Object.entries(obj || {}).sort((a, b) => b[1] - a[1]).slice(0, n);
}

// "120.0 BPM", "~107–135 BPM (best guess 120.0)", "free, no steady pulse (best guess 62.8 BPM)", "none":
// the core's tempo reading (core/rhythm/tempo_reading.h); older module builds give bpm only.
function tempoText(r) {
  if (!r.bpm) return 'none';
  if (r.tempo === 'free') return `free, no steady pulse (best guess ${r.bpm.toFixed(1)} BPM)`;
  if (r.tempo === 'uncertain') return `${r.tempo_label} (best guess ${r.bpm.toFixed(1)})`;
  return `${r.bpm.toFixed(1)} BPM`;
}

export function summary(r) {
  if (r.error) return `${r.file}: error: ${r.error}`;
  const mmss = (s) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;
  const lines = [`${r.file}`,
    `  duration ${mmss(r.duration_s)}  ${r.codec} ${r.sample_rate_hz} Hz ${r.channels} ch  ` +
      (r.complete ? 'analysed completely' : `analysed in ${r.windows.length} windows`) + `  (${r.n_patches} patches)`,
    `  tempo ${tempoText(r)} (confidence ${(r.bpm_confidence ?? 0).toFixed(2)}, ${r.beats_s.length} beats)` +
      `  loudness ${r.loudness_lufs == null ? 'silent' : r.loudness_lufs.toFixed(1) + ' LUFS'}`];
  for (const [k, v] of Object.entries(r.tags || {}))
    lines.push(`  ${k.padEnd(4)} ` + top(v, 5).map(([t, p]) => `${t} ${(p * 100).toFixed(0)}%`).join(', '));
  lines.push('  moods ' + Object.entries(r.moods || {}).map(([k, p]) => `${k} ${(p * 100).toFixed(0)}%`).join(', '));
  return lines.join('\n');
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`cuefinder analyze: ${e.message}`);
    process.exit(2);
  }
  if (opts.files.length === 0) {
    console.error('usage: ./cuefinder analyze FILE... [--json] [--full] [--windows N] [--threads N] [--runtime native|wasm|auto]');
    process.exit(2);
  }
  let analyzer;
  try {
    analyzer = await createAnalyzer(opts);
  } catch (e) {
    console.error(`cuefinder analyze: ${e.message}`);
    process.exit(e.usage ? 2 : 1);
  }
  const tty = process.stderr.isTTY && !opts.quiet;
  let failed = 0;
  for (const file of opts.files) {
    const t0 = performance.now();
    let shown = false;
    const progress = (f, stage) => {
      if (!tty || performance.now() - t0 < 500) return;
      shown = true;
      const width = 30, done = Math.round(f * width);
      process.stderr.write(`\r${path.basename(file).slice(0, 40)} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${(f * 100).toFixed(0).padStart(3)}% ${stage}   `);
    };
    const r = await analyzer.analyze(file, progress);
    if (shown) process.stderr.write('\r\x1b[K');
    if (r.error) failed++;
    r.elapsed_s = +((performance.now() - t0) / 1000).toFixed(3);
    if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
    else if (r.error) console.error(summary(r));
    else console.log(summary(r));
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
