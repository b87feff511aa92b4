// cuefinder service worker: makes the site work offline after the first visit.
//
// [SECTION] contract
//   Register from the page:  navigator.serviceWorker.register('sw.js')   (scope = the site folder)
//   The site folder holds site-manifest.json (written by src/site/assemble.mjs):
//     {version, built, files:[{path, bytes, sha256}], groups:{app, models, catalog, previews, audio}}
//   install   fetches site-manifest.json, downloads groups app + models + catalog into the cache
//             "cuefinder-site-<version>" (files whose sha256 did not change are copied from the
//             previous version's cache instead of downloaded), checks every file's sha256, and posts
//               {type:'sw-progress', version, done_bytes, total_bytes, file}   (throttled, ordered)
//               {type:'sw-precached', version, total_bytes}                   (all files stored)
//               {type:'sw-error', version, message}                            (install failed)
//             to every window client, controlled or not. A failed install leaves the previous
//             version in charge (or none): the site still works online.
//   activate  deletes the caches of other versions, drops stored previews and full audio the new
//             manifest no longer names or lists with another sha256, claims the open pages and posts
//             {type:'sw-activated', version}. Pages that an older worker controlled reload then
//             (web/sw_client.mjs), so no page mixes files of two site versions.
//   fetch     (GET, same origin, inside the scope)
//             - precached paths: from the cache ('/' and folders map to index.html; the query string
//               is ignored); a cache miss falls back to the network.
//             - catalog previews (group "previews"): from the previews cache; on a miss the whole file
//               is fetched once and served; it is stored in "cuefinder-previews" (so a preview played
//               once plays offline later) only when its size and sha256 match site-manifest.json. On a
//               mismatch the page still gets the network's bytes, nothing is stored, and pages get
//               {type:'sw-preview-mismatch', version, path, message} (see fetchPreview for why).
//             - full-length track audio (group "audio", catalog/audio/*, never precached): from the
//               audio cache when stored there, else the network with the page's Range header (the page
//               fetches it in ranges: web/track_audio.mjs). A response that holds the whole file (200,
//               or 206 of bytes 0..size-1) and matches its size and sha256 in site-manifest.json is
//               stored in "cuefinder-audio", so a track fetched whole plays offline later; offline and
//               not stored, the request fails as a network error.
//             - navigations that are not precached: network, and the cached index.html when offline.
//             - everything else: network.
//             Range requests on cached or previewed files are answered from the stored full response:
//             206 with Content-Range (416 when unsatisfiable), so <audio> can seek offline.
//             Cached responses keep the headers our server sent (COOP/COEP/CORP), so the page stays
//             cross-origin isolated when it is loaded from the cache.
//   messages  page → {type:'sw-status'}  ⇒  reply {type:'sw-status', version, precached:true|false}
//
// A classic script (module service workers are not in every browser): it must run from any static
// host without a bundler. byte_range.js (also used by src/site/serve.mjs) sits next to it.
'use strict';

importScripts('byte_range.js');

// src/site/assemble.mjs rewrites this line with the site version so that every new site changes the
// bytes of sw.js, which is what makes browsers install the new worker.
const SITE_VERSION = 'dev';

const SITE_CACHE_PREFIX = 'cuefinder-site-';
const PREVIEW_CACHE = 'cuefinder-previews';
const AUDIO_CACHE = 'cuefinder-audio';
const META_CACHE = 'cuefinder-meta';
const PRECACHE_GROUPS = ['app', 'models', 'catalog'];
const PREVIEW_GROUP = 'previews';
const AUDIO_GROUP = 'audio';
const DOWNLOAD_CONCURRENCY = 4;
const PROGRESS_INTERVAL_MS = 150;

const scopeUrl = () => self.registration.scope;
const urlOf = (rel) => new URL(rel, scopeUrl()).href;
const metaKey = (name) => urlOf(`__cuefinder_sw/${name}`);

// [SECTION] messages to pages

let broadcastChain = Promise.resolve();
/** Posts msg to every window client; calls are delivered in order. */
function broadcast(msg) {
  broadcastChain = broadcastChain.then(async () => {
    const list = await self.clients.matchAll({ includeUncontrolled: true, type: 'window' });
    for (const c of list) c.postMessage(msg);
  }).catch(() => {});
  return broadcastChain;
}

