// cuefinder map worker: t-SNE (animated) and PCA of the catalog embeddings, off the UI thread.
//
// A classic Web Worker script (importScripts, no modules) that loads the core's WASM build
// cuefinder_worker.js (src/bindings/web/tsne_api.cpp; MODULARIZE, EXPORT_NAME=createCuefinderWorker)
// from its own folder, or from self.CUEFINDER_WORKER_JS when set before this script runs.
//
//   const w = new Worker('tsne_worker.js');
//   w.onmessage = (e) => { if (e.data.type === 'progress' || e.data.type === 'done') draw(e.data.coords); };
//   w.postMessage({type: 'start', id: 1, data, n, dim, perplexity: 30}, [data.buffer]);
//
// Messages in:
//   {type:'start', id, data: Float32Array [n × dim], n, dim, perplexity = 30, seed = 0, iters = 1000,
//    init: 'pca' (default) | 'given' | 'random', init_xy?: Float32Array [n × 2] (init 'given')}
//      Starts t-SNE; cancels a run in progress (which then sends nothing more). The neighbour search
//      at the start blocks the worker (~0.1 s at 400 points, ~6–15 s at 10k); then the optimiser runs
//      in chunks of iterations sized from the measured time per iteration, ~50 ms each, yielding
//      between chunks so 'stop' and a new 'start' are handled within one chunk.
//   {type:'stop', id?}  stops the run (only if its id matches, when id is given); answers 'stopped'.
//   {type:'pca', id, data, n, dim}  PCA view; answered at once with 'done' (kind 'pca'), between
//      t-SNE chunks without disturbing a run.
// Messages out (coords are fresh Float32Arrays [n × 2], transferred):
//   {type:'progress', kind:'tsne', id, iter, total, coords, kl?}  after the start (iter 0, the
//      initial layout) and after every chunk; kl (KL(P‖Q) estimate, costs ~1 iteration) about once
//      a second of work.
//   {type:'done', kind:'tsne', id, iter, total, coords, kl, ms, init_ms, perplexity}  ms = whole
//      run, init_ms = neighbour search + affinities; perplexity = the one used.
//   {type:'done', kind:'pca', id, coords, ms}
//   {type:'stopped', id, iter}
//   {type:'error', id, message}  bad input (the message names it: "n = 0", "perplexity = 500 must be
//      less than the number of points (n = 300)", "data[4][7] is not finite (nan)"), or a load failure.
'use strict';

var CF_CORE_URL = (typeof self.CUEFINDER_WORKER_JS === 'string' && self.CUEFINDER_WORKER_JS) || 'cuefinder_worker.js';
var TARGET_CHUNK_MS = 50;   // work between two progress messages: ~20 layouts a second
var KL_EVERY_MS = 1000;     // KL costs about one iteration: report it about once a second
var MAX_CHUNK_ITERS = 500;

importScripts('core_client.js');  // cuefinderCoreClient: copies in and out of the heap, C strings
var cfLoadError = null;
try {
  importScripts(CF_CORE_URL);
} catch (err) {
  cfLoadError = 'cannot load ' + CF_CORE_URL + ': ' + (err && err.message ? err.message : err);
}

var cfModulePromise = null;
var cfModule = null;
var cfCore = null;  // cuefinderCoreClient.coreClient(cfModule)

function cfLoadCore() {
  if (cfModulePromise) return cfModulePromise;
  if (cfLoadError) return (cfModulePromise = Promise.reject(new Error(cfLoadError)));
  var slash = CF_CORE_URL.lastIndexOf('/');
  var options = {};
  if (slash >= 0) {
    // The .wasm sits next to the .js, wherever that was loaded from.
    var base = CF_CORE_URL.slice(0, slash + 1);
    options.locateFile = function (path) { return base + path; };
  }
  cfModulePromise = createCuefinderWorker(options).then(function (m) {
    cfModule = m;
    cfCore = cuefinderCoreClient.coreClient(m);
    return m;
  });
  return cfModulePromise;
}

