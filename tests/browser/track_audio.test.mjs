// A catalog track's full-length audio in the page: web/track_audio.mjs's fetchTrackAudio on a site
// assembled (src/site/assemble.mjs, group "audio") from the browser tests' fixture catalog, which is
// built with --full-audio all (tests/browser/lib.mjs), served by src/site/serve.mjs with the real
// service worker (web/sw.js) in charge: the bytes are the file's, every request carries a Range header,
// progress adds up; a missing file, a size the catalog does not expect, a server that ignores Range
// (plain GET), a truncated range and a network failure give errors naming the track, a cancel stops it; a file fetched
// whole is stored by the service worker and fetched offline in ranges from its cache.
import test from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble, ORT_FILES } from '../../src/site/assemble.mjs';
import { startServer } from '../../src/site/serve.mjs';
import { skipUnlessChromium, launchBrowser, openPage, tempDir, fixtureCatalog, assertNoLeak } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const nodeModule = path.resolve(process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js'));
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const skip = skipUnlessChromium() || (!fs.existsSync(nodeModule) && `needs ${nodeModule} (./cuefinder build wasm-release cuefinder_node)`);

function write(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

/** A small site around the fixture catalog: the service-worker test page, sw.js, track_audio.mjs; stand-ins for the rest. */
function siteInputs(tmp, catalog) {
  const web = path.join(tmp, 'in/web');
  write(path.join(web, 'index.html'), fs.readFileSync(path.join(root, 'tests/browser/fixtures/sw_page.html')));
  for (const f of ['sw.js', 'sw_client.mjs', 'byte_range.js', 'track_audio.mjs']) write(path.join(web, f), fs.readFileSync(path.join(root, 'web', f)));
  write(path.join(web, 'style.css'), 'body { font: 16px sans-serif; }\n');
  const app = path.join(tmp, 'in/app');
  write(path.join(app, 'cuefinder_app.js'), '// stand-in\n');
  write(path.join(app, 'cuefinder_app.wasm'), 'stand-in');
  const ortDist = path.join(tmp, 'in/ort');
  for (const f of ORT_FILES) write(path.join(ortDist, f), `// fake ${f}\n`);
  const models = path.join(tmp, 'in/models');
  write(path.join(models, 'tiny/model.onnx'), 'stand-in');
  write(path.join(models, 'tiny/manifest.json'), '{"name":"tiny"}\n');
  write(path.join(models, 'README.md'), '# models\n');
  write(path.join(models, 'LICENSE-essentia-models.txt'), 'CC BY-NC-ND 4.0\n');
  const licenseDir = path.join(tmp, 'in/lic');
  write(path.join(licenseDir, 'LICENSE'), 'MIT\n');
  write(path.join(licenseDir, 'THIRD_PARTY.md'), '# third party\n');
  return { out: path.join(tmp, 'site'), web, app, ortDist, models, catalog, licenseDir, font: false };
}

/** Runs fetchTrackAudio in the page; resolves {ok, bytes, sha256, progress} or {ok: false, message}. */
const fetchInPage = (page, url, options = {}) => page.evaluate(async ({ url, options }) => {
  const { fetchTrackAudio } = await import('./track_audio.mjs');
  const progress = [];
  try {
    const bytes = await fetchTrackAudio(url, { ...options, onProgress: (got, total) => progress.push([got, total]) });
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return { ok: true, bytes: bytes.length, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''), progress };
  } catch (e) {
    return { ok: false, message: String(e.message || e), progress };
  }
}, { url, options });

test('browser: a track\'s full audio fetched in ranges, named errors, offline from the service worker', { skip, timeout: 300_000 }, async (t) => {
  const tmp = tempDir('cf-track-audio-');
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const catalog = fixtureCatalog(nodeModule);
  const { out, manifest } = await assemble(siteInputs(tmp, catalog));

  // The fixture catalog has full audio for every track, and the site ships it (never precached).
  const tracks = JSON.parse(fs.readFileSync(path.join(out, 'catalog/catalog.json'), 'utf8')).tracks;
  assert.ok(tracks.length >= 5 && tracks.every((tr) => tr.audio && tr.audio_bytes > 0), 'every fixture track has full audio');
  assert.equal(manifest.groups.audio.length, new Set(tracks.map((tr) => tr.audio)).size);
  for (const g of ['app', 'models', 'catalog']) assert.ok(!manifest.groups[g].some((p) => p.startsWith('catalog/audio/')), `no audio in ${g}`);
  const big = tracks.reduce((a, b) => (b.audio_bytes > a.audio_bytes ? b : a));
  const small = tracks.reduce((a, b) => (b.audio_bytes < a.audio_bytes ? b : a));
  const bigFile = fs.readFileSync(path.join(out, 'catalog/audio', big.audio));
  assert.equal(bigFile.length, big.audio_bytes);
  const chunkBytes = 16 * 1024;
  assert.ok(bigFile.length > 3 * chunkBytes, `the biggest fixture audio (${bigFile.length} bytes) spans several chunks`);

  const srv = await startServer({ root: out });
  const origin = new URL(srv.url).origin;
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await srv.close();
  });
  const { page, context, requests, pageErrors } = await openPage(browser, srv.url);
  assert.equal((await page.evaluate(() => window.fixture.waitPrecached())).type, 'sw-precached');
  await page.waitForFunction(() => navigator.serviceWorker.controller);

  // The whole file, in ranges of chunkBytes, each request with its Range header, progress to the end.
  const url = `catalog/audio/${big.audio}`;
  const got = await fetchInPage(page, url, { chunkBytes, track: big.title || big.id, expectedBytes: big.audio_bytes });
  assert.ok(got.ok, got.message);
  assert.equal(got.bytes, bigFile.length);
  assert.equal(got.sha256, sha256(bigFile));
  const nChunks = Math.ceil(bigFile.length / chunkBytes);
  assert.equal(got.progress.length, nChunks);
  assert.deepEqual(got.progress.at(-1), [bigFile.length, bigFile.length]);
  for (let i = 1; i < got.progress.length; i++) assert.ok(got.progress[i][0] > got.progress[i - 1][0], 'progress goes forward');
  const pageAudio = requests.filter((r) => r.url.endsWith(`/${url}`) && !r.serviceWorker);
  assert.equal(pageAudio.length, nChunks);
  pageAudio.forEach((r, i) => assert.equal(r.headers.range, `bytes=${i * chunkBytes}-${Math.min((i + 1) * chunkBytes, bigFile.length) - 1}`));
  // The service worker passed each range on to the network (nothing stored: no response held the whole file).
  const swAudio = requests.filter((r) => r.url.endsWith(`/${url}`) && r.serviceWorker);
  assert.ok(swAudio.length === nChunks && swAudio.every((r) => /^bytes=\d+-\d+$/.test(r.headers.range)), JSON.stringify(swAudio.map((r) => r.headers.range)));
  const stored = () => page.evaluate(async () => (await (await caches.open('cuefinder-audio')).keys()).map((r) => new URL(r.url).pathname));
  assert.deepEqual(await stored(), []);

  // Errors name the track: not on the server, a size the catalog does not expect.
  let bad = await fetchInPage(page, 'catalog/audio/0000000000000000.opus', { track: 'Lost Track' });
  assert.equal(bad.ok, false);
  assert.match(bad.message, /^Lost Track: not on the server \(HTTP 404 for catalog\/audio\/0000000000000000\.opus\)$/);
  bad = await fetchInPage(page, url, { track: 'Big Track', expectedBytes: big.audio_bytes + 1 });
  assert.match(bad.message, new RegExp(`^Big Track: .* has ${big.audio_bytes} bytes, the catalog says ${big.audio_bytes + 1}`));

  // A response that holds the whole file (one chunk bigger than the file) is stored by the service
  // worker; offline, that track is still fetched in ranges (from the cache), and another one is not.
  const whole = await fetchInPage(page, `catalog/audio/${small.audio}`, { chunkBytes: 1 << 24 });
  assert.ok(whole.ok, whole.message);
  await page.waitForFunction(async (p) => (await (await caches.open('cuefinder-audio')).keys()).some((r) => r.url.endsWith(p)), `/catalog/audio/${small.audio}`);
  await context.setOffline(true);
  const offline = await fetchInPage(page, `catalog/audio/${small.audio}`, { chunkBytes: 1000, track: small.title });
  assert.ok(offline.ok, offline.message);
  assert.equal(offline.sha256, sha256(fs.readFileSync(path.join(out, 'catalog/audio', small.audio))));
  assert.equal(offline.progress.length, Math.ceil(small.audio_bytes / 1000));
  const never = tracks.find((tr) => tr.audio !== big.audio && tr.audio !== small.audio);  // fetched by no one
  bad = await fetchInPage(page, `catalog/audio/${never.audio}`, { chunkBytes, track: 'Never Fetched' });
  assert.match(bad.message || '', /^Never Fetched: network error fetching catalog\/audio\/.*offline\?$/);
  await context.setOffline(false);

  assert.deepEqual(pageErrors, []);
  assertNoLeak(requests, { allowedOrigin: origin });
});

