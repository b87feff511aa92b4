// cuefinder page glue: loads the WASM app (C++ core + Dear ImGui), ONNX Runtime Web and the catalog,
// passes dropped files to the core, plays audio, runs t-SNE in a worker, and exposes
// window.cuefinder for scripts and tests:
//
//   await window.cuefinder.ready;                 // catalog loaded, app interactive
//   window.cuefinder.state()                      // {ready, catalog:{name,tracks}, busy, query, results:[{id,path,title,score,match_percent}], ...}
//   await window.cuefinder.analyzeFile(file)      // exactly what a drop does; resolves when the results are shown
//   window.cuefinder.layout()                     // CSS-pixel rectangles of named widgets (for tests that click)
//   window.cuefinder.frameStats()                 // frame-time statistics since the last resetFrameStats()
//
// Nothing the user drops leaves the device: the file's bytes go into the WASM heap and an object URL
// (for A/B playback); the only network traffic is GETs of this site's own static files.
import * as ort from './ort/ort.wasm.min.mjs';
import { installOrtBridge, configureModels, DEFAULT_SLOTS, modelFileName, manifestSha256, checkModelBytes } from './ort_bridge.mjs';
import { registerServiceWorker as registerWorker } from './sw_client.mjs';
import { coreClient } from './core_client.mjs';
import { createAppVideo } from './app_video.mjs';
import { openStore } from './app_store.mjs';

const params = new URLSearchParams(location.search);
const MAX_FILE_BYTES = 1024 * 1024 * 1024;  // 1 GiB: the WASM heap holds the file while it is decoded
const $ = (id) => document.getElementById(id);
const loadingBox = $('loading'), loadingText = $('loading-text'), loadingBar = $('loading-bar');

function showLoading(text, fraction) {
  loadingText.textContent = text;
  loadingBar.value = Math.max(0, Math.min(1, fraction || 0));
}
function fatal(message) {
  loadingBox.hidden = false;
  loadingBox.classList.add('failed');
  showLoading(message, 0);
  console.error('cuefinder:', message);
}

// ---- downloads with progress --------------------------------------------------------------------
async function fetchBytes(url, onProgress) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
  const total = Number(res.headers.get('content-length')) || 0;
  if (!res.body || !onProgress) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks = [];
  let got = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    got += value.length;
    onProgress(got, total);
  }
  const out = new Uint8Array(got);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

// ---- the app module -----------------------------------------------------------------------------
let Module = null;
let core = null;              // coreClient(Module): strings, bytes and floats in, C strings out
const pending = new Map();     // analysis request id -> {resolve, reject, url, name}
let queryUrl = null;           // object URL of the current query file (A/B playback)
const player = new Audio();
player.preload = 'auto';
let playbackError = '';
player.addEventListener('error', () => {
  playbackError = `could not play ${decodeURIComponent(player.src.split('/').pop() || 'audio')}` +
    (player.error ? ` (${player.error.message || 'code ' + player.error.code})` : '');
});
player.addEventListener('playing', () => { playbackError = ''; });

function setLoading(text, fraction) {
  if (core) core.call('cf_app_set_loading', text, fraction);
}
const nextFrame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));

function playAt(src, start) {
  playbackError = '';
  if (player.src !== src) player.src = src;
  const go = () => {
    try { player.currentTime = Math.max(0, start || 0); } catch (e) { /* not seekable yet */ }
    player.play().catch((e) => { playbackError = `playback: ${e.message}`; });
  };
  if (player.readyState >= 1) go();
  else player.addEventListener('loadedmetadata', go, { once: true });
  if (player.readyState < 1) player.play().catch(() => {});
}

