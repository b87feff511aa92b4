// ONNX Runtime Web bridge for the cuefinder WASM core (Node and browsers).
//
//   import * as ort from 'onnxruntime-web';
//   import { installOrtBridge, modelFileName, manifestSha256 } from './ort_bridge.mjs';
//   const core = await createCuefinder();
//   installOrtBridge(core, ort, { loadModel: async (name) => {
//     const file = modelFileName(manifests[name]);
//     return { bytes: bytesOf(`models/${name}/${file}`), path: `models/${name}/${file}`,
//              sha256: manifestSha256(manifests[name], file) };
//   } });
//
// The core calls Module.cfOrtRunFeeds(model, {input: {type, data, dims}}, outputNames) (src/platform/web/
// ort_embedder.cpp) and gets a Promise of {name: {data, dims}}. Each model's session is created once,
// on first use, and reused; runs on one session are queued (ORT sessions do not run concurrently).
// With `serial: true` (the page) the runs of every model ONNX Runtime runs here share one queue, in the
// order the core asked for them: ORT's WebAssembly runs one at a time anyway, and so the core decides
// what comes first (a dropped file's embedding before its moods: src/app/session/drop_analysis.h)
// instead of the proxy worker's arrival order. A runner (below) keeps a queue per model.
// Nothing leaves the device: the model bytes come from loadModel (a static file), the audio stays here.
// Every model is checked against the sha256 its manifest records before ONNX Runtime (or a runner)
// sees it: the core hashes and judges (checkModelBytes); a mismatch rejects with an Error named
// 'ModelIntegrityError' whose message names the file. A loadModel without a digest loads nothing.

import { coreClient } from './core_client.mjs';

// runners: {modelName: {load(bytes) → Promise, run(feeds, outputs) → Promise<{output: {data, dims}}>}} runs
// those models elsewhere (the app's text worker, web/text_worker.js); the others run in `ort` here.
export function installOrtBridge(Module, ort, { loadModel, sessionOptions = {}, onSession = null, runners = {}, serial = false } = {}) {
  if (typeof loadModel !== 'function') throw new Error('installOrtBridge: loadModel(name) is required');
  const sessions = new Map();  // name -> Promise<InferenceSession>
  const queues = new Map();    // model name, 'ort' (serial) or 'runner:<name>' -> Promise (the last queued run)
  // log: the last runs as {model, patches, start_ms, end_ms} (performance.now()), for timelines (tools/bench/app.mjs).
  const stats = { runs: 0, patches: 0, run_ms: 0, create_ms: 0, check_ms: 0, checked_bytes: 0, log: [] };
  const logRun = (model, patches, start_ms) => {
    stats.log.push({ model, patches, start_ms, end_ms: performance.now() });
    if (stats.log.length > 500) stats.log.shift();
  };

  function session(name) {
    if (!sessions.has(name)) {
      const created = (async () => {
        const t0 = performance.now();
        const loaded = await loadModel(name);
        const t1 = performance.now();
        const bytes = checkModelBytes(Module, name, loaded);
        stats.check_ms += performance.now() - t1;
        stats.checked_bytes += bytes.length;
        if (runners[name]) {  // loaded where it runs
          await runners[name].load(bytes);
          stats.create_ms += performance.now() - t0;
          return null;
        }
        const s = await ort.InferenceSession.create(bytes, {
          executionProviders: ['wasm'],
          graphOptimizationLevel: 'all',
          ...sessionOptions,
        });
        stats.create_ms += performance.now() - t0;
        if (onSession) onSession(name, s);
        return s;
      })();
      // A failed load is not cached: the next run tries again (e.g. after a network error).
      created.catch(() => sessions.delete(name));
      sessions.set(name, created);
    }
    return sessions.get(name);
  }

  // feedsOf(session) → {inputName: ort.Tensor}; patches: the batch size for the statistics.
  function enqueue(name, feedsOf, outputs, patches) {
    const queue = runners[name] ? `runner:${name}` : serial ? 'ort' : name;
    const previous = queues.get(queue) || Promise.resolve();
    const run = previous.catch(() => {}).then(async () => {
      const s = await session(name);
      const t0 = performance.now();
      if (runners[name]) {
        const out = await runners[name].run(feedsOf(null), outputs);
        stats.run_ms += performance.now() - t0;
        stats.runs += 1;
        return out;
      }
      const feeds = feedsOf(s);
      const result = await s.run(feeds, outputs);
      stats.run_ms += performance.now() - t0;
      logRun(name, patches, t0);
      stats.runs += 1;
      stats.patches += patches;
      const out = {};
      for (const o of outputs) {
        const t = result[o];
        if (!t) throw new Error(`model ${name} has no output "${o}" (outputs: ${s.outputNames.join(', ')})`);
        out[o] = { data: t.data, dims: t.dims.map(Number) };
        if (typeof t.dispose === 'function') t.dispose();
      }
      return out;
    });
    queues.set(queue, run);
    return run;
  }

  // Inputs by name, of any supported type: {name: {type: 'float32'|'int32'|'uint8', data, dims}}; the name
  // "" is the model's first input (the audio models' mel patches, whose batch size the stats count).
  Module.cfOrtRunFeeds = (name, feeds, outputs) => enqueue(name, (s) => {
    if (!s) return feeds;  // a runner: the feeds go as they are
    const out = {};
    for (const [k, f] of Object.entries(feeds)) {
      const input = k === '' ? s.inputNames[0] : k;
      if (!s.inputNames.includes(input)) throw new Error(`model ${name} has no input "${input}" (inputs: ${s.inputNames.join(', ')})`);
      out[input] = new ort.Tensor(f.type, f.data, f.dims);
    }
    return out;
  }, outputs, feeds[''] ? feeds[''].dims[0] || 0 : 0);
  return { stats, session };
}

