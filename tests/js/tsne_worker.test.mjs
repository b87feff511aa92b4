// The map worker (web/tsne_worker.js) end to end on the real WASM core (cuefinder_worker.js): the
// worker script runs unchanged inside node:worker_threads behind a small shim that plays the browser's
// worker globals (self, importScripts, postMessage, onmessage). Checks the message protocol (progress
// with rising iterations, done, stop, a new start cancelling the old run, PCA, errors naming the bad
// input) and the quality of the final layout on a seeded 3-cluster mixture.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startClassicWorker } from '../../src/site/classic_worker.mjs';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The cuefinder_worker target (src/app/CMakeLists.txt); CF_WORKER_JS overrides.
const candidates = ['build/wasm-release/src/app/cuefinder_worker.js', 'build/wasm-release/src/cli/cuefinder_worker.js'].map((f) => path.join(root, f));
const moduleFile = path.resolve(process.env.CF_WORKER_JS || candidates.find((f) => fs.existsSync(f)) || candidates[0]);
const workerScript = path.join(root, 'web/tsne_worker.js');
const ready = fs.existsSync(moduleFile);
if (!ready) console.log(`skipping tsne_worker tests: ${moduleFile} is not built (build the cuefinder_worker target, or set CF_WORKER_JS)`);
const opts = { skip: ready ? false : `needs ${moduleFile} (cuefinder_worker target, or CF_WORKER_JS)`, timeout: 300000 };


function spawn() {
  const worker = startClassicWorker(workerScript, moduleFile);
  const messages = [];
  const waiters = [];
  worker.on('message', (m) => {
    messages.push(m);
    for (const w of [...waiters]) if (w.pred(m)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
  });
  worker.on('error', (e) => { for (const w of waiters.splice(0)) w.reject(e); });
  const waitFor = (pred, what, ms = 240000) => {
    const seen = messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve, reject };
      waiters.push(w);
      setTimeout(() => { if (waiters.includes(w)) { waiters.splice(waiters.indexOf(w), 1); reject(new Error(`timed out waiting for ${what}`)); } }, ms).unref();
    });
  };
  return { worker, messages, waitFor, post: (m) => worker.postMessage(m) };
}

// Seeded data: 3 clusters × 100 points in 30-D; each cluster a 2-D Gaussian sheet (random 30×2 map)
// plus small isotropic noise, centres far apart. mulberry32 + Box–Muller.
function mixture(perCluster = 100, dim = 30, seed = 5) {
  let s = seed >>> 0;
  const rand = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const n = 3 * perCluster;
  const data = new Float32Array(n * dim);
  const label = new Int32Array(n);
  for (let c = 0; c < 3; ++c) {
    const centre = Array.from({ length: dim }, () => 6 * normal());
    const basis = Array.from({ length: 2 * dim }, () => normal());
    for (let p = 0; p < perCluster; ++p) {
      const i = c * perCluster + p;
      const a = normal(), b = normal();
      for (let d = 0; d < dim; ++d) data[i * dim + d] = centre[d] + 2 * (a * basis[2 * d] + b * basis[2 * d + 1]) + 0.1 * normal();
      label[i] = c;
    }
  }
  return { data, label, n, dim };
}

// Leave-one-out majority vote of the k nearest neighbours in the 2-D layout.
function knnLabelAgreement(xy, label, k = 5) {
  const n = label.length;
  let correct = 0;
  for (let i = 0; i < n; ++i) {
    const d = [];
    for (let j = 0; j < n; ++j) if (j !== i) d.push([(xy[2 * i] - xy[2 * j]) ** 2 + (xy[2 * i + 1] - xy[2 * j + 1]) ** 2, label[j]]);
    d.sort((a, b) => a[0] - b[0]);
    const votes = [0, 0, 0];
    for (let r = 0; r < k; ++r) ++votes[d[r][1]];
    if (votes.indexOf(Math.max(...votes)) === label[i]) ++correct;
  }
  return correct / n;
}

// Trustworthiness by the core (cf_trustworthiness, checked against scikit-learn in tests/core/map).
let corePromise = null;
async function trustworthiness(data, n, dim, xy, k = 10) {
  corePromise ??= createRequire(import.meta.url)(moduleFile)();
  const m = await corePromise;
  const hi = m._malloc(4 * n * dim), lo = m._malloc(8 * n);
  m.HEAPF32.set(data, hi >> 2);
  m.HEAPF32.set(xy, lo >> 2);
  const t = m._cf_trustworthiness(hi, n, dim, lo, k);
  m._free(hi);
  m._free(lo);
  return t;
}