let tsneWorker = null, tsneRun = 0;
const host = {
  playUrl: (url, start) => playAt(new URL(url, location.href).href, start),
  playQuery: (start) => { if (queryUrl) playAt(queryUrl, start); },
  pause: () => player.pause(),
  resume: () => player.play().catch((e) => { playbackError = `playback: ${e.message}`; }),
  playing: () => !player.paused && !player.ended,
  position: () => player.currentTime || 0,
  playbackError: () => playbackError,
  download(name, mime, bytes) {
    const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    const text = /^(text|application\/(json|xspf)|audio\/x-mpegurl)/.test(mime) ? new TextDecoder().decode(bytes) : null;
    window.cuefinder.lastDownload = { name, mime, size: bytes.length, text, head: Array.from(bytes.subarray(0, 64)) };
  },
  openPicker: () => $('file-input').click(),
  startTsne(data, n, dim, perplexity, seed) {
    if (!tsneWorker) {
      tsneWorker = new Worker('tsne_worker.js');
      tsneWorker.onmessage = onTsneMessage;
      tsneWorker.onerror = (e) => core.call('cf_app_tsne_error', `worker: ${e.message || 'failed to start'}`);
    }
    tsneRun += 1;
    tsneWorker.postMessage({ type: 'start', id: tsneRun, data, n, dim, perplexity, seed, iters: 1000, init: 'pca' }, [data.buffer]);
  },
  stopTsne() { if (tsneWorker) tsneWorker.postMessage({ type: 'stop', id: tsneRun }); },
  analysisFinished(id, ok, message) {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (ok) {
      if (queryUrl) URL.revokeObjectURL(queryUrl);
      queryUrl = p.url;
      nextFrame().then(() => p.resolve(api.state()));  // resolved once the results are drawn
    } else {
      URL.revokeObjectURL(p.url);
      p.reject(new Error(message));
    }
  },
  fatal,
  started: () => {},
  // The adaptive session and custom tags (JSON the app writes), kept in this browser only.
  saveState(key, json) {
    storeReady.then((store) => store && store.put(key, json)).then(() => { api.savedStates = (api.savedStates || 0) + 1; })
      .catch((e) => console.warn(`cuefinder: could not keep ${key}:`, e.message));
  },
};
const storeReady = openStore().catch(() => null);

// What the app kept last time for this catalog (cf_app_state_keys), handed back before the page is ready.
async function restoreStates() {
  const store = await storeReady;
  if (!store) return;
  for (const [key, json] of await store.entries(...core.mustJson('cf_app_state_keys'))) core.call('cf_app_restore_state', key, json);
}

function onTsneMessage(ev) {
  const m = ev.data;
  if (m.id !== tsneRun) return;
  if (m.type === 'progress' || m.type === 'done') {
    const xy = m.coords;
    core.call('cf_app_tsne_progress', xy, xy.length / 2, m.iter ?? m.total ?? 0, m.total ?? 1000, m.type === 'done');
    if (m.type === 'done') api.lastTsne = { ms: m.ms, n: xy.length / 2 };
  } else if (m.type === 'error') {
    core.call('cf_app_tsne_error', String(m.message));
  }
}

// Decoding a dropped file runs in 10 ms slices between frames (a MessageChannel task each), not
// only inside animation frames, so it uses the main thread's idle time and input stays responsive.
const pumpChannel = new MessageChannel();
let pumping = false;
pumpChannel.port1.onmessage = () => {
  if (Module && Module._cf_app_pump(10)) pumpChannel.port2.postMessage(0);
  else pumping = false;
};
function startPump() { if (!pumping) { pumping = true; pumpChannel.port2.postMessage(0); } }

// ---- window.cuefinder ---------------------------------------------------------------------------
const frames = [], cpuFrames = [], uiFrames = [];
let frameT = performance.now();
function tick(t) {
  frames.push(t - frameT);
  if (Module) { cpuFrames.push(Module._cf_app_last_frame_ms()); uiFrames.push(Module._cf_app_last_ui_ms()); }
  if (uiFrames.length > 2000) uiFrames.shift();
  if (frames.length > 2000) frames.shift();
  if (cpuFrames.length > 2000) cpuFrames.shift();
  frameT = t;
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);