// [SECTION] state: which version is in charge, and what it holds
//
// A worker can be stopped and restarted at any time, so the active version is stored in META_CACHE at
// activation and read back lazily; the in-memory copy is only a shortcut.

let state = null;  // {version, cacheName, precached:Set<rel>, previews:Set<rel>, audio:Set<rel>, files:Map<rel, {bytes, sha256}>}

function stateFromManifest(manifest) {
  const precached = new Set(['site-manifest.json']);
  for (const g of PRECACHE_GROUPS) for (const p of manifest.groups?.[g] || []) precached.add(p);
  return {
    version: manifest.version,
    cacheName: SITE_CACHE_PREFIX + manifest.version,
    precached,
    previews: new Set(manifest.groups?.[PREVIEW_GROUP] || []),
    audio: new Set(manifest.groups?.[AUDIO_GROUP] || []),
    files: new Map((manifest.files || []).map((f) => [f.path, f])),
  };
}

async function readJson(cacheName, key) {
  const cache = await caches.open(cacheName);
  const r = await cache.match(key);
  return r ? r.json() : null;
}

async function loadState() {
  if (state) return state;
  const active = await readJson(META_CACHE, metaKey('active'));
  if (!active) return null;
  const manifest = await readJson(SITE_CACHE_PREFIX + active.version, urlOf('site-manifest.json'));
  if (!manifest) return null;
  state = stateFromManifest(manifest);
  return state;
}

// [SECTION] install: precache with progress

async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Copies of the headers worth keeping (all of them: same-origin responses expose every header). */
function storedResponse(body, from) {
  return new Response(body, { status: 200, statusText: from.statusText || 'OK', headers: from.headers });
}

async function precache() {
  const res = await fetch(urlOf('site-manifest.json'), { cache: 'no-store' });
  if (!res.ok) throw new Error(`site-manifest.json: HTTP ${res.status}`);
  const manifestText = await res.text();
  const manifest = JSON.parse(manifestText);
  const next = stateFromManifest(manifest);
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  const todo = [...next.precached].filter((p) => p !== 'site-manifest.json').map((p) => {
    const f = byPath.get(p);
    if (!f) throw new Error(`site-manifest.json lists ${p} in a group but not in files`);
    return f;
  });
  const total = todo.reduce((s, f) => s + f.bytes, 0);
  const cache = await caches.open(next.cacheName);

  // Files unchanged since the version in charge are copied, not downloaded again.
  const previous = await loadState().catch(() => null);
  const oldManifest = previous && previous.version !== next.version ? await readJson(previous.cacheName, urlOf('site-manifest.json')) : null;
  const oldSha = new Map((oldManifest?.files || []).map((f) => [f.path, f.sha256]));
  const oldCache = oldManifest ? await caches.open(previous.cacheName) : null;

  let done = 0, lastPost = 0;
  const progress = (file, force) => {
    const now = Date.now();
    if (!force && now - lastPost < PROGRESS_INTERVAL_MS) return;
    lastPost = now;
    broadcast({ type: 'sw-progress', version: next.version, done_bytes: done, total_bytes: total, file });
  };
  progress('site-manifest.json', true);

  const one = async (f) => {
    const key = urlOf(f.path);
    if (await cache.match(key)) {  // an interrupted install of this same version got this far
      done += f.bytes;
      return progress(f.path, false);
    }
    if (oldCache && oldSha.get(f.path) === f.sha256) {
      const old = await oldCache.match(key);
      if (old) {
        await cache.put(key, old);
        done += f.bytes;
        return progress(f.path, false);
      }
    }
    const r = await fetch(key, { cache: 'no-cache' });
    if (r.status !== 200) throw new Error(`${f.path}: HTTP ${r.status}`);
    const chunks = [];
    let got = 0;
    const reader = r.body.getReader();
    for (;;) {
      const { done: end, value } = await reader.read();
      if (end) break;
      chunks.push(value);
      got += value.byteLength;
      done += value.byteLength;
      progress(f.path, false);
    }
    const blob = new Blob(chunks);
    if (got !== f.bytes) throw new Error(`${f.path}: got ${got} bytes, site-manifest.json says ${f.bytes}`);
    const sha = await sha256Hex(blob);
    if (sha !== f.sha256) throw new Error(`${f.path}: sha256 ${sha} does not match site-manifest.json (a half-updated deployment?)`);
    await cache.put(key, storedResponse(blob, r));
  };

  const queue = todo.slice();
  const workers = Array.from({ length: Math.min(DOWNLOAD_CONCURRENCY, queue.length) }, async () => {
    while (queue.length) {
      try {
        await one(queue.shift());
      } catch (e) {
        queue.length = 0;  // stop the other downloads too
        throw e;
      }
    }
  });
  await Promise.all(workers);
  // The manifest goes in last: its presence marks a complete cache.
  await cache.put(urlOf('site-manifest.json'), storedResponse(manifestText, res));
  progress('', true);
  await broadcast({ type: 'sw-precached', version: next.version, total_bytes: total });
  return next;
}

