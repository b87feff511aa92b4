// Harness for cuefinder's browser tests: headless Debian Chromium driven by playwright-core.
//
//   import test from 'node:test';
//   import { skipUnlessChromium, launchBrowser, openPage, assertNoLeak, shot, dropFile } from './lib.mjs';
//   const skip = skipUnlessChromium();                    // a reason string, or false
//   test('drop a file', { skip }, async (t) => {
//     const browser = await launchBrowser();
//     t.after(() => browser.close());
//     const { page, requests } = await openPage(browser, srv.url);
//     await dropFile(page, '#canvas', { name: 'a.ogg', mimeType: 'audio/ogg', buffer: bytes });
//     await shot(page, 'after-drop');                      // build/browser-shots/after-drop.png
//     assertNoLeak(requests, { allowedOrigin: new URL(srv.url).origin, forbiddenBytes: [bytes] });
//   });
//
// [SECTION] index
//   CHROMIUM, CHROMIUM_ARGS, SHOTS_DIR
//   skipUnlessChromium()                 → false | reason (printed; throws with CF_REQUIRE_BROWSER=1)
//   launchBrowser({headless, args})      → playwright Browser (fresh temp profile per launch)
//   openPage(browser, url, opts)         → {page, context, response, requests, console, pageErrors, close()}
//                                        opts.initScript: a function run before every page script of the context
//   assertNoLeak(requests, opts)         throws an AssertionError listing every offending request
//   buildWindowIndex(bytes), findWindow(haystack, index)   the 64-byte window search of assertNoLeak
//   tempDir(prefix)                      a fresh folder under the OS temp dir
//   shot(page, name, opts)               → path of build/browser-shots/<name>.png
//   dropFile(page, selector, file)       real drag-and-drop of an in-memory file onto an element
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** The browser binary: Debian's chromium (override with CF_CHROMIUM). */
export const CHROMIUM = process.env.CF_CHROMIUM || '/usr/bin/chromium';

/** Flags that give WebGL2 (SwiftShader) in headless Chromium on this machine (see TOOLCHAIN.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Screenshots go here (repo-relative, ignored build output). */
export const SHOTS_DIR = path.join(repoRoot, 'build', 'browser-shots');

let chromium = null;
function playwrightChromium() {
  if (!chromium) chromium = require('playwright-core').chromium;
  return chromium;
}

/**
 * Returns false when browser tests can run, else a reason, printed to stdout ("browser tests skipped:
 * ...") so that a skip shows up in the test log; pass it as node:test's `skip` option. With
 * CF_REQUIRE_BROWSER=1 (CI, after setup installed chromium) a missing browser throws instead.
 */
export function skipUnlessChromium() {
  let reason = false;
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
  } catch {
    reason = `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) or set CF_CHROMIUM`;
  }
  if (!reason) {
    try {
      require.resolve('playwright-core');
    } catch {
      reason = 'playwright-core is not installed (npm install)';
    }
  }
  if (reason && process.env.CF_REQUIRE_BROWSER === '1') {
    throw new Error(`browser tests required (CF_REQUIRE_BROWSER=1) but cannot run: ${reason}`);
  }
  if (reason) console.log(`browser tests skipped: ${reason}`);
  return reason;
}

/**
 * Starts headless Chromium. Every launch gets a fresh temporary profile (playwright creates and
 * deletes it), and every openPage() a fresh context inside it: no service worker, cache or storage
 * survives from one test to the next. Close it with browser.close().
 * @param {{headless?: boolean, args?: string[], slowMo?: number}} [o]
 */
export async function launchBrowser({ headless = true, args = [], slowMo } = {}) {
  return playwrightChromium().launch({
    executablePath: CHROMIUM,
    headless,
    chromiumSandbox: false,
    args: [...CHROMIUM_ARGS, ...args],
    slowMo,
  });
}

/**
 * Opens url in a new browser context and records its traffic.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {object} [o]
 * @param {boolean} [o.recordRequests=true]  record every request of the context: the page, its frames,
 *        dedicated workers and service workers (each entry also says `serviceWorker: true` when a
 *        service worker issued it), plus WebSocket opens as method 'WEBSOCKET'
 * @param {{width:number,height:number}} [o.viewport={width:1280,height:800}]
 * @param {number} [o.deviceScaleFactor=1]
 * @param {string} [o.waitUntil='load']  passed to page.goto; null skips the navigation
 * @param {boolean} [o.echoConsole=false] print the page's console to stdout as it happens
 * @returns {Promise<{page, context, response (of the navigation, or null), requests: object[], console: {type:string,text:string}[],
 *          pageErrors: string[], close: () => Promise<void>}>}
 *   requests[i] = {method, url, resourceType, headers, postData: Buffer|null, postDataBytes,
 *                  serviceWorker: boolean, status (once answered, else undefined), failure}
 */