let readyResolve, readyReject;
const api = {
  ready: new Promise((res, rej) => { readyResolve = res; readyReject = rej; }),
  state() {
    if (!Module) return { ready: false, busy: true, stage: 'loading', catalog: null, query: null, results: [] };
    return core.mustJson('cf_app_state');
  },
  layout() { return core ? core.mustJson('cf_app_layout') : {}; },
  async analyzeFile(file) {
    await api.ready;
    if (!(file instanceof Blob)) throw new Error('analyzeFile: expected a File or Blob');
    const name = file.name || 'dropped file';
    // A video is read in the page (WebCodecs) frame by frame, never whole into the heap.
    const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
    if (core.mustText('cf_app_media_kind', head, head.length)) return analyzeVideo(file, name);
    if (file.size > MAX_FILE_BYTES) {
      const msg = `${name}: the file is too large (${(file.size / 1e9).toFixed(1)} GB; the limit is 1 GB)`;
      core.call('cf_app_set_error', msg);
      throw new Error(msg);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const url = URL.createObjectURL(file);
    return new Promise((resolve, reject) => {
      const id = core.call('cf_app_analyze', name, bytes, bytes.length);
      pending.set(id, { resolve, reject, url, name });
      startPump();
      // The core may have answered synchronously (e.g. an empty file) before pending was set.
      if (earlyFinish.has(id)) { const [ok, msg] = earlyFinish.get(id); earlyFinish.delete(id); host.analysisFinished(id, ok, msg); }
    });
  },
  frameStats() {
    const v = frames.slice(1).sort((a, b) => a - b);
    if (!v.length) return { frames: 0 };
    const q = (f) => v[Math.min(v.length - 1, Math.floor(f * v.length))];
    const c = cpuFrames.slice(1).sort((a, b) => a - b);
    const qc = (f) => c[Math.min(c.length - 1, Math.floor(f * c.length))];
    const u = uiFrames.slice(1).sort((a, b) => a - b);
    const qu = (f) => u[Math.min(u.length - 1, Math.floor(f * u.length))];
    return { frames: v.length, mean_ms: v.reduce((a, b) => a + b, 0) / v.length, median_ms: q(0.5), p95_ms: q(0.95), max_ms: v[v.length - 1],
      cpu_median_ms: c.length ? qc(0.5) : null, cpu_p95_ms: c.length ? qc(0.95) : null,
      ui_median_ms: u.length ? qu(0.5) : null, ui_p95_ms: u.length ? qu(0.95) : null };
  },
  resetFrameStats() { frames.length = 0; cpuFrames.length = 0; uiFrames.length = 0; frameT = performance.now(); },
  setDisplayPoints(n) { Module._cf_app_display_points(n | 0); },
  /** Text search as if typed into the box; resolves with the state once results for `text` are shown. */
  async searchText(text, timeoutMs = 120000) {
    await api.ready;
    core.call('cf_app_set_text_query', String(text));
    return waitState((s) => s.semantic && s.semantic.text && s.semantic.text.query === String(text), timeoutMs, 'text results');
  },
  /** Zero-shot tags as if typed into the tagging panel; resolves when every label is scored. */
  async tagLabels(text, timeoutMs = 120000) {
    await api.ready;
    core.call('cf_app_set_tag_labels', String(text));
    const n = String(text).split(',').filter((x) => x.trim()).length;
    return waitState((s) => s.semantic && s.semantic.labels.length === n, timeoutMs, 'label scores');
  },
  timings: {},
  lastDownload: null,
  offlineReady: false,
};
// A dropped video: read into the core, then wait for its suggestions (or the error the app shows).
let appVideo = null, videoReader = null;
async function analyzeVideo(file, name) {
  videoReader ||= (await import('./video_remote.mjs')).readVideoOffThread;  // decoding in a worker
  const request = await appVideo.analyze(file, name);
  return waitState((s) => {
    const v = s.video;
    if (v.error && v.stage !== 'reading' && !v.reading) throw new Error(v.error);
    return v.name === name && v.stage === 'ready' && !v.reading;
  }, 600000, `suggestions for ${name} (request ${request})`);
}

async function waitState(pred, timeoutMs, what) {
  const t0 = performance.now();
  for (;;) {
    const s = api.state();
    if (pred(s)) return s;
    if (s.error && /text|label/.test(s.error)) throw new Error(s.error);
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const earlyFinish = new Map();
const finish = host.analysisFinished;
host.analysisFinished = (id, ok, message) => {
  if (!pending.has(id)) { earlyFinish.set(id, [ok, message]); return; }
  finish(id, ok, message);
};
window.cuefinder = api;

// ---- drops and the file picker ------------------------------------------------------------------
const dropHint = $('drop-hint');
let dragDepth = 0;
window.addEventListener('dragenter', (e) => { e.preventDefault(); dragDepth++; dropHint.hidden = false; });
window.addEventListener('dragleave', (e) => { e.preventDefault(); if (--dragDepth <= 0) { dragDepth = 0; dropHint.hidden = true; } });
window.addEventListener('dragover', (e) => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; });
window.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  dropHint.hidden = true;
  const file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
  if (file) api.analyzeFile(file).catch((err) => console.warn('cuefinder:', err.message));
});
$('file-input').addEventListener('change', (e) => {
  const file = e.target.files && e.target.files[0];
  e.target.value = '';
  if (file) api.analyzeFile(file).catch((err) => console.warn('cuefinder:', err.message));
});

