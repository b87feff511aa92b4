// Text and picture → music through the WASM core in Node (src/bindings/web/semantic_api.cpp), shared
// by `./cuefinder search --text/--image`, `./cuefinder tag` and tools/eval/zeroshot/run.mjs.
//
//   const an = await createAnalyzer(parseAnalyzeArgs(['--no-taggram', '--no-curves']));  // analyze.mjs
//   const sem = await openSemantic(an.core, { models: 'models' });
//   await sem.attachCatalog('~/.cache/cuefinder/demo/catalog');      // embeds the 105 concepts once
//   const r = await sem.search({ texts: ['calm piano'], k: 10 });     // semantic_api.cpp's JSON
//
// The models (use-lite for text, mobilenet-v2 for pictures) run in ONNX Runtime Web through the
// bridge createAnalyzer installed (its loadModel reads any models/<name>/).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkModelBytes, manifestSha256 } from '../../web/ort_bridge.mjs';
import { coreClient } from '../../web/core_client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const METHODS = ['bridge', 'projection', 'ensemble'];

// The calibrated threshold of `tag`'s "fits": a label fits a file when the file's percentile among the
// catalog is at least this. Chosen on the labelled set (docs/benchmarks/zeroshot.md: the global
// percentile threshold with the best mean F1 over its 39 labels, ensemble method).
export const FIT_THRESHOLD = 0.825;

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export function defaultCatalog() {
  const home = process.env.HOME || '';
  const dir = path.join(process.env.CF_CACHE_DIR || path.join(home, '.cache/cuefinder'), 'demo/catalog');
  return fs.existsSync(path.join(dir, 'catalog.cfc')) ? dir : null;
}

// Wraps a semantic handle of `core`. models: the models folder.
export async function openSemantic(core, { models = path.join(root, 'models') } = {}) {
  const need = (f) => {
    if (!fs.existsSync(f)) throw new Error(`${f} not found (the text/image models: see models/README.md)`);
    return f;
  };
  for (const fn of ['_cf_sem_new', '_cf_sem_search'])
    if (typeof core[fn] !== 'function') throw new Error(`this cuefinder_node build has no text search (${fn}): rebuild it`);
  const c = coreClient(core);
  // A model's vocabulary and labels are checked against its manifest like its weights.
  const checkedText = (name, file) => {
    const f = need(path.join(models, name, file));
    const manifest = readJson(need(path.join(models, name, 'manifest.json')));
    const loaded = { bytes: new Uint8Array(fs.readFileSync(f)), path: f, sha256: manifestSha256(manifest, file) };
    return Buffer.from(checkModelBytes(core, name, loaded)).toString('utf8');
  };
  const vocab = checkedText('use-lite', 'vocab.txt');
  const h = c.must('cf_sem_new', vocab);
  const msd = readJson(need(path.join(models, 'msd-musicnn-1/manifest.json'))).labels;
  const mtt = readJson(need(path.join(models, 'mtt-musicnn-1/manifest.json'))).labels;
  c.call('cf_sem_set_concepts', h, msd.join('\n'), mtt.join('\n'));
  const labelsFile = path.join(models, 'mobilenet-v2/labels.txt');
  if (fs.existsSync(labelsFile)) c.call('cf_sem_set_image_labels', h, checkedText('mobilenet-v2', 'labels.txt'));
  const concepts = c.mustJson('cf_sem_concepts_json', h);

  const tick = () => new Promise((r) => setImmediate(r));
  async function wait() {
    while (c.must('cf_sem_status', h) === 1) await tick();  // -1: throws the failure's message
  }
  const start = c.must;  // calls an export that starts a job (throws when it could not start)
  // Floats for the core (copied in by the call); null (a null pointer) when there are none.
  const floats = (arr) => (!arr || arr.length === 0 ? null : arr instanceof Float32Array ? arr : Float32Array.from(arr));
  const info = () => c.mustJson('cf_sem_info', h);

  // An analysis (analyze.mjs JSON) → its concept values, in the handle's concept order (NaN: unknown).
  function itemValues(analysis) {
    return concepts.map((c) => {
      const table = c.set === 'mood' ? analysis.moods : (analysis.tags || {})[c.set];
      const v = table ? table[c.label] : undefined;
      return typeof v === 'number' ? v : NaN;
    });
  }

  return {
    core, handle: h, concepts, info, itemValues,
    async attachCatalog(dir) {
      start('cf_sem_attach_catalog', h, dir);
      await wait();
      return info();
    },
    // values: n × C (concept order), audio: n × dim unit rows.
    async attachValues(values, n, audio, dim) {
      start('cf_sem_attach_values', h, floats(values), n, floats(audio), dim);
      await wait();
      return info();
    },
    // q: {texts, image, track (Float32Array), method, k, top, scores, explain, weights: {text, image,
    // track}, options: {key: value} (search_options.h; track_id), items: [{values, embedding}]}.
    // The core's query spec (semantic_api.cpp) is one JSON object.
    async search(q) {
      const spec = { texts: q.texts || [], ...q.options };
      if (q.image) spec.image = q.image;
      if (q.track) spec.track = true;
      if (q.method) spec.method = q.method;
      if (q.weights && Object.keys(q.weights).length) spec.weights = q.weights;
      if (q.k) spec.k = q.k;
      if (q.top) spec.top = q.top;
      if (q.scores) spec.scores = true;
      if (q.explain) spec.explain = q.explain;
      const items = q.items || [];
      const d = info().input_dim ?? info().dim;  // a file's embedding; the core maps it into the catalog's space
      const track = q.track ? floats(q.track) : null;
      const values = items.length ? floats(items.flatMap((it) => Array.from(it.values))) : null;
      const audio = items.length && items.every((it) => it.embedding && it.embedding.length === d)
        ? floats(items.flatMap((it) => Array.from(it.embedding))) : null;
      start('cf_sem_search', h, JSON.stringify(spec), track, q.track ? q.track.length : 0, items.length, values, audio);
      await wait();
      return c.mustJson('cf_sem_result', h);
    },
    close() { c.call('cf_sem_free', h); },
  };
}

// An analysis' embedding as the catalog stores it: a unit vector.
export function unitEmbedding(values) {
  let s = 0;
  for (const v of values) s += v * v;
  const n = Math.sqrt(s) || 1;
  return Float32Array.from(values, (v) => v / n);
}