test('browser: fetchTrackAudio without Range support, and a truncated range', { skip, timeout: 120_000 }, async (t) => {
  // No service worker here: playwright's routes answer as a server that ignores Range, or cuts a range
  // short (on localhost: a secure context, for crypto.subtle; nothing listens on port 9).
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const file = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7 + 3) & 0xff));
  const seen = [];
  await context.route('http://localhost:9/**', (route) => {
    const req = route.request();
    const range = req.headers().range;
    seen.push([new URL(req.url()).pathname, range]);
    if (req.url().endsWith('/page.html')) return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>t</title>' });
    if (req.url().endsWith('/track_audio.mjs')) return route.fulfill({ contentType: 'text/javascript', body: fs.readFileSync(path.join(root, 'web/track_audio.mjs')) });
    if (req.url().endsWith('/plain.opus')) return route.fulfill({ status: 200, contentType: 'audio/ogg', body: file });
    // /short.opus: the first range is answered in full, the second one with 100 bytes of what it claims.
    const [, a, b] = /^bytes=(\d+)-(\d+)$/.exec(range);
    const end = Math.min(Number(b), file.length - 1), start = Number(a);
    const body = start === 0 ? file.subarray(start, end + 1) : file.subarray(start, start + 100);
    return route.fulfill({ status: 206, contentType: 'audio/ogg', headers: { 'Content-Range': `bytes ${start}-${end}/${file.length}` }, body });
  });
  const page = await context.newPage();
  await page.goto('http://localhost:9/page.html');

  const plain = await fetchInPage(page, 'http://localhost:9/plain.opus', { chunkBytes: 8192 });
  assert.ok(plain.ok, plain.message);
  assert.equal(plain.sha256, sha256(file));
  assert.deepEqual(plain.progress, [[file.length, file.length]]);
  assert.deepEqual(seen.filter(([p]) => p === '/plain.opus'), [['/plain.opus', 'bytes=0-8191']], 'one request: the Range was ignored');

  const short = await fetchInPage(page, 'http://localhost:9/short.opus', { chunkBytes: 8192, track: 'Short Track' });
  assert.equal(short.ok, false);
  assert.match(short.message, /^Short Track: (truncated: got 100 of 8192 bytes at offset 8192|the download of .* broke off)/);
  assert.deepEqual(short.progress, [[8192, file.length]]);

  // Cancelled after the first range: the AbortError comes back, and no further range is asked for.
  const before = seen.length;
  const aborted = await page.evaluate(async () => {
    const { fetchTrackAudio } = await import('./track_audio.mjs');
    const controller = new AbortController();
    try {
      await fetchTrackAudio('http://localhost:9/short.opus', { chunkBytes: 8192, signal: controller.signal, onProgress: () => controller.abort() });
      return 'finished';
    } catch (e) {
      return e.name;
    }
  });
  assert.equal(aborted, 'AbortError');
  assert.equal(seen.length - before, 1, 'only the first range was requested');
});