function now() {
  return (typeof performance !== 'undefined' && performance.now) ? performance.now() : Date.now();
}

function post(msg, transfer) {
  self.postMessage(msg, transfer || []);
}

function fail(id, err) {
  post({type: 'error', id: id, message: String(err && err.message ? err.message : err)});
}

// Yield to the event loop between chunks, alternating a MessageChannel message and setTimeout(0):
// setTimeout alone is clamped to 4 ms once timers nest 5 deep (8 % of a 50 ms chunk), and a
// MessageChannel alone can starve incoming messages ('stop') where ports drain their queue in one go
// (Node's worker_threads). Alternating keeps the timer nesting level at 1 and always lets the
// message queue run.
var cfYield = (function () {
  if (typeof MessageChannel === 'undefined') return function (fn) { setTimeout(fn, 0); };
  var channel = new MessageChannel();
  var queue = [];
  var viaTimer = false;
  channel.port1.onmessage = function () { var fn = queue.shift(); if (fn) fn(); };
  return function (fn) {
    viaTimer = !viaTimer;
    if (viaTimer) { setTimeout(fn, 0); return; }
    queue.push(fn);
    channel.port2.postMessage(null);
  };
})();

function asFloat32(values) {
  if (values instanceof Float32Array) return values;
  if (values && typeof values.length === 'number') return Float32Array.from(values);
  return null;
}

function readCoords(ptr, n) {
  return cfCore.floats(ptr, 2 * n);  // a copy: the heap may grow later
}

// Checks the message's sizes; returns an error text or null.
function checkInput(msg, data) {
  var n = msg.n, dim = msg.dim;
  if (!Number.isInteger(n) || n < 1) return 't-SNE: n = ' + n + ': need at least one point';
  if (!Number.isInteger(dim) || dim < 1) return 't-SNE: dim = ' + dim + ': must be an integer >= 1';
  if (!data) return 't-SNE: data must be a Float32Array of n × dim values';
  if (data.length < n * dim)
    return 't-SNE: data has ' + data.length + ' values, expected n × dim = ' + n + ' × ' + dim + ' = ' + n * dim;
  return null;
}

var current = null;  // the t-SNE run in progress: {id, handle, n, ...}

function endRun(run) {
  run.cancelled = true;
  if (run.handle && cfModule) cfModule._cf_tsne_end(run.handle);
  run.handle = 0;
  if (current === run) current = null;
}

function startRun(msg) {
  var run = {id: msg.id, handle: 0, cancelled: false, n: msg.n, chunk: 1, msPerIter: 0, lastKl: 0};
  current = run;
  cfLoadCore().then(function (m) {
    if (run.cancelled) return;
    var data = asFloat32(msg.data);
    var problem = checkInput(msg, data);
    var initKind = msg.init === undefined ? 'pca' : msg.init;
    var initCode = {pca: 0, given: 1, random: 2}[initKind];
    if (!problem && initCode === undefined) problem = "t-SNE: init = '" + initKind + "': must be 'pca', 'given' or 'random'";
    var initXy = null;
    if (!problem && initCode === 1) {
      initXy = asFloat32(msg.init_xy);
      if (!initXy || initXy.length < 2 * msg.n)
        problem = 't-SNE: init_xy has ' + (initXy ? initXy.length : 0) + ' values, expected 2 × n = ' + 2 * msg.n;
    }
    var perplexity = msg.perplexity === undefined ? 30 : Number(msg.perplexity);
    var iters = msg.iters === undefined ? 1000 : msg.iters;
    if (!problem && (!Number.isInteger(iters) || iters < 0)) problem = 't-SNE: iters = ' + iters + ': must be an integer >= 0';
    if (problem) { endRun(run); fail(run.id, problem); return; }

    var t0 = now();
    var handle = cfCore.call('cf_tsne_begin', data.subarray(0, msg.n * msg.dim), msg.n, msg.dim, perplexity, iters,
      (msg.seed | 0), initCode, initXy ? initXy.subarray(0, 2 * msg.n) : null);
    if (handle < 0) { endRun(run); fail(run.id, cfCore.error().message); return; }
    if (run.cancelled) { m._cf_tsne_end(handle); return; }  // cannot happen (begin blocks), kept for safety
    run.handle = handle;
    run.t0 = t0;
    run.initMs = now() - t0;
    run.total = m._cf_tsne_total_iters(handle);
    run.lastKl = now();
    var coords = readCoords(m._cf_tsne_coords(handle), run.n);
    post({type: 'progress', kind: 'tsne', id: run.id, iter: 0, total: run.total, coords: coords}, [coords.buffer]);
    cfYield(function () { step(run); });
  }).catch(function (err) {
    endRun(run);
    fail(run.id, err);
  });
}

