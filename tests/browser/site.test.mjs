// The static-site plumbing: src/site/assemble.mjs (layout + site-manifest.json), src/site/serve.mjs
// (headers, ranges, revalidation, malformed request targets, redirects, symlinks, descriptors of aborted
// downloads), web/sw.js + web/sw_client.mjs in headless Chromium (precache with progress, offline
// reload, ranges from the cache, previews checked against the manifest and cached on first play, the
// page reloading once when a new site version takes over), and the harness in lib.mjs
// (file drop, leak check, screenshots). A small site is assembled from fixtures in a temp folder; one
// test also runs the real ONNX Runtime Web files the assembler ships, on a real model.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assemble, ORT_FILES } from '../../src/site/assemble.mjs';
import { startServer, parseRange } from '../../src/site/serve.mjs';
import { skipUnlessChromium, launchBrowser, openPage, assertNoLeak, shot, dropFile, tempDir, findWindow, buildWindowIndex } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const audio = path.join(root, 'tests/data/audio');
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
function bytes(n, seed) {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function write(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

/**
 * Writes the inputs of a small site under tmp and returns assemble() options for them.
 * @param {{realOrt?: boolean, realModel?: string}} o  use node_modules' ORT / copy one real model folder
 */
function makeInputs(tmp, { realOrt = false, realModel = null } = {}) {
  const web = path.join(tmp, 'in/web');
  write(path.join(web, 'index.html'), fs.readFileSync(path.join(root, 'tests/browser/fixtures/sw_page.html')));
  for (const f of ['sw.js', 'sw_client.mjs', 'byte_range.js']) write(path.join(web, f), fs.readFileSync(path.join(root, 'web', f)));
  write(path.join(web, 'style.css'), 'body { font: 16px sans-serif; margin: 2em; }\n#drop { width: 360px; height: 120px; border: 3px dashed #678; display: grid; place-items: center; }\n#drop.over { background: #def; }\n');
  write(path.join(web, 'tests/page.test.mjs'), '// must not ship\n');
  write(path.join(web, 'helper.test.mjs'), '// must not ship\n');

  const app = path.join(tmp, 'in/app');
  write(path.join(app, 'cuefinder_app.js'), '// stand-in for the Emscripten glue\n');
  write(path.join(app, 'cuefinder_app.wasm'), bytes(300_000, 1));

  let ortDist = path.join(root, 'node_modules/onnxruntime-web/dist');
  if (!realOrt) {
    ortDist = path.join(tmp, 'in/ort');
    for (const f of ORT_FILES) write(path.join(ortDist, f), `// fake ${f}\n`);
    write(path.join(ortDist, 'ort-wasm-simd-threaded.jsep.wasm'), 'not needed');
    write(path.join(ortDist, 'ort.min.mjs'), 'not needed');
  }

  const models = path.join(tmp, 'in/models');
  if (realModel) {
    for (const f of ['model.onnx', 'manifest.json']) write(path.join(models, realModel, f), fs.readFileSync(path.join(root, 'models', realModel, f)));
  } else {
    write(path.join(models, 'tiny-model/model.onnx'), bytes(120_000, 2));
    write(path.join(models, 'tiny-model/manifest.json'), '{"name":"tiny-model"}\n');
  }
  write(path.join(models, 'README.md'), '# models\n');
  write(path.join(models, 'LICENSE-essentia-models.txt'), 'CC BY-NC-ND 4.0\n');

  const catalog = path.join(tmp, 'in/catalog');
  write(path.join(catalog, 'catalog.cfc'), bytes(50_000, 3));
  write(path.join(catalog, 'catalog.json'), JSON.stringify({
    format: 'cuefinder-catalog', n_tracks: 3,
    tracks: [{ id: 'a', preview: 'p1.opus' }, { id: 'b', preview: 'p2.ogg' }, { id: 'c', preview: '' }, { id: 'd', preview: 'p1.opus' }],
  }));
  write(path.join(catalog, 'previews/p1.opus'), fs.readFileSync(path.join(audio, 'opus_64k_48k_stereo.opus')));
  write(path.join(catalog, 'previews/p2.ogg'), fs.readFileSync(path.join(audio, 'vorbis_q2_44k_stereo_3s.ogg')));
  write(path.join(catalog, 'previews/unused.opus'), 'not named in catalog.json');

  const licenseDir = path.join(tmp, 'in/lic');
  write(path.join(licenseDir, 'LICENSE'), 'MIT\n');
  write(path.join(licenseDir, 'THIRD_PARTY.md'), '# third party\n');
  const font = path.join(tmp, 'in/font.ttf');
  write(font, bytes(2000, 10));
  const fontLicense = path.join(tmp, 'in/font-copyright');
  write(fontLicense, 'Bitstream Vera\n');
  return { out: path.join(tmp, 'site'), web, app, ortDist, models, catalog, licenseDir, font, fontLicense };
}

function listTree(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    assert.ok(!e.isSymbolicLink(), `${r} is a symlink`);
    if (e.isDirectory()) out.push(...listTree(dir, r));
    else out.push(r);
  }
  return out.sort();
}

// [SECTION] assemble

test('assemble: layout, manifest hashes and groups, tests and unused files left out', async (t) => {
  const tmp = tempDir('cf-assemble-');
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const opts = makeInputs(tmp);
  const { out, manifest } = await assemble(opts);

  const onDisk = listTree(out);
  assert.deepEqual(onDisk, [
    'byte_range.js', 'catalog/catalog.cfc', 'catalog/catalog.json', 'catalog/previews/p1.opus', 'catalog/previews/p2.ogg',
    'cuefinder_app.js', 'cuefinder_app.wasm', 'fonts/DejaVuSans.ttf', 'index.html',
    'licenses/LICENSE', 'licenses/THIRD_PARTY.md', 'licenses/fonts-dejavu-copyright.txt', 'licenses/mediabunny-LICENSE.txt',
    'models/LICENSE-essentia-models.txt', 'models/README.md', 'models/tiny-model/manifest.json', 'models/tiny-model/model.onnx',
    'ort/ort-wasm-simd-threaded.mjs', 'ort/ort-wasm-simd-threaded.wasm', 'ort/ort.wasm.min.mjs',
    'site-manifest.json', 'style.css', 'sw.js', 'sw_client.mjs', 'vendor/mediabunny.min.mjs',
  ]);
  // Every listed file exists with the recorded size and hash; every file but the manifest is listed.
  assert.deepEqual(manifest.files.map((f) => f.path), onDisk.filter((p) => p !== 'site-manifest.json'));
  for (const f of manifest.files) {
    const buf = fs.readFileSync(path.join(out, f.path));
    assert.equal(f.bytes, buf.length, f.path);
    assert.equal(f.sha256, sha256(buf), f.path);
  }
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'site-manifest.json'), 'utf8')), manifest);
  assert.match(manifest.version, /^[0-9a-f]{16}$/);
  assert.ok(!Number.isNaN(Date.parse(manifest.built)));
  assert.deepEqual(manifest.groups.previews, ['catalog/previews/p1.opus', 'catalog/previews/p2.ogg']);
  assert.deepEqual(manifest.groups.catalog, ['catalog/catalog.cfc', 'catalog/catalog.json']);
  assert.deepEqual(manifest.groups.models, ['models/LICENSE-essentia-models.txt', 'models/README.md', 'models/tiny-model/manifest.json', 'models/tiny-model/model.onnx']);
  assert.ok(manifest.groups.app.includes('index.html') && manifest.groups.app.includes('ort/ort-wasm-simd-threaded.wasm'));
  const grouped = Object.values(manifest.groups).flat();
  assert.ok(!grouped.includes('sw.js'), 'sw.js is never precached (the browser manages it)');
  assert.equal(new Set(grouped).size, grouped.length, 'a file is in one group only');
  // sw.js carries the version, so a new site means new sw.js bytes.
  assert.match(fs.readFileSync(path.join(out, 'sw.js'), 'utf8'), new RegExp(`^const SITE_VERSION = '${manifest.version}';`, 'm'));

  // Same inputs → same version; a changed input → a new version. The output folder is replaced.
  const again = await assemble(opts);
  assert.equal(again.manifest.version, manifest.version);
  fs.writeFileSync(path.join(opts.catalog, 'catalog.cfc'), bytes(50_000, 4));
  const changed = await assemble(opts);
  assert.notEqual(changed.manifest.version, manifest.version);
});