export async function openPage(browser, url, {
  recordRequests = true, viewport = { width: 1280, height: 800 }, deviceScaleFactor = 1,
  waitUntil = 'load', echoConsole = false, initScript = null,
} = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor, serviceWorkers: 'allow' });
  if (initScript) await context.addInitScript(initScript);  // runs before the scripts of every page of the context
  const requests = [];
  const consoleMessages = [];
  const pageErrors = [];
  if (recordRequests) {
    const byRequest = new Map();
    context.on('request', (r) => {
      let postData = null;
      try {
        postData = r.postDataBuffer();
      } catch {
        postData = null;
      }
      let sw = false;
      try {
        sw = !!r.serviceWorker();
      } catch {
        sw = false;
      }
      const entry = {
        method: r.method(), url: r.url(), resourceType: r.resourceType(), headers: r.headers(),
        postData, postDataBytes: postData ? postData.length : 0, serviceWorker: sw, status: undefined, failure: null,
      };
      byRequest.set(r, entry);
      requests.push(entry);
    });
    context.on('response', (resp) => {
      const e = byRequest.get(resp.request());
      if (e) e.status = resp.status();
    });
    context.on('requestfailed', (r) => {
      const e = byRequest.get(r);
      if (e) e.failure = r.failure()?.errorText || 'failed';
    });
  }
  const page = await context.newPage();
  const watch = (p) => {
    p.on('console', (m) => {
      consoleMessages.push({ type: m.type(), text: m.text() });
      if (echoConsole) console.log(`[page ${m.type()}] ${m.text()}`);
    });
    p.on('pageerror', (e) => pageErrors.push(String(e && e.stack ? e.stack : e)));
    if (recordRequests) {
      p.on('websocket', (ws) => requests.push({
        method: 'WEBSOCKET', url: ws.url(), resourceType: 'websocket', headers: {}, postData: null, postDataBytes: 0,
        serviceWorker: false, status: undefined, failure: null,
      }));
    }
  };
  watch(page);
  context.on('page', (p) => { if (p !== page) watch(p); });
  const response = url && waitUntil ? await page.goto(url, { waitUntil }) : null;
  return { page, context, response, requests, console: consoleMessages, pageErrors, close: () => context.close() };
}

// [SECTION] leak check

const WINDOW_BYTES = 64;
const HASH_BASE = 0x01000193;

/** HASH_BASE^WINDOW_BYTES mod 2^32, to remove the byte leaving a rolling window. */
const HASH_BASE_POW = (() => {
  let p = 1;
  for (let i = 0; i < WINDOW_BYTES; i++) p = Math.imul(p, HASH_BASE) >>> 0;
  return p;
})();

/**
 * Indexes every 64-byte window of `bytes` (an open-addressing table of rolling hashes) so that a
 * body can be searched for any of them in one pass.
 */
export function buildWindowIndex(bytes) {
  const n = Math.max(0, bytes.length - WINDOW_BYTES + 1);
  let cap = 16;
  while (cap < n * 2) cap <<= 1;
  const mask = cap - 1;
  const hashes = new Uint32Array(cap);
  const positions = new Int32Array(cap).fill(-1);
  let h = 0;
  for (let i = 0; i < bytes.length; i++) {
    h = (Math.imul(h, HASH_BASE) + bytes[i]) >>> 0;
    if (i >= WINDOW_BYTES) h = (h - Math.imul(bytes[i - WINDOW_BYTES], HASH_BASE_POW)) >>> 0;
    if (i >= WINDOW_BYTES - 1) {
      let slot = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
      while (positions[slot] !== -1 && hashes[slot] !== h) slot = (slot + 1) & mask;
      if (positions[slot] === -1) {  // keep the first window with this hash; equal hashes are verified
        hashes[slot] = h;
        positions[slot] = i - WINDOW_BYTES + 1;
      }
    }
  }
  return { bytes, hashes, positions, mask };
}

/**
 * Finds a 64-byte window of index.bytes inside haystack.
 * @returns {{at:number, from:number}|null} offset in haystack and in the indexed bytes
 */