function step(run) {
  if (run.cancelled || current !== run) return;
  var m = cfModule;
  try {
    var t = now();
    var before = m._cf_tsne_iterate(run.handle, 0);
    var iter = m._cf_tsne_iterate(run.handle, run.chunk);
    var dt = now() - t;
    if (iter > before) {
      // Size the next chunk from a smoothed time per iteration (it varies as the layout spreads).
      var perIter = dt / (iter - before);
      run.msPerIter = run.msPerIter ? 0.7 * run.msPerIter + 0.3 * perIter : perIter;
      run.chunk = Math.max(1, Math.min(MAX_CHUNK_ITERS, Math.round(TARGET_CHUNK_MS / Math.max(run.msPerIter, 1e-3))));
    }
    var done = iter >= run.total;
    var msg = {type: done ? 'done' : 'progress', kind: 'tsne', id: run.id, iter: iter, total: run.total};
    if (done || now() - run.lastKl >= KL_EVERY_MS) {
      msg.kl = m._cf_tsne_kl(run.handle);
      run.lastKl = now();
    }
    var coords = readCoords(m._cf_tsne_coords(run.handle), run.n);
    msg.coords = coords;
    if (done) {
      msg.ms = now() - run.t0;
      msg.init_ms = run.initMs;
      msg.perplexity = m._cf_tsne_perplexity(run.handle);
      endRun(run);
    }
    post(msg, [coords.buffer]);
    if (!done) cfYield(function () { step(run); });
  } catch (err) {
    endRun(run);
    fail(run.id, err);
  }
}

function runPca(msg) {
  cfLoadCore().then(function (m) {
    var data = asFloat32(msg.data);
    var problem = checkInput(msg, data);
    if (problem) { fail(msg.id, problem.replace(/^t-SNE/, 'PCA')); return; }
    var t0 = now();
    var coords = cfCore.withFloats(2 * msg.n, function (outPtr) {
      var rc = cfCore.call('cf_pca_2d', data.subarray(0, msg.n * msg.dim), msg.n, msg.dim, outPtr);
      return rc === 0 ? readCoords(outPtr, msg.n) : null;
    });
    if (!coords) { fail(msg.id, cfCore.error().message); return; }
    post({type: 'done', kind: 'pca', id: msg.id, coords: coords, ms: now() - t0}, [coords.buffer]);
  }).catch(function (err) { fail(msg.id, err); });
}

self.onmessage = function (e) {
  var msg = e.data || {};
  switch (msg.type) {
    case 'start':
      if (current) endRun(current);
      startRun(msg);
      break;
    case 'stop':
      if (current && (msg.id === undefined || msg.id === current.id)) {
        var run = current;
        var iter = run.handle && cfModule ? cfModule._cf_tsne_iterate(run.handle, 0) : 0;
        endRun(run);
        post({type: 'stopped', id: run.id, iter: iter});
      }
      break;
    case 'pca':
      runPca(msg);
      break;
    default:
      fail(msg.id, "unknown message type '" + msg.type + "' (start, stop, pca)");
  }
};