// The ONNX file of a model folder: its manifest's default variant (mobilenet-v2: model_wq.onnx), else
// its "file", else model.onnx.
export function modelFileName(manifest) {
  const variant = manifest && manifest.default_variant && manifest.variants && manifest.variants[manifest.default_variant];
  return (variant && variant.file) || (manifest && manifest.file) || 'model.onnx';
}

// The sha256 a manifest records for one of its files, '' when none: "sha256" next to "file" (the
// audio models), per variant (mobilenet-v2), per file name (use-lite), or the labels' own.
export function manifestSha256(manifest, file) {
  if (!manifest) return '';
  const digest = manifest.sha256;
  if (typeof digest === 'string') return manifest.file === file ? digest : '';
  if (digest && typeof digest[file] === 'string') return digest[file];
  const variant = Object.values(manifest.variants || {}).find((v) => v && v.file === file);
  if (variant && typeof variant.sha256 === 'string') return variant.sha256;
  const labels = manifest.labels;
  if (labels && labels.file === file && typeof labels.sha256 === 'string') return labels.sha256;
  return '';
}

// loaded = {bytes, path, sha256} (loadModel's answer): returns the bytes when their sha256 is the
// expected one, else throws an Error (name 'ModelIntegrityError') naming the file. The core hashes
// (cf::Sha256, in 1 MiB chunks through one heap buffer) and words the verdict (cf::check_model_sha256).
const HASH_CHUNK_BYTES = 1 << 20;
export function checkModelBytes(Module, name, loaded) {
  const { bytes, path = `models/${name}`, sha256 = '' } = loaded || {};
  if (!(bytes instanceof Uint8Array)) {
    throw new Error(`model ${name}: loadModel must return {bytes: Uint8Array, path, sha256} (the manifest's digest)`);
  }
  const core = coreClient(Module);
  const rc = core.withBytes(new Uint8Array(Math.min(HASH_CHUNK_BYTES, bytes.length)), (buf) => {
    core.call('cf_sha256_begin');
    for (let at = 0; at < bytes.length; at += HASH_CHUNK_BYTES) {
      const chunk = bytes.subarray(at, at + HASH_CHUNK_BYTES);
      Module.HEAPU8.set(chunk, buf);
      core.call('cf_sha256_update', buf, chunk.length);
    }
    return core.call('cf_model_check', path, sha256);
  });
  if (rc < 0) {
    const e = core.error();
    e.name = 'ModelIntegrityError';
    throw e;
  }
  return bytes;
}

// The analysis slots: which model fills which role. Labels and the positive class come from each
// model's manifest (models/<name>/manifest.json), so a deployment can swap a model for its own. How many
// patches each one sees is the analysis profile's (src/core/analysis/profiles.h), applied by the core
// to every slot without a max_patches of its own.
export const DEFAULT_SLOTS = [
  { name: 'msd-musicnn-1', key: 'msd', role: 'tags', embedding: true },
  { name: 'mtt-musicnn-1', key: 'mtt', role: 'tags' },
  { name: 'mood_happy-musicnn-msd-2', key: 'happy', role: 'mood' },
  { name: 'mood_sad-musicnn-msd-2', key: 'sad', role: 'mood' },
  { name: 'mood_relaxed-musicnn-msd-2', key: 'relaxed', role: 'mood' },
  { name: 'mood_aggressive-musicnn-msd-2', key: 'aggressive', role: 'mood' },
  { name: 'danceability-musicnn-msd-2', key: 'danceable', role: 'mood' },
];

// The core's analysis profile `name` ("catalog", "query", "detailed", "quick"; the Node module's
// cf_analysis_profile) as an object (profiles.h lists the fields); use: also make it the analysis
// options and the patch caps of the slots. An unknown name throws an Error listing the known ones.
export function analysisProfile(Module, name, { use = false } = {}) {
  const core = coreClient(Module);
  return core.mustJson('cf_analysis_profile', String(name), use);
}

// Registers the slots with the core. manifests: {name: manifest object}.
export function configureModels(Module, slots, manifests) {
  const core = coreClient(Module);
  core.call('cf_models_clear');
  for (const slot of slots) {
    const m = manifests[slot.name];
    if (!m) throw new Error(`model ${slot.name}: no manifest`);
    const labels = m.labels || [];
    const positive = slot.role === 'mood' ? (m.positive_index ?? 0) : 0;
    core.call('cf_model_add', slot.name, slot.key, slot.role === 'mood', labels.join('\n'), positive, !!slot.embedding,
      slot.max_patches ?? -1);
  }
}