export function findWindow(haystack, index) {
  if (haystack.length < WINDOW_BYTES || index.bytes.length < WINDOW_BYTES) return null;
  const { bytes, hashes, positions, mask } = index;
  let h = 0;
  for (let i = 0; i < haystack.length; i++) {
    h = (Math.imul(h, HASH_BASE) + haystack[i]) >>> 0;
    if (i >= WINDOW_BYTES) h = (h - Math.imul(haystack[i - WINDOW_BYTES], HASH_BASE_POW)) >>> 0;
    if (i < WINDOW_BYTES - 1) continue;
    let slot = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
    while (positions[slot] !== -1) {
      if (hashes[slot] === h) {
        const start = i - WINDOW_BYTES + 1, from = positions[slot];
        let same = true;
        for (let k = 0; k < WINDOW_BYTES && same; k++) same = haystack[start + k] === bytes[from + k];
        if (same) return { at: start, from };
        // Same hash, different bytes: a different window with this hash may exist; fall back to a
        // direct scan for this position (rare).
        if (scanAt(haystack, start, bytes)) return { at: start, from: -1 };
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return null;
}

function scanAt(haystack, start, bytes) {
  outer: for (let j = 0; j + WINDOW_BYTES <= bytes.length; j++) {
    for (let k = 0; k < WINDOW_BYTES; k++) if (haystack[start + k] !== bytes[j + k]) continue outer;
    return true;
  }
  return false;
}

function isLocalScheme(u) {
  return u.startsWith('data:') || u.startsWith('blob:') || u.startsWith('about:');
}

/**
 * Fails unless every recorded request is a body-less GET/HEAD to allowedOrigin that carries none of
 * the forbidden data. Checks per request: method, origin (blob:/data:/about: URLs stay in the browser
 * and are allowed), no body, no forbidden string in the URL or a header value (plain or
 * percent-encoded), and no 64-byte window of any forbidden byte array in the URL, a header or a body.
 * @param {object[]} requests  from openPage()
 * @param {{allowedOrigin: string, forbiddenBytes?: Uint8Array[], forbiddenStrings?: string[]}} o
 */
export function assertNoLeak(requests, { allowedOrigin, forbiddenBytes = [], forbiddenStrings = [] } = {}) {
  assert.ok(allowedOrigin, 'assertNoLeak: allowedOrigin is required');
  const origin = new URL(allowedOrigin).origin;
  const indexes = forbiddenBytes.filter((b) => b && b.length >= WINDOW_BYTES).map((b) => buildWindowIndex(b));
  const strings = forbiddenStrings.filter(Boolean);
  const problems = [];
  for (const r of requests) {
    const where = `${r.method} ${r.url.length > 200 ? r.url.slice(0, 200) + '…' : r.url}${r.serviceWorker ? ' (from the service worker)' : ''}`;
    if (isLocalScheme(r.url)) continue;
    if (r.method !== 'GET' && r.method !== 'HEAD') problems.push(`${where}: method ${r.method} (only GET/HEAD allowed)`);
    let reqOrigin = null;
    try {
      reqOrigin = new URL(r.url).origin;
    } catch { /* reported below */ }
    if (reqOrigin !== origin) problems.push(`${where}: goes to ${reqOrigin}, not ${origin}`);
    if (r.postDataBytes > 0) problems.push(`${where}: has a ${r.postDataBytes}-byte body`);
    const headerText = Object.entries(r.headers || {}).map(([k, v]) => `${k}: ${v}`).join('\n');
    for (const s of strings) {
      for (const [what, text] of [['URL', r.url], ['headers', headerText]]) {
        let decoded = text;
        try {
          decoded = decodeURIComponent(text);
        } catch { /* keep raw */ }
        if (text.includes(s) || decoded.includes(s)) problems.push(`${where}: ${what} contains the forbidden string "${s}"`);
      }
    }
    if (indexes.length) {
      const parts = [['URL', Buffer.from(r.url)], ['headers', Buffer.from(headerText)]];
      if (r.postData && r.postData.length) parts.push(['body', r.postData]);
      for (const [what, buf] of parts) {
        for (const [k, idx] of indexes.entries()) {
          const hit = findWindow(buf, idx);
          if (hit) problems.push(`${where}: ${what} holds 64 bytes of forbidden input #${k} (at ${hit.at}${hit.from >= 0 ? `, input offset ${hit.from}` : ''})`);
        }
      }
    }
  }
  if (problems.length) {
    assert.fail(`${problems.length} request(s) leave the device or carry forbidden data:\n  ${problems.join('\n  ')}`);
  }
}

// [SECTION] screenshots and input

/**
 * Saves a screenshot to build/browser-shots/<name>.png and returns its path.
 * @param {import('playwright-core').Page} page
 * @param {string} name  file name without extension ([A-Za-z0-9._-])
 * @param {object} [o]   extra page.screenshot options (fullPage, clip, ...)
 */
export async function shot(page, name, o = {}) {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`shot: bad name "${name}" (letters, digits, . _ - only)`);
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  const file = path.join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, ...o });
  return file;
}