let installed = null;  // the state this worker installed, used at activation

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    try {
      installed = await precache();
    } catch (e) {
      const message = e && e.name === 'QuotaExceededError'
        ? 'not enough storage for the offline copy of the site (the app still works online)'
        : `offline copy failed: ${e && e.message ? e.message : e}`;
      await broadcast({ type: 'sw-error', version: SITE_VERSION, message });
      throw e;
    }
    await self.skipWaiting();
  })());
});

// [SECTION] activate: switch versions, clean up

/** Keeps the stored previews (or full audio: group 'audio') that `next` names with the sha256 they were checked against. */
async function prunePreviews(previous, next, cacheName = PREVIEW_CACHE, group = 'previews') {
  const previews = await caches.open(cacheName);
  const keep = new Set();
  for (const rel of next[group]) {
    const was = previous?.files.get(rel)?.sha256;
    if (!previous || was === next.files.get(rel)?.sha256) keep.add(urlOf(rel));
  }
  for (const req of await previews.keys()) if (!keep.has(req.url)) await previews.delete(req);
}

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    let next = installed;
    if (!next) {  // restarted between install and activate: find the cache install left behind
      const names = (await caches.keys()).filter((n) => n.startsWith(SITE_CACHE_PREFIX));
      for (const n of names.reverse()) {
        const m = await readJson(n, urlOf('site-manifest.json'));
        if (m && (SITE_VERSION === 'dev' || m.version === SITE_VERSION)) {
          next = stateFromManifest(m);
          break;
        }
      }
    }
    if (next) {
      const previous = await loadState().catch(() => null);  // still the old version's state
      const meta = await caches.open(META_CACHE);
      await meta.put(metaKey('active'), new Response(JSON.stringify({ version: next.version }), { headers: { 'Content-Type': 'application/json' } }));
      state = next;
      for (const n of await caches.keys()) {
        if (n.startsWith(SITE_CACHE_PREFIX) && n !== next.cacheName) await caches.delete(n);
      }
      await prunePreviews(previous, next);
      await prunePreviews(previous, next, AUDIO_CACHE, 'audio');
    }
    await self.clients.claim();
    await broadcast({ type: 'sw-activated', version: next ? next.version : SITE_VERSION });
  })());
});

// [SECTION] fetch