test('t-SNE in the worker animates, converges and separates the clusters', opts, async () => {
  const { data, label, n, dim } = mixture();
  const w = spawn();
  try {
    w.post({ type: 'start', id: 7, data, n, dim, perplexity: 30, seed: 1, iters: 1000 });
    const done = await w.waitFor((m) => m.type === 'done' || m.type === 'error', 'done');
    assert.equal(done.type, 'done', done.message);
    const progress = w.messages.filter((m) => m.type === 'progress');
    assert.ok(progress.length >= 3, `only ${progress.length} progress messages`);
    assert.equal(progress[0].iter, 0, 'the initial layout comes first');
    for (let i = 1; i < progress.length; ++i) assert.ok(progress[i].iter > progress[i - 1].iter, `iterations rise: ${progress[i - 1].iter} then ${progress[i].iter}`);
    for (const m of [...progress, done]) {
      assert.equal(m.id, 7);
      assert.equal(m.kind, 'tsne');
      assert.equal(m.total, 1000);
      assert.ok(m.coords instanceof Float32Array && m.coords.length === 2 * n);
    }
    assert.equal(done.iter, 1000);
    assert.ok(done.ms > 0 && done.init_ms > 0 && done.init_ms <= done.ms);
    assert.equal(done.perplexity, 30);
    assert.ok(Number.isFinite(done.kl) && done.kl > 0, `kl ${done.kl}`);
    assert.ok(done.coords.every(Number.isFinite));
    const t = await trustworthiness(data, n, dim, done.coords);
    const agree = knnLabelAgreement(done.coords, label);
    console.log(`300 points: ${progress.length} progress messages, ${done.ms.toFixed(0)} ms (init ${done.init_ms.toFixed(0)} ms), KL ${done.kl.toFixed(3)}, T(10) ${t.toFixed(4)}, 5-NN label agreement ${agree.toFixed(3)}`);
    // A 2-D sheet per cluster is what t-SNE should reproduce almost exactly (we get ≈ 0.98–0.99);
    // a random layout scores ≈ 0.5.
    assert.ok(t >= 0.9, `trustworthiness ${t}`);
    assert.ok(agree >= 0.95, `label agreement ${agree}`);
    // The PCA view through the same worker: a 2-column projection that already splits these clusters.
    w.post({ type: 'pca', id: 8, data, n, dim });
    const pca = await w.waitFor((m) => m.id === 8, 'pca');
    assert.equal(pca.type, 'done', pca.message);
    assert.equal(pca.kind, 'pca');
    assert.equal(pca.coords.length, 2 * n);
    assert.ok(knnLabelAgreement(pca.coords, label) >= 0.95);
  } finally {
    await w.worker.terminate();
  }
});

test('a given initial layout, stop, and a new start cancelling the old run', opts, async () => {
  const { data, label, n, dim } = mixture(100, 30, 9);
  const w = spawn();
  try {
    // Long run, stopped after two progress messages: 'stopped' answers, nothing follows for that id.
    w.post({ type: 'start', id: 1, data, n, dim, iters: 1000000 });
    await w.waitFor((m) => m.id === 1 && m.type === 'progress' && m.iter > 0, 'progress of run 1');
    w.post({ type: 'stop', id: 1 });
    const stopped = await w.waitFor((m) => m.id === 1 && m.type === 'stopped', 'stopped');
    assert.ok(stopped.iter > 0 && stopped.iter < 1000000);
    const countAfterStop = w.messages.length;

    // Run 2 is superseded by run 3 (init 'given': run 2's layout, as the app does on a perplexity change).
    w.post({ type: 'start', id: 2, data, n, dim, iters: 1000000 });
    const p2 = await w.waitFor((m) => m.id === 2 && m.type === 'progress' && m.iter > 0, 'progress of run 2');
    w.post({ type: 'start', id: 3, data, n, dim, perplexity: 10, iters: 500, init: 'given', init_xy: p2.coords });
    const done3 = await w.waitFor((m) => m.id === 3 && (m.type === 'done' || m.type === 'error'), 'done of run 3');
    assert.equal(done3.type, 'done', done3.message);
    assert.equal(done3.total, 500);
    assert.ok(knnLabelAgreement(done3.coords, label) >= 0.95);
    const later = w.messages.slice(countAfterStop);
    assert.ok(!later.some((m) => m.id === 1), 'nothing for the stopped run');
    const first3 = later.findIndex((m) => m.id === 3);
    assert.ok(!later.slice(first3).some((m) => m.id === 2), 'nothing for run 2 once run 3 has started');
    assert.ok(!w.messages.some((m) => m.id === 2 && m.type === 'done'));
  } finally {
    await w.worker.terminate();
  }
});

test('bad input gives an error message naming the problem', opts, async () => {
  const { data, n, dim } = mixture(20, 8, 3);  // 60 points
  const nan = data.slice();
  nan[7 * dim + 3] = NaN;
  const cases = [
    [{ type: 'start', data: new Float32Array(0), n: 0, dim }, /n = 0/],
    [{ type: 'start', data, n, dim, perplexity: 60 }, /perplexity = 60 must be less than the number of points \(n = 60\)/],
    [{ type: 'start', data: nan, n, dim }, /data\[7\]\[3\] is not finite/],
    [{ type: 'start', data: data.subarray(0, 10), n, dim }, /data has 10 values, expected n × dim = 60 × 8 = 480/],
    [{ type: 'start', data, n, dim, init: 'given', init_xy: new Float32Array(4) }, /init_xy has 4 values, expected 2 × n = 120/],
    [{ type: 'start', data, n, dim, perplexity: -1 }, /perplexity = -1: must be > 0/],
    [{ type: 'pca', data: nan, n, dim }, /\[7\]\[3\]/],
    [{ type: 'frobnicate' }, /unknown message type 'frobnicate'/],
  ];
  const w = spawn();
  try {
    for (const [i, [msg, pattern]] of cases.entries()) {
      w.post({ ...msg, id: 100 + i });
      const reply = await w.waitFor((m) => m.id === 100 + i, `reply ${i}`);
      assert.equal(reply.type, 'error', `case ${i}: expected an error, got ${reply.type}`);
      assert.match(reply.message, pattern, `case ${i}`);
    }
    // The worker is still usable afterwards.
    w.post({ type: 'start', id: 200, data, n, dim, perplexity: 5, iters: 300 });
    const ok = await w.waitFor((m) => m.id === 200 && (m.type === 'done' || m.type === 'error'), 'done after errors');
    assert.equal(ok.type, 'done', ok.message);
  } finally {
    await w.worker.terminate();
  }
});