/**
 * Drops an in-memory file onto the element matching selector, as a user dragging it from the file
 * manager would: dragenter, dragover and drop at the element's centre, with a DataTransfer holding a
 * real File (name, type, bytes). Uses playwright's Locator.drop() (1.58+), which throws when the
 * page's dragover handler does not call preventDefault() (the page would refuse the drop); older
 * playwright-core versions get the same events dispatched by hand.
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 * @param {{name: string, mimeType?: string, buffer: Uint8Array}} file
 * @param {{position?: {x:number,y:number}}} [o] drop point relative to the element's top-left corner
 */
export async function dropFile(page, selector, { name, mimeType = 'application/octet-stream', buffer }, o = {}) {
  const buf = Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const locator = page.locator(selector).first();
  if (typeof locator.drop === 'function') {
    await locator.drop({ files: { name, mimeType, buffer: buf } }, o.position ? { position: o.position } : {});
    return;
  }
  const box = await locator.boundingBox();
  if (!box) throw new Error(`dropFile: ${selector} is not visible`);
  const x = box.x + (o.position ? o.position.x : box.width / 2), y = box.y + (o.position ? o.position.y : box.height / 2);
  const accepted = await page.evaluate(({ b64, name, mimeType, x, y }) => {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type: mimeType }));
    const target = document.elementFromPoint(x, y);
    if (!target) return false;
    const fire = (type) => {
      const ev = new DragEvent(type, { bubbles: true, cancelable: true, composed: true, clientX: x, clientY: y, dataTransfer: dt });
      target.dispatchEvent(ev);
      return ev.defaultPrevented;
    };
    fire('dragenter');
    if (!fire('dragover')) {
      fire('dragleave');
      return false;
    }
    fire('drop');
    return true;
  }, { b64: buf.toString('base64'), name, mimeType, x, y });
  if (!accepted) throw new Error(`dropFile: the page refused the drop on ${selector} (dragover not prevented)`);
}

/** A fresh temporary folder (removed by the caller, e.g. t.after(() => fs.rmSync(dir, {recursive:true}))). */
export function tempDir(prefix = 'cf-browser-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * The browser tests' catalog: short clips from tests/data/audio and the golden clips
 * (tests/data/golden/source), built by the catalog CLI with the given WASM module (its analyses are
 * cached: a rebuild only re-writes), with every track's full-length audio (--full-audio all: a folder
 * gives no license fields; the clips' licenses are in tests/data/README.md). Returns the catalog folder.
 */
export function fixtureCatalog(nodeModule) {
  const golden = path.join(repoRoot, 'tests/data/golden/source');
  const out = path.join(repoRoot, 'build/test-fixtures/browser-catalog');
  const music = path.join(out, 'music');
  const clips = ['vorbis_q2_44k_stereo_3s.ogg', 'flac_s16_44k_stereo.flac', 'mp3_cbr128_44k_stereo.mp3', 'opus_64k_48k_stereo.opus',
    'wav_s16_44k_stereo.wav', 'tags_flac.flac', 'tags_vorbis.ogg', 'flac_s24_48k_stereo.flac'];
  const sources = [...clips.map((c) => path.join(repoRoot, 'tests/data/audio', c)), ...fs.readdirSync(golden).filter((f) => /\.(mp3|ogg)$/.test(f)).map((f) => path.join(golden, f))];
  // Files of an older fixture (other clips) leave the music folder, so the catalog holds exactly these.
  const names = new Set(sources.map((f) => path.basename(f)));
  if (fs.existsSync(music)) for (const f of fs.readdirSync(music)) if (!names.has(f)) fs.rmSync(path.join(music, f), { recursive: true });
  fs.mkdirSync(music, { recursive: true });
  for (const f of sources) fs.copyFileSync(f, path.join(music, path.basename(f)));
  const catalog = path.join(out, 'catalog');
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'src/cli/catalog/build.mjs'), music, '-o', catalog, '--jobs', '2', '--name', 'browser test fixture', '--full-audio', 'all', '--quiet'],
    // wasm: the same analyses, so the same t-SNE map, on every machine (the native runtime's kernels depend on
    // the CPU, and the map, which the lasso tests draw on, moves with the last digits).
    { encoding: 'utf8', env: { ...process.env, CF_NODE_MODULE: nodeModule, CF_ORT_RUNTIME: 'wasm' } });
  assert.equal(r.status, 0, `fixture catalog build failed: ${r.stderr}`);
  return catalog;
}

/** A PNG file (8-bit RGB, no filter) of raw RGB bytes: test photos stored as pixels become real files. */
export function encodePng(rgb, width, height) {
  const crcTable = new Int32Array(256).map((_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  const crc = (buf) => {
    let c = -1;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (1 + width * 3) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