/** Answers a Range request from a stored full response; other requests get the response as is. */
async function withRange(request, full) {
  const range = request.headers.get('range');
  if (!range || full.status !== 200) return full;
  const blob = await full.blob();
  const r = self.cuefinderByteRange.parseRange(range, blob.size);
  const headers = new Headers(full.headers);
  if (r === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${blob.size}`);
    headers.delete('Content-Length');
    return new Response('', { status: 416, statusText: 'Range Not Satisfiable', headers });
  }
  if (!r) return new Response(blob, { status: 200, statusText: 'OK', headers });
  headers.set('Content-Range', `bytes ${r.start}-${r.end}/${blob.size}`);
  headers.set('Content-Length', String(r.end - r.start + 1));
  return new Response(blob.slice(r.start, r.end + 1), { status: 206, statusText: 'Partial Content', headers });
}

/** Why a downloaded file does not match its site-manifest.json entry, or '' when it does. */
async function mismatch(rel, blob, expected) {
  if (!expected) return `${rel} is not listed in site-manifest.json`;
  if (blob.size !== expected.bytes) return `${rel}: got ${blob.size} bytes, site-manifest.json says ${expected.bytes}`;
  const sha = await sha256Hex(blob);
  return sha === expected.sha256 ? '' : `${rel}: sha256 ${sha} does not match site-manifest.json (${expected.sha256})`;
}

/**
 * A preview not stored yet: fetched whole (without the page's Range header, so it can be stored and
 * sliced), stored only when its size and sha256 match the manifest of the version in charge.
 * A mismatch is answered with the network's bytes all the same (the page plays what it would play
 * without a service worker: most often the site was redeployed and the server has the next version's
 * file), but not stored, so the offline copy never holds bytes the manifest does not vouch for. Pages
 * get {type:'sw-preview-mismatch', path, message}, and the worker checks for a new site version.
 */
async function fetchPreview(request, rel, st, cache) {
  const r = await fetch(urlOf(rel), { cache: 'no-cache' });
  if (r.status !== 200) return r;
  const blob = await r.blob();
  const why = await mismatch(rel, blob, st.files.get(rel));
  if (why) {
    broadcast({ type: 'sw-preview-mismatch', version: st.version, path: rel, message: `${why}: played, not stored for offline use` });
    self.registration.update().catch(() => {});
  } else {
    await cache.put(urlOf(rel), storedResponse(blob, r)).catch(() => {});  // storage full: still play it
  }
  return withRange(request, storedResponse(blob, r));
}

/**
 * Full-length audio not stored yet: the network answers the page's own request (its Range header
 * included). A response holding the whole file is stored when it matches site-manifest.json; the
 * check and the storing run after the page has its response (event.waitUntil keeps the worker alive).
 */
async function fetchAudio(request, rel, st, cache, event) {
  const r = await fetch(request);
  const range = r.status === 206 ? /^bytes 0-(\d+)\/(\d+)$/.exec(r.headers.get('content-range') || '') : null;
  const whole = r.status === 200 || (range && Number(range[1]) + 1 === Number(range[2]));
  if (whole && st.files.has(rel)) {
    const copy = r.clone();
    event.waitUntil((async () => {
      const blob = await copy.blob();
      if (await mismatch(rel, blob, st.files.get(rel))) return;  // not vouched for: not stored
      const headers = new Headers(copy.headers);
      headers.delete('Content-Range');
      headers.set('Content-Length', String(blob.size));
      await cache.put(urlOf(rel), new Response(blob, { status: 200, statusText: 'OK', headers }));
    })().catch(() => {}));  // storage full: the page has its bytes all the same
  }
  return r;
}

async function respond(request, rel, event) {
  const st = await loadState().catch(() => null);
  if (st && st.precached.has(rel)) {
    const cache = await caches.open(st.cacheName);
    const hit = await cache.match(urlOf(rel));
    if (hit) return withRange(request, hit);
  } else if (st && st.previews.has(rel)) {
    const cache = await caches.open(PREVIEW_CACHE);
    const hit = await cache.match(urlOf(rel));
    if (hit) return withRange(request, hit);
    return fetchPreview(request, rel, st, cache);
  } else if (st && st.audio.has(rel)) {
    const cache = await caches.open(AUDIO_CACHE);
    const hit = await cache.match(urlOf(rel));
    if (hit) return withRange(request, hit);
    return fetchAudio(request, rel, st, cache, event);
  }
  if (request.mode === 'navigate') {
    try {
      return await fetch(request);
    } catch (e) {
      if (st) {
        const hit = await (await caches.open(st.cacheName)).match(urlOf('index.html'));
        if (hit) return hit;
      }
      throw e;
    }
  }
  return fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  const scope = new URL(scopeUrl());
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  let rel;
  try {
    rel = decodeURIComponent(url.pathname.slice(scope.pathname.length));
  } catch {
    return;
  }
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  if (rel === 'sw.js') return;
  event.respondWith(respond(request, rel, event));
});

self.addEventListener('message', (event) => {
  const msg = event.data || {};
  if (msg.type === 'sw-status' && event.source) {
    event.waitUntil(loadState().then((st) => {
      event.source.postMessage({ type: 'sw-status', version: st ? st.version : null, precached: !!st });
    }));
  }
});