window.addEventListener('keydown', (e) => {  // Ctrl+O: the picker needs a user gesture, so JS opens it
  if ((e.ctrlKey || e.metaKey) && (e.key === 'o' || e.key === 'O')) { e.preventDefault(); $('file-input').click(); }
}, true);

// ---- service worker (offline after the first visit) ---------------------------------------------
let swText = '';
function registerServiceWorker() {
  if (params.has('nosw')) return;
  registerWorker({ onMessage: (m) => {  // and reloads the page when a new site version takes over
    if (m.type === 'sw-precached') api.offlineReady = true;
    if (m.type === 'sw-preview-mismatch') console.warn('cuefinder: offline cache:', m.message);
    if (m.type === 'sw-error') console.warn('cuefinder: offline cache:', m.message);
    if (m.type === 'sw-progress' && m.total_bytes) {
      const done = m.done_bytes >= m.total_bytes;
      swText = done ? '' : `saving for offline use: ${(m.done_bytes / 1e6).toFixed(1)} / ${(m.total_bytes / 1e6).toFixed(1)} MB`;
      if (core && !appLoading) core.call('cf_app_set_status', swText, m.done_bytes / m.total_bytes);
    }
  } });
}
let appLoading = true;

// ---- start-up -----------------------------------------------------------------------------------
async function main() {
  const t0 = performance.now();
  if (typeof WebAssembly !== 'object') return fatal('This browser has no WebAssembly: cuefinder cannot run here.');
  if (typeof createCuefinderApp !== 'function') return fatal('cuefinder_app.js did not load (is the site complete?).');
  registerServiceWorker();
  const isolated = self.crossOriginIsolated === true;
  ort.env.wasm.wasmPaths = new URL('ort/', location.href).href;
  ort.env.wasm.numThreads = isolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2)) : 1;
  // Inference in ORT's proxy worker: a session.run() would otherwise block this thread (and the UI)
  // for the whole batch.
  ort.env.wasm.proxy = !params.has('noproxy');
  showLoading('Starting the app…', 0.05);
  Module = await createCuefinderApp({
    canvas: $('canvas'),
    cfHost: host,
    print: (s) => console.log(s),
    printErr: (s) => console.warn(s),
  });
  core = coreClient(Module);
  appVideo = createAppVideo({ core, player, layout: () => api.layout(), readVideo: (...a) => videoReader(...a) });
  Object.assign(host, appVideo.host);
  api.timings.module_ms = performance.now() - t0;
  loadingBox.hidden = true;
  setLoading('Downloading the catalog…', 0);

  // Models: manifests now (small), weights in the background (the first analysis waits for them).
  const manifests = {};
  await Promise.all(DEFAULT_SLOTS.map(async (s) => {
    const res = await fetch(`models/${s.name}/manifest.json`);
    if (!res.ok) throw new Error(`models/${s.name}/manifest.json: HTTP ${res.status}`);
    manifests[s.name] = await res.json();
  }));
  // The app's core analyses a dropped file with the "query" profile (src/core/analysis/profiles.h),
  // which also sets how many patches each slot's model sees.
  configureModels(Module, DEFAULT_SLOTS, manifests);
  for (const s of DEFAULT_SLOTS) {
    const m = manifests[s.name];
    const note = `${m.license?.name || m.license || 'see models/README.md'}; ${m.source?.url || m.source || ''}`;
    core.call('cf_app_model_note', s.name, note);
  }
  const modelBytes = new Map();
  const modelLoads = new Map();
  // The bridge checks each model against its manifest's sha256 (in the core) before ORT sees it.
  const loadModel = (name) => {
    if (!modelLoads.has(name)) {
      const file = modelFileName(manifests[name]), url = `models/${name}/${file}`;
      modelLoads.set(name, fetchBytes(url).then((b) => {
        modelBytes.set(name, b.length);
        return { bytes: b, path: url, sha256: manifestSha256(manifests[name], file) };
      }));
      modelLoads.get(name).catch(() => modelLoads.delete(name));
    }
    return modelLoads.get(name);
  };
  // serial: one queue for the audio models, so they run in the order the core asks (embedding first).
  const bridge = installOrtBridge(Module, ort, { loadModel, runners: textRunners(), serial: true });
  api.ortStats = bridge.stats;

  fetchBytes('fonts/DejaVuSans.ttf').then((b) => core.call('cf_app_set_font', b, b.length)).catch(() => {});

  const catalogName = params.get('catalog_name') || 'catalog';
  let info = {};
  let infoText = '';
  try { infoText = await (await fetch('catalog/catalog.json')).text(); info = JSON.parse(infoText); } catch (e) { /* the name is optional */ }
  const cfc = await fetchBytes('catalog/catalog.cfc', (got, total) =>
    setLoading(`Downloading the catalog… ${(got / 1e6).toFixed(1)}${total ? ' / ' + (total / 1e6).toFixed(1) : ''} MB`, total ? got / total : 0.5));
  const rc = core.call('cf_app_open_catalog', info.name || catalogName, 'catalog/', cfc, cfc.length);
  if (rc !== 0) {
    const msg = `The catalog could not be opened: ${core.error().message}`;
    core.call('cf_app_set_error', msg);
    setLoading('', 0);
    readyReject(new Error(msg));
    return;
  }
  if (infoText) core.call('cf_app_set_catalog_files', infoText);  // which tracks have full-length audio
  await restoreStates().catch((e) => console.warn('cuefinder: the last session could not be read:', e.message));
  appLoading = false;
  setLoading('', 0);
  // Words and pictures: the sentence encoder's vocabulary and the image model's class names (small);
  // their weights load when first used. A site without them still searches by audio.
  loadWordModels(manifests).catch((e) => {
    console.warn('cuefinder: text search unavailable:', e.message);
    if (e.name === 'ModelIntegrityError') core.call('cf_app_set_error', e.message);
  });
  if (swText) core.call('cf_app_set_status', swText, 0);
  if (params.has('points')) api.setDisplayPoints(parseInt(params.get('points'), 10));
  await nextFrame();
  api.timings.interactive_ms = performance.now() - t0;
  api.timings.page_interactive_ms = performance.now();  // since navigation start
  readyResolve(api.state());

  // Warm the models in the background so the first drop does not wait for the download, and once the
  // audio models' sessions exist, run each on one silent patch (the core's cf_app_warm_models) so the
  // first drop does not pay for ONNX Runtime's first run either.
  let done = 0;
  const audio = DEFAULT_SLOTS.map((s) => s.name);
  const names = [...audio, ...WORD_MODELS.filter((n) => manifests[n])];
  const created = names.map((n) => bridge.session(n).then(() => { done++; if (done === names.length) api.timings.models_ms = performance.now() - t0; }));
  for (const c of created) c.catch((e) => { if (e.name === 'ModelIntegrityError') core.call('cf_app_set_error', e.message); });
  Promise.all(created.slice(0, audio.length)).then(() => {
    const runs = bridge.stats.runs;
    Module._cf_app_warm_models();
    const until = performance.now() + 120000;
    const warmed = () => {
      if (bridge.stats.runs >= runs + audio.length) api.timings.models_warm_ms = performance.now() - t0;
      else if (performance.now() < until) setTimeout(warmed, 50);
    };
    warmed();
  }).catch(() => {});
}