// The page's sources in web/ have the site's layout: what a page file loads by a relative name is a
// file of web/ too, except what the assembler adds (ONNX Runtime under ort/, the core's builds).
test('web/: every file a page script imports or starts is in web/ (dev layout = site layout)', () => {
  const web = path.join(root, 'web');
  const assembled = (spec) => spec.startsWith('./ort/') || /^(\.\/)?cuefinder_(app|worker)\.js$/.test(spec);
  const loads = /\bimport\s*(?:[\w*{}\s,]+from\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]|importScripts\(\s*['"]([^'"]+)['"]|new Worker\(\s*['"]([^'"]+)['"]|<script[^>]*\ssrc="([^"]+)"/g;
  let checked = 0;
  for (const f of fs.readdirSync(web).filter((n) => /\.(m?js|html)$/.test(n))) {
    const text = fs.readFileSync(path.join(web, f), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    for (const m of text.matchAll(loads)) {
      const spec = m.slice(1).find(Boolean);
      if (/^[a-z]+:|^\//.test(spec) || assembled(spec)) continue;
      assert.ok(fs.existsSync(path.join(web, spec)), `web/${f} loads ${spec}, which is not in web/`);
      checked++;
    }
  }
  assert.ok(checked >= 6, `only ${checked} relative loads found: is the pattern still right?`);
});

test('assemble: a missing or bad input fails with a message naming it', async (t) => {
  const tmp = tempDir('cf-assemble-');
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const opts = makeInputs(tmp);
  const expectFail = async (o, re) => assert.rejects(assemble(o), (e) => {
    assert.match(e.message, re);
    return true;
  });
  await expectFail({ ...opts, app: undefined }, /--app is required/);
  await expectFail({ ...opts, font: path.join(tmp, 'nope.ttf') }, /font: missing .*nope\.ttf/);
  const noFont = await assemble({ ...opts, font: false });
  assert.ok(!noFont.manifest.files.some((f) => f.path.startsWith('fonts/')));
  await expectFail({ ...opts, catalog: path.join(tmp, 'nope') }, /--catalog: .*nope is not a folder \(it does not exist\)/);
  fs.renameSync(path.join(opts.app, 'cuefinder_app.wasm'), path.join(opts.app, 'x.wasm'));
  await expectFail(opts, /--app: missing .*cuefinder_app\.wasm/);
  fs.renameSync(path.join(opts.app, 'x.wasm'), path.join(opts.app, 'cuefinder_app.wasm'));
  await expectFail({ ...opts, worker: opts.app }, /--worker: missing .*cuefinder_worker\.js/);
  fs.rmSync(path.join(opts.catalog, 'previews/p2.ogg'));
  await expectFail(opts, /--catalog \(preview of track b\): missing .*previews\/p2\.ogg/);
  fs.writeFileSync(path.join(opts.catalog, 'previews/p2.ogg'), 'x');
  fs.rmSync(path.join(opts.models, 'tiny-model/manifest.json'));
  await expectFail(opts, /--models \(model tiny-model\): missing .*manifest\.json/);
  fs.writeFileSync(path.join(opts.models, 'tiny-model/manifest.json'), '{}');
  fs.rmSync(path.join(opts.ortDist, 'ort-wasm-simd-threaded.wasm'));
  await expectFail(opts, /onnxruntime-web: missing .*ort-wasm-simd-threaded\.wasm/);
  fs.writeFileSync(path.join(opts.ortDist, 'ort-wasm-simd-threaded.wasm'), 'x');
  // A non-empty folder that is not an earlier site is never wiped.
  const precious = path.join(tmp, 'precious');
  write(path.join(precious, 'thesis.tex'), '...');
  await expectFail({ ...opts, out: precious }, /is not empty and is not an earlier assembled site/);
  assert.ok(fs.existsSync(path.join(precious, 'thesis.tex')));
  // And with everything restored it works again.
  await assemble(opts);
});

test('assemble: the ORT files shipped are the ones ort.wasm.min.mjs loads', () => {
  const dist = path.join(root, 'node_modules/onnxruntime-web/dist');
  if (!fs.existsSync(dist)) return;
  const api = fs.readFileSync(path.join(dist, 'ort.wasm.min.mjs'), 'utf8');
  const referenced = new Set(api.match(/ort-wasm-[a-z.-]+\.(?:mjs|wasm)/g));
  assert.deepEqual([...referenced], ['ort-wasm-simd-threaded.mjs']);  // not the .jsep/.jspi/.asyncify builds
  const glue = fs.readFileSync(path.join(dist, 'ort-wasm-simd-threaded.mjs'), 'utf8');
  assert.deepEqual([...new Set(glue.match(/ort-wasm-[a-z.-]+\.wasm/g))], ['ort-wasm-simd-threaded.wasm']);
});

// [SECTION] serve

test('serve: types, isolation headers, ranges, 304, traversal, methods, port in use', async (t) => {
  const tmp = tempDir('cf-serve-');
  const srv = await startServer({ root: tmp });
  t.after(async () => {
    await srv.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  write(path.join(tmp, 'index.html'), '<!doctype html><title>x</title>');
  write(path.join(tmp, 'a.wasm'), bytes(1000, 5));
  write(path.join(tmp, 'sub/p.opus'), bytes(5000, 6));
  write(path.join(tmp, 'sub/index.html'), 'sub');
  write(path.join(tmp, '.secret'), 'no');
  write(path.join(path.dirname(tmp), `${path.basename(tmp)}-outside.txt`), 'outside');
  t.after(() => fs.rmSync(path.join(path.dirname(tmp), `${path.basename(tmp)}-outside.txt`), { force: true }));

  let r = await fetch(srv.url);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(r.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.equal(r.headers.get('cross-origin-resource-policy'), 'same-origin');
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  assert.equal(await r.text(), '<!doctype html><title>x</title>');

  r = await fetch(srv.url + 'a.wasm');
  assert.equal(r.headers.get('content-type'), 'application/wasm');
  const etag = r.headers.get('etag');
  assert.ok(etag);
  assert.deepEqual(new Uint8Array(await r.arrayBuffer()), bytes(1000, 5));
  r = await fetch(srv.url + 'a.wasm', { headers: { 'If-None-Match': etag } });
  assert.equal(r.status, 304);
  r = await fetch(srv.url + 'a.wasm', { headers: { 'If-Modified-Since': new Date(Date.now() + 60_000).toUTCString() } });
  assert.equal(r.status, 304);

  const full = bytes(5000, 6);
  r = await fetch(srv.url + 'sub/p.opus', { headers: { Range: 'bytes=100-199' } });
  assert.equal(r.status, 206);
  assert.equal(r.headers.get('content-type'), 'audio/ogg; codecs=opus');
  assert.equal(r.headers.get('content-range'), 'bytes 100-199/5000');
  assert.deepEqual(new Uint8Array(await r.arrayBuffer()), full.subarray(100, 200));
  r = await fetch(srv.url + 'sub/p.opus', { headers: { Range: 'bytes=-10' } });
  assert.deepEqual(new Uint8Array(await r.arrayBuffer()), full.subarray(4990));
  r = await fetch(srv.url + 'sub/p.opus', { headers: { Range: 'bytes=4990-' } });
  assert.equal(r.headers.get('content-range'), 'bytes 4990-4999/5000');
  r = await fetch(srv.url + 'sub/p.opus', { headers: { Range: 'bytes=6000-' } });
  assert.equal(r.status, 416);
  assert.equal(r.headers.get('content-range'), 'bytes */5000');
  r = await fetch(srv.url + 'sub/p.opus', { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-length'), '5000');
  assert.equal(await r.text(), '');
  assert.deepEqual(parseRange('bytes=0-1,5-6', 10), null);

  r = await fetch(srv.url + 'sub', { redirect: 'manual' });
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), '/sub/');
  assert.equal(await (await fetch(srv.url + 'sub/')).text(), 'sub');

  // Traversal: raw requests, since fetch() normalises "..".
  const outside = `${path.basename(tmp)}-outside.txt`;
  for (const p of [`/../${outside}`, `/%2e%2e/${outside}`, `/sub/..%2f..%2f${outside}`, '/%00', '/%E0%A4%A']) {
    assert.equal((await rawRequest(srv.port, p)).status, 400, p);
  }
  assert.equal((await rawRequest(srv.port, '/.secret')).status, 404);
  fs.symlinkSync(path.join(path.dirname(tmp), outside), path.join(tmp, 'link.txt'));
  assert.equal((await rawRequest(srv.port, '/link.txt')).status, 404, 'a symlink out of the root is not followed');

  r = await fetch(srv.url + 'index.html', { method: 'POST', body: 'x' });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD');

  await assert.rejects(startServer({ root: tmp, port: srv.port }), /port \d+ is in use: .*--port N/);
  await assert.rejects(startServer({ root: path.join(tmp, 'nope') }), /cannot serve .*nope: no such folder/);

  const open = await startServer({ root: tmp, isolation: false });
  r = await fetch(open.url);
  assert.equal(r.headers.get('cross-origin-opener-policy'), null);
  assert.equal(r.headers.get('cross-origin-embedder-policy'), null);
  assert.equal(r.headers.get('cross-origin-resource-policy'), 'same-origin');
  await open.close();
});

/**
 * One request with the target sent byte for byte (fetch() and http.get() normalise or refuse odd ones).
 * @returns {Promise<{status:number, headers:Object<string,string>, body:string}>}
 */
function rawRequest(port, target, { method = 'GET' } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    socket.on('data', (b) => chunks.push(b));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });
}

test('serve: folder redirects go to the normalised path on this site, never to //host', async (t) => {
  const tmp = tempDir('cf-serve-');
  const srv = await startServer({ root: tmp });
  t.after(async () => {
    await srv.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  write(path.join(tmp, 'index.html'), 'root');
  write(path.join(tmp, 'sub/index.html'), 'sub');
  write(path.join(tmp, 'a b/evil.com/index.html'), 'spaced');
  const cases = {
    '/x/..//sub': '/sub/',      // was "//sub/": a link to the host "sub"
    '/x/..//sub?q=1': '/sub/?q=1',
    '/./sub': '/sub/',
    '/sub/.': '/sub/',
    '/x/..': '/',
    '/sub/%2e%2e/sub': '/sub/',
    '/a%20b//evil.com': '/a%20b/evil.com/',
    '/a%20b/./evil.com': '/a%20b/evil.com/',
  };
  for (const [target, location] of Object.entries(cases)) {
    const r = await rawRequest(srv.port, target);
    assert.equal(r.status, 301, target);
    assert.equal(r.headers.location, location, target);
    assert.ok(!/^(\/\/|[a-z][a-z0-9+.-]*:)/i.test(r.headers.location), `${target}: Location ${r.headers.location} leaves the site`);
  }
  // Following one lands on the folder's index.
  assert.equal(await (await fetch(new URL('/a%20b/evil.com/', srv.url))).text(), 'spaced');
});

test('serve: malformed request targets get 4xx with the reason, and nothing outside the root', async (t) => {
  const tmp = tempDir('cf-serve-');
  const srv = await startServer({ root: tmp });
  const outside = `${tmp}-outside.txt`;
  t.after(async () => {
    await srv.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(outside, { force: true });
  });
  write(path.join(tmp, 'index.html'), 'root');
  write(path.join(tmp, 'sub/index.html'), 'sub');
  write(outside, 'outside');
  const name = path.basename(outside);
  const cases = [
    ['//', 400, /starts with \/\//],
    ['///', 400, /starts with \/\//],
    ['//evil.example/sub', 400, /starts with \/\//],
    [`http://127.0.0.1:${srv.port}/index.html`, 400, /absolute-form/],
    ['https://evil.example/', 400, /absolute-form/],
    ['/%', 400, /percent-encoding/],
    ['/%zz', 400, /percent-encoding/],
    ['/%E0%A4%A', 400, /percent-encoding/],
    ['/%00', 400, /control character/],
    ['/sub%0d%0aSet-Cookie:%20x=1', 400, /control character/],
    ['/sub%2findex.html', 400, /encoded separator/],
    ['/sub%5cindex.html', 400, /encoded separator/],
    [`/../${name}`, 400, /above the site root/],
    [`/%2e%2e/${name}`, 400, /above the site root/],
    [`/sub/../../${name}`, 400, /above the site root/],
    [`/sub/%2E%2E/%2e%2E/${name}`, 400, /above the site root/],
    ['/' + 'a/'.repeat(3000), 414, /longer than 4096/],
    ['/index.html/', 404, /not found/],
    ['/nope', 404, /not found: \/nope/],
  ];
  for (const [target, status, reason] of cases) {
    const r = await rawRequest(srv.port, target);
    assert.equal(r.status, status, target.slice(0, 60));
    assert.match(r.body, reason, target.slice(0, 60));
    assert.ok(!r.body.includes('outside'), `${target.slice(0, 60)}: served the file outside the root`);
  }
  // Node's own parser refuses some targets before the server sees them: still 4xx, never a crash.
  for (const target of ['*', 'sub', '/a b', '/\u00e9']) {
    const r = await rawRequest(srv.port, target);
    assert.ok(r.status >= 400 && r.status < 500, `${target}: ${r.status}`);
  }
  // And the server is still up and right.
  assert.equal((await rawRequest(srv.port, '/sub/')).body, 'sub');
});

/** The open descriptors of process pid that point at file (Linux /proc). */
function openDescriptors(pid, file) {
  const dir = `/proc/${pid}/fd`;
  let n = 0;
  for (const fd of fs.readdirSync(dir)) {
    try {
      if (fs.readlinkSync(path.join(dir, fd)) === file) n++;
    } catch {
      // closed while we looked
    }
  }
  return n;
}

/** Starts `node src/site/serve.mjs root --port 0` and resolves with {child, port} once it listens. */
function spawnServer(rootDir) {
  const child = spawn(process.execPath, [path.join(root, 'src/site/serve.mjs'), rootDir, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
      const m = /at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}: ${out}`)));
  });
}

test('serve: aborted downloads close their files (descriptors of the server process)', { skip: !fs.existsSync('/proc/self/fd') && 'needs /proc' }, async (t) => {
  const tmp = tempDir('cf-serve-');
  const big = path.join(fs.realpathSync(tmp), 'big.bin');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, 64 << 20);  // sparse: 64 MB that no socket buffer holds
  const { child, port } = await spawnServer(tmp);
  t.after(() => {
    child.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  // A download that has started: its socket is paused after the first bytes, the file is open.
  const started = (range) => new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', reject);
    socket.once('data', () => {
      socket.pause();
      resolve(socket);
    });
    socket.write(`GET /big.bin HTTP/1.1\r\nHost: x\r\n${range ? `Range: ${range}\r\n` : ''}\r\n`);
  });
  const settle = async (want) => {  // closing is asynchronous: look again for a while
    for (let i = 0; i < 100 && openDescriptors(child.pid, big) !== want; i++) await new Promise((r) => setTimeout(r, 50));
    return openDescriptors(child.pid, big);
  };
  const one = await started(null);
  assert.equal(await settle(1), 1, 'a running download holds the file open (so the count below means something)');
  one.destroy();
  assert.equal(await settle(0), 0);

  const sockets = [];
  for (let i = 0; i < 40; i++) sockets.push(await started(i % 2 ? `bytes=${i * 1000}-` : null));
  assert.equal(await settle(40), 40);
  for (const s of sockets) s.destroy();  // 40 listeners who went away
  assert.equal(await settle(0), 0, 'every aborted download closed its file');
});

test('serve: the real path is served; symlinks out of the root are not, files or folders', async (t) => {
  const base = tempDir('cf-serve-');
  const tmp = path.join(base, 'site');
  const away = path.join(base, 'away');
  write(path.join(tmp, 'a.wasm'), bytes(1000, 5));
  write(path.join(tmp, 'real/index.html'), 'real folder');
  write(path.join(away, 'secret.txt'), 'PRIVATE BYTES');
  write(path.join(away, 'index.html'), 'PRIVATE INDEX');
  fs.symlinkSync(path.join(tmp, 'a.wasm'), path.join(tmp, 'alias.wasm'));       // inside → served
  fs.symlinkSync(path.join(tmp, 'real'), path.join(tmp, 'inner'));              // inside → served
  fs.symlinkSync(away, path.join(tmp, 'outdir'));                               // folder out of the root
  fs.symlinkSync(path.join(away, 'secret.txt'), path.join(tmp, 'out.txt'));     // file out of the root
  fs.mkdirSync(path.join(tmp, 'mixed'));
  fs.symlinkSync(path.join(away, 'index.html'), path.join(tmp, 'mixed/index.html'));  // a folder's index out of the root
  const srv = await startServer({ root: tmp });
  t.after(async () => {
    await srv.close();
    fs.rmSync(base, { recursive: true, force: true });
  });
  let r = await rawRequest(srv.port, '/alias.wasm');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/wasm');
  assert.equal(r.headers['content-length'], '1000');
  assert.equal((await rawRequest(srv.port, '/inner/')).body, 'real folder');
  for (const target of ['/out.txt', '/outdir/secret.txt', '/outdir/', '/outdir', '/mixed/', '/outdir/../out.txt']) {
    r = await rawRequest(srv.port, target);
    assert.equal(r.status, 404, target);
    assert.ok(!r.body.includes('PRIVATE'), target);
    assert.equal(r.headers.location, undefined, `${target}: no redirect tells what is out there`);
  }
});

test('leak check: 64-byte windows are found anywhere, and only real ones', () => {
  const secret = bytes(10_000, 7);
  const idx = buildWindowIndex(secret);
  const hay = new Uint8Array(3000);
  hay.set(bytes(3000, 8));
  assert.equal(findWindow(hay, idx), null);
  hay.set(secret.subarray(4321, 4321 + 64), 1001);
  assert.deepEqual(findWindow(hay, idx), { at: 1001, from: 4321 });
  hay.set(bytes(3000, 8));
  hay.set(secret.subarray(4321, 4321 + 63), 1001);
  assert.equal(findWindow(hay, idx), null, '63 bytes are not enough');
});

// [SECTION] browser

const skip = skipUnlessChromium();

test('browser: isolation, service-worker precache with progress, offline reload, ranges, previews', { skip, timeout: 180_000 }, async (t) => {
  const tmp = tempDir('cf-site-');
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const { out, manifest } = await assemble(makeInputs(tmp));
  const srv = await startServer({ root: out });
  const origin = new URL(srv.url).origin;
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await srv.close();
  });
  const { page, response, requests, pageErrors } = await openPage(browser, srv.url);
  const headers = response.headers();
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin');
  assert.equal(headers['cross-origin-embedder-policy'], 'require-corp');
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'function');

  // Precache, with progress messages that add up.
  const done = await page.evaluate(() => window.fixture.waitPrecached());
  assert.equal(done.type, 'sw-precached', JSON.stringify(done));
  assert.equal(done.version, manifest.version);
  const expectTotal = manifest.files.filter((f) => ['app', 'models', 'catalog'].some((g) => manifest.groups[g].includes(f.path)))
    .reduce((s, f) => s + f.bytes, 0);
  assert.equal(done.total_bytes, expectTotal);
  const progress = (await page.evaluate(() => window.fixture.messages)).filter((m) => m.type === 'sw-progress');
  assert.ok(progress.length >= 2, `progress messages: ${progress.length}`);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i].done_bytes >= progress[i - 1].done_bytes, 'progress never goes back');
  assert.equal(progress.at(-1).done_bytes, expectTotal);
  assert.ok(progress.every((m) => m.total_bytes === expectTotal && typeof m.file === 'string'));

  // The worker takes control of the open page (clients.claim) and answers status queries.
  const status = await page.evaluate(async () => {
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
    return new Promise((resolve) => {
      navigator.serviceWorker.addEventListener('message', (e) => { if (e.data.type === 'sw-status') resolve(e.data); });
      navigator.serviceWorker.controller.postMessage({ type: 'sw-status' });
    });
  });
  assert.deepEqual(status, { type: 'sw-status', version: manifest.version, precached: true });

  // The service worker's own downloads are recorded by the harness, and are all static same-origin GETs.
  const swRequests = requests.filter((r) => r.serviceWorker);
  assert.ok(swRequests.some((r) => r.url.endsWith('/site-manifest.json')), 'requests from the service worker are recorded');
  assert.ok(swRequests.some((r) => r.url.endsWith('/cuefinder_app.wasm')));
  assertNoLeak(requests, { allowedOrigin: origin });

  // Online: a range of a precached file, and the first play of a preview (stored for later).
  const rangeOf = (p, range) => page.evaluate(async ({ p, range }) => {
    const r = await fetch(p, { headers: { Range: range } });
    return { status: r.status, contentRange: r.headers.get('content-range'), bytes: Array.from(new Uint8Array(await r.arrayBuffer())) };
  }, { p, range });
  const wasm = fs.readFileSync(path.join(out, 'cuefinder_app.wasm'));
  let r = await rangeOf('cuefinder_app.wasm', 'bytes=1000-1099');
  assert.equal(r.status, 206);
  assert.equal(r.contentRange, `bytes 1000-1099/${wasm.length}`);
  assert.deepEqual(r.bytes, Array.from(wasm.subarray(1000, 1100)));
  const p1 = fs.readFileSync(path.join(out, 'catalog/previews/p1.opus'));
  r = await rangeOf('catalog/previews/p1.opus', 'bytes=0-');
  assert.equal(r.status, 206);
  assert.deepEqual(r.bytes, Array.from(p1));

  // Offline: the server is gone; the page reloads from the service worker, still isolated.
  await srv.close();
  const nBefore = requests.length;
  const reloaded = await page.reload({ waitUntil: 'load' });
  assert.equal(reloaded.status(), 200);
  assert.ok(reloaded.fromServiceWorker(), 'the reload was served by the service worker');
  assert.equal(await page.title(), 'cuefinder site fixture');
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true, 'COOP/COEP survive the cache');
  assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('drop')).borderTopStyle), 'dashed', 'style.css from the cache');
  assert.ok(requests.length > nBefore);

  r = await rangeOf('catalog/previews/p1.opus', 'bytes=200-299');
  assert.equal(r.status, 206);
  assert.equal(r.contentRange, `bytes 200-299/${p1.length}`);
  assert.deepEqual(r.bytes, Array.from(p1.subarray(200, 300)));
  r = await rangeOf('catalog/previews/p1.opus', `bytes=${p1.length + 5}-`);
  assert.equal(r.status, 416);
  const json = await page.evaluate(async () => (await fetch('catalog/catalog.json')).json());
  assert.equal(json.tracks.length, 4);
  // A preview never played is not available offline (previews are not precached).
  assert.equal(await page.evaluate(async () => fetch('catalog/previews/p2.ogg').then(() => 'ok', () => 'failed')), 'failed');
  // <audio> plays and seeks the played preview offline (its range requests go through the worker).
  const media = await page.evaluate(() => new Promise((resolve) => {
    const a = new Audio('catalog/previews/p1.opus');
    a.addEventListener('error', () => resolve({ error: a.error && a.error.message }));
    a.addEventListener('loadedmetadata', () => {
      a.addEventListener('seeked', () => resolve({ duration: a.duration, currentTime: a.currentTime }), { once: true });
      a.currentTime = 0.5;
    }, { once: true });
  }));
  assert.ok(media.duration > 0.5 && Math.abs(media.currentTime - 0.5) < 0.1, JSON.stringify(media));

  const file = await shot(page, 'site-offline');
  assert.ok(fs.statSync(file).size > 1000);
  assert.deepEqual(pageErrors, []);

  assertNoLeak(requests, { allowedOrigin: origin });
});

/** Opens the fixture site in a fresh browser; resolves once its service worker has stored the site and controls the page. */
async function openControlled(t, out) {
  const srv = await startServer({ root: out });
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await srv.close();
  });
  const opened = await openPage(browser, srv.url);
  const done = await opened.page.evaluate(() => window.fixture.waitPrecached());
  assert.equal(done.type, 'sw-precached', JSON.stringify(done));
  await opened.page.waitForFunction(() => window.fixture.controllerChanges >= 1 && navigator.serviceWorker.controller);
  return { srv, browser, ...opened };
}

const previewKeys = (page) => page.evaluate(async () =>
  (await (await caches.open('cuefinder-previews')).keys()).map((r) => new URL(r.url).pathname).sort());

test('browser: a preview that does not match site-manifest.json is played but not stored', { skip, timeout: 120_000 }, async (t) => {
  const tmp = tempDir('cf-site-');
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const { out } = await assemble(makeInputs(tmp));
  // After assembly: p1 keeps its size with one byte changed, p2 loses its tail.
  const p1File = path.join(out, 'catalog/previews/p1.opus'), p2File = path.join(out, 'catalog/previews/p2.ogg');
  const p1 = fs.readFileSync(p1File), p2 = fs.readFileSync(p2File);
  const p1Bad = Buffer.from(p1);
  p1Bad[1000] ^= 0xff;
  fs.writeFileSync(p1File, p1Bad);
  fs.writeFileSync(p2File, p2.subarray(0, 1000));
  const { srv, page, pageErrors } = await openControlled(t, out);

  const get = (p, range) => page.evaluate(async ({ p, range }) => {
    const r = await fetch(p, range ? { headers: { Range: range } } : {});
    return { status: r.status, bytes: Array.from(new Uint8Array(await r.arrayBuffer())) };
  }, { p, range });
  let r = await get('catalog/previews/p1.opus');
  assert.equal(r.status, 200);
  assert.deepEqual(r.bytes, Array.from(p1Bad), 'the page gets what the server sent (as without a service worker)');
  r = await get('catalog/previews/p2.ogg', 'bytes=10-19');
  assert.equal(r.status, 206);
  assert.deepEqual(r.bytes, Array.from(p2.subarray(10, 20)));
  await page.waitForFunction(() => window.fixture.messages.filter((m) => m.type === 'sw-preview-mismatch').length >= 2);
  const told = (await page.evaluate(() => window.fixture.messages)).filter((m) => m.type === 'sw-preview-mismatch');
  assert.match(told.find((m) => m.path === 'catalog/previews/p1.opus').message, /^catalog\/previews\/p1\.opus: sha256 [0-9a-f]{64} does not match site-manifest\.json .*not stored/);
  assert.match(told.find((m) => m.path === 'catalog/previews/p2.ogg').message, new RegExp(`^catalog/previews/p2\\.ogg: got 1000 bytes, site-manifest\\.json says ${p2.length}`));
  assert.deepEqual(await previewKeys(page), [], 'nothing the manifest does not vouch for is stored');

  // The right bytes are stored (so the check above is not "never store").
  fs.writeFileSync(p1File, p1);
  r = await get('catalog/previews/p1.opus');
  assert.deepEqual(r.bytes, Array.from(p1));
  assert.deepEqual(await previewKeys(page), ['/catalog/previews/p1.opus']);
  await srv.close();  // offline: the stored one plays, the rejected one is not there
  assert.deepEqual((await get('catalog/previews/p1.opus', 'bytes=0-9')).bytes, Array.from(p1.subarray(0, 10)));
  assert.equal(await page.evaluate(() => fetch('catalog/previews/p2.ogg').then(() => 'ok', () => 'failed')), 'failed');
  assert.deepEqual(pageErrors, []);
});

test('browser: when a new site version takes over, an open page reloads once, from the new version', { skip, timeout: 180_000 }, async (t) => {
  const tmp = tempDir('cf-site-');
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const { out, manifest } = await assemble(makeInputs(tmp));
  let { srv, page, requests } = await openControlled(t, out);
  const origin = new URL(srv.url).origin;
  // The first worker taking over a page that came from the network does not reload it.
  assert.deepEqual(await page.evaluate(() => [window.fixture.reloads, sessionStorage.loads]), [0, '1']);
  // Both previews played (stored); the next version changes p2, so only p1 may stay.
  for (const p of ['catalog/previews/p1.opus', 'catalog/previews/p2.ogg']) await page.evaluate((p) => fetch(p).then((r) => r.arrayBuffer()), p);
  assert.deepEqual(await previewKeys(page), ['/catalog/previews/p1.opus', '/catalog/previews/p2.ogg']);

  // Version B on the server: a new catalog.cfc and p2.ogg, everything else unchanged.
  const m2 = JSON.parse(fs.readFileSync(path.join(out, 'site-manifest.json'), 'utf8'));
  const change = (rel, data) => {
    fs.writeFileSync(path.join(out, rel), data);
    Object.assign(m2.files.find((f) => f.path === rel), { bytes: data.length, sha256: sha256(data) });
  };
  change('catalog/catalog.cfc', bytes(50_000, 9));
  change('catalog/previews/p2.ogg', bytes(3000, 11));
  m2.version = 'feedfacefeedface';
  fs.writeFileSync(path.join(out, 'site-manifest.json'), JSON.stringify(m2));
  fs.writeFileSync(path.join(out, 'sw.js'), fs.readFileSync(path.join(out, 'sw.js'), 'utf8').replace(/^const SITE_VERSION = '[^']*';/m, "const SITE_VERSION = 'feedfacefeedface';"));
  const nBefore = requests.length;
  const reloaded = page.waitForEvent('load', { timeout: 60_000 });
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((reg) => reg.update()));
  await reloaded;

  // One reload, and the reloaded page is the new version's, all of it.
  await page.waitForFunction(() => navigator.serviceWorker.controller);
  const status = await page.evaluate(() => new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('message', (e) => { if (e.data.type === 'sw-status') resolve(e.data); });
    navigator.serviceWorker.controller.postMessage({ type: 'sw-status' });
  }));
  assert.deepEqual(status, { type: 'sw-status', version: 'feedfacefeedface', precached: true });
  const cfc = await page.evaluate(() => fetch('catalog/catalog.cfc').then(async (r) => Array.from(new Uint8Array(await r.arrayBuffer()).subarray(0, 64))));
  assert.deepEqual(cfc, Array.from(bytes(50_000, 9).subarray(0, 64)));
  assert.notEqual(manifest.version, 'feedfacefeedface');
  // Unchanged files were copied from the old cache, not downloaded; the old cache is gone.
  const downloaded = requests.slice(nBefore).filter((q) => q.serviceWorker).map((q) => new URL(q.url).pathname);
  assert.ok(downloaded.includes('/catalog/catalog.cfc'), downloaded.join(' '));
  assert.ok(!downloaded.includes('/cuefinder_app.wasm'), `unchanged files are not downloaded again: ${downloaded.join(' ')}`);
  const cacheNames = await page.evaluate(() => caches.keys());
  assert.deepEqual(cacheNames.filter((n) => n.startsWith('cuefinder-site-')), ['cuefinder-site-feedfacefeedface']);
  assert.deepEqual(await previewKeys(page), ['/catalog/previews/p1.opus'], 'the changed preview was dropped, the unchanged one kept');
  assert.deepEqual(await page.evaluate(() => [window.fixture.reloads, sessionStorage.loads]), [0, '2'], 'reloaded exactly once');
  assertNoLeak(requests, { allowedOrigin: origin });
});

test('browser: without COOP/COEP the page is not cross-origin isolated', { skip, timeout: 60_000 }, async (t) => {
  const tmp = tempDir('cf-site-');
  const { out } = await assemble(makeInputs(tmp));
  const srv = await startServer({ root: out, isolation: false });
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await srv.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const { page, response } = await openPage(browser, srv.url);
  assert.equal(response.headers()['cross-origin-opener-policy'], undefined);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
  assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'undefined');
  // The service worker still precaches (offline use does not depend on isolation).
  assert.equal((await page.evaluate(() => window.fixture.waitPrecached())).type, 'sw-precached');
});

test('browser harness: file drop, screenshots, and the leak check catches leaks', { skip, timeout: 60_000 }, async (t) => {
  const tmp = tempDir('cf-site-');
  const { out } = await assemble(makeInputs(tmp));
  const srv = await startServer({ root: out });
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await srv.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const origin = new URL(srv.url).origin;
  const { page, requests } = await openPage(browser, srv.url);
  await page.evaluate(() => window.fixture.waitPrecached());

  const song = fs.readFileSync(path.join(audio, 'opus_64k_48k_stereo.opus'));
  await dropFile(page, '#drop', { name: 'my song.opus', mimeType: 'audio/ogg', buffer: song });
  await page.waitForFunction(() => window.fixture.dropped.length === 1);
  let sum = 0;
  for (const b of song) sum = (sum * 31 + b) >>> 0;
  assert.deepEqual(await page.evaluate(() => window.fixture.dropped[0]), { name: 'my song.opus', type: 'audio/ogg', size: song.length, checksum: sum });
  // The Chromium flags give WebGL2 (SwiftShader), which the ImGui app needs.
  assert.equal(await page.evaluate(() => !!document.createElement('canvas').getContext('webgl2')), true);
  const file = await shot(page, 'harness-after-drop');
  assert.ok(fs.statSync(file).size > 1000);
  // A drop target that refuses drops (no preventDefault on dragover) makes dropFile throw.
  await assert.rejects(dropFile(page, 'h1', { name: 'x.txt', mimeType: 'text/plain', buffer: Buffer.from('x') }));

  // Clean traffic passes...
  const leakOpts = { allowedOrigin: origin, forbiddenBytes: [new Uint8Array(song)], forbiddenStrings: ['my song.opus'] };
  assertNoLeak(requests, leakOpts);
  // ...and each kind of leak is caught: a body with a slice of the file, the name in a URL, a foreign origin.
  await page.evaluate(async (slice) => {
    await fetch('upload', { method: 'POST', body: new Uint8Array(slice) }).catch(() => {});
    await fetch('lookup?q=' + encodeURIComponent('my song.opus')).catch(() => {});
    await fetch('http://127.0.0.2:9/x', { mode: 'no-cors' }).catch(() => {});
  }, Array.from(song.subarray(1000, 1200)));
  // Requests made inside a dedicated worker are recorded too (the app analyses in one).
  await page.evaluate(() => new Promise((resolve) => {
    const src = `fetch(${JSON.stringify(new URL('style.css?from-worker', location.href).href)}, { method: 'POST', body: 'w' }).finally(() => postMessage(1));`;
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
    w.onmessage = () => resolve();
  }));
  await page.waitForTimeout(200);
  assert.ok(requests.some((q) => q.url.endsWith('style.css?from-worker') && q.method === 'POST'), 'worker requests are recorded');
  assert.throws(() => assertNoLeak(requests, leakOpts), (e) => {
    assert.match(e.message, /POST .*style\.css\?from-worker: method POST/);
    assert.match(e.message, /POST .*\/upload: method POST/);
    assert.match(e.message, /POST .*\/upload: has a 200-byte body/);
    assert.match(e.message, /body holds 64 bytes of forbidden input #0/);
    assert.match(e.message, /lookup\?q=.*URL contains the forbidden string "my song.opus"/);
    assert.match(e.message, /goes to http:\/\/127\.0\.0\.2:9/);
    return true;
  });
});

test('browser: the shipped ort/ files run a real model (wasm EP, threads when isolated)', { skip, timeout: 180_000 }, async (t) => {
  const dist = path.join(root, 'node_modules/onnxruntime-web/dist');
  const model = 'msd-musicnn-1';
  if (!fs.existsSync(dist) || !fs.existsSync(path.join(root, 'models', model, 'model.onnx'))) {
    t.skip('needs node_modules/onnxruntime-web and models/msd-musicnn-1');
    return;
  }
  const tmp = tempDir('cf-site-');
  const { out } = await assemble(makeInputs(tmp, { realOrt: true, realModel: model }));
  const srv = await startServer({ root: out });
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await srv.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const { page, requests, pageErrors } = await openPage(browser, srv.url);
  const run = () => page.evaluate(async (model) => {
    const ort = await import('./ort/ort.wasm.min.mjs');
    ort.env.wasm.numThreads = 2;
    const session = await ort.InferenceSession.create(`models/${model}/model.onnx`, { executionProviders: ['wasm'] });
    const input = new ort.Tensor('float32', new Float32Array(187 * 96), [1, 187, 96]);
    const outputs = await session.run({ mel: input });
    const act = outputs.activations.data;
    return { n: act.length, finite: Array.from(act).every(Number.isFinite), isolated: self.crossOriginIsolated, first: act[0] };
  }, model);
  const result = await run();
  assert.deepEqual({ ...result, first: undefined }, { n: 50, finite: true, isolated: true, first: undefined });
  // Isolated, ORT runs its wasm on pthread workers (module workers of ort-wasm-simd-threaded.mjs).
  assert.ok(page.workers().some((w) => w.url().endsWith('/ort/ort-wasm-simd-threaded.mjs')), page.workers().map((w) => w.url()).join(' '));
  const failed = requests.filter((q) => q.status !== undefined && q.status >= 400);
  assert.deepEqual(failed.map((q) => `${q.status} ${q.url}`), [], 'no file ORT asks for is missing');
  const ortRequests = requests.map((q) => new URL(q.url).pathname).filter((p) => p.startsWith('/ort/'));
  assert.ok(ortRequests.includes('/ort/ort-wasm-simd-threaded.wasm'), ortRequests.join(' '));
  assert.ok(!ortRequests.some((p) => /jsep|jspi|asyncify/.test(p)), ortRequests.join(' '));
  assertNoLeak(requests, { allowedOrigin: new URL(srv.url).origin });

  // Offline, from the service worker's cache: same result, still isolated (ORT's pthread workers load
  // their script through the worker too, and need the cached COEP header).
  assert.equal((await page.evaluate(() => window.fixture.waitPrecached())).type, 'sw-precached');
  await srv.close();
  const reloaded = await page.reload({ waitUntil: 'load' });
  assert.ok(reloaded.fromServiceWorker());
  const offline = await run();
  assert.deepEqual(offline, result);
  assert.deepEqual(pageErrors, []);
});