// The sentence encoder runs in its own worker (web/text_worker.js: one thread, no proxy), so a query
// typed while the audio models work is not queued behind them and costs tens of ms, not hundreds.
function textRunners() {
  if (params.has('notextworker') || typeof Worker !== 'function') return {};
  let worker;
  try {
    worker = new Worker('text_worker.js', { type: 'module' });
  } catch (e) {
    console.warn('cuefinder: no text worker, the sentence encoder runs with the other models:', e.message);
    return {};
  }
  let next = 1;
  const waiting = new Map();
  worker.onmessage = (e) => {
    const m = e.data, w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.out); else w.reject(new Error(m.message));
  };
  worker.onerror = (e) => { for (const w of waiting.values()) w.reject(new Error(`text worker: ${e.message || 'failed'}`)); waiting.clear(); };
  const call = (msg, transfer = []) => new Promise((resolve, reject) => {
    const id = next++;
    waiting.set(id, { resolve, reject });
    worker.postMessage({ ...msg, id }, transfer);
  });
  return {
    'use-lite': {
      load: (bytes) => call({ type: 'load', name: 'use-lite', bytes }),
      run: (feeds, outputs) => call({ type: 'run', name: 'use-lite', feeds, outputs }),
    },
  };
}

// The text and image models (models/use-lite, models/mobilenet-v2): manifests, vocabulary, labels.
const WORD_MODELS = ['use-lite', 'mobilenet-v2'];
async function loadWordModels(manifests) {
  const t0 = performance.now();
  for (const name of WORD_MODELS) {
    const res = await fetch(`models/${name}/manifest.json`);
    if (!res.ok) throw new Error(`models/${name}/manifest.json: HTTP ${res.status}`);
    const m = await res.json();
    manifests[name] = m;
    const note = `${m.license?.name || m.license || 'see its manifest'}; ${m.source?.url || m.source || ''}`;
    core.call('cf_app_model_note', name, note);
  }
  // The vocabulary and labels are checked against their manifests like the weights.
  const verified = async (name, file) => checkModelBytes(Module, name,
    { bytes: await fetchBytes(`models/${name}/${file}`), path: `models/${name}/${file}`, sha256: manifestSha256(manifests[name], file) });
  const labels = new TextDecoder().decode(await verified('mobilenet-v2', 'labels.txt'));
  core.call('cf_app_set_image_labels', labels);
  const vocab = await verified('use-lite', 'vocab.txt');
  core.must('cf_app_set_text_model', vocab, vocab.length);
  api.timings.word_models_ms = performance.now() - t0;
}

main().catch((e) => { fatal(`cuefinder failed to start: ${e.message}`); if (readyReject) readyReject(e); });
