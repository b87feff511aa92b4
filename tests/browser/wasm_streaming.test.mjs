// The page compiles its WebAssembly streaming (WebAssembly.instantiateStreaming on the fetch Response,
// so compiling overlaps the download and Chromium can keep the compiled code in its wasm code cache),
// on the first visit from the network and on the next one from the service worker's cache; ONNX
// Runtime's module (in its proxy worker and the text worker) never falls back to compiling an
// ArrayBuffer. Timings (cold vs warm start) are tools/bench/app.mjs's; this checks the mechanism.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../src/site/assemble.mjs';
import { startServer } from '../../src/site/serve.mjs';
import { skipUnlessChromium, launchBrowser, openPage, tempDir, fixtureCatalog } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const appDir = process.env.CF_APP_DIR || path.join(root, 'build/wasm-release/src/app');
const nodeModule = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');

function skipReason() {
  const c = skipUnlessChromium();
  if (c) return c;
  for (const f of [path.join(appDir, 'cuefinder_app.js'), nodeModule])
    if (!fs.existsSync(f)) return `needs ${f} (./cuefinder build wasm-release cuefinder_app cuefinder_worker cuefinder_node)`;
  return false;
}
const skip = skipReason();

// Before any page script: log how each module is compiled (the page's own thread).
function recordWasmCompiles() {
  const log = [];
  window.wasmCompiles = log;
  const wrap = (name) => {
    const original = WebAssembly[name];
    WebAssembly[name] = function (source, ...rest) {
      if (name.endsWith('Streaming')) {
        Promise.resolve(source).then((r) => log.push({ api: name, url: r.url, type: r.headers.get('content-type') }), () => {});
      } else if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
        log.push({ api: name, bytes: source.byteLength });
      }
      return original.call(this, source, ...rest);
    };
  };
  for (const name of ['instantiateStreaming', 'compileStreaming', 'instantiate', 'compile']) wrap(name);
}

const appWasmOf = (log) => log.filter((c) => c.url && c.url.endsWith('/cuefinder_app.wasm'));

test('the app module compiles streaming, from the network and then from the service worker cache', { skip, timeout: 600000 }, async () => {
  const site = tempDir('cf-wasm-streaming-');
  await assemble({ out: site, app: appDir, worker: appDir, catalog: fixtureCatalog(nodeModule) });
  const server = await startServer({ root: site, port: 0 });
  const browser = await launchBrowser();
  try {
    const { page, context, console: logs, pageErrors } = await openPage(browser, server.url, { viewport: { width: 1280, height: 720 }, initScript: recordWasmCompiles });
    await page.evaluate(async () => { await window.cuefinder.ready; });
    const appBytes = fs.statSync(path.join(site, 'cuefinder_app.wasm')).size;
    const cold = await page.evaluate(() => window.wasmCompiles);
    const coldApp = appWasmOf(cold);
    assert.equal(coldApp.length, 1, `the app module: ${JSON.stringify(cold)}`);
    assert.equal(coldApp[0].api, 'instantiateStreaming');
    assert.equal(coldApp[0].type, 'application/wasm', 'streaming compilation needs the wasm MIME type');
    assert.ok(!cold.some((c) => c.bytes === appBytes), 'no fallback to compiling the downloaded bytes');

    // The audio models' sessions load ONNX Runtime's module in its proxy worker: streaming there too
    // (Emscripten says "wasm streaming compile failed" on the console when it falls back).
    await page.waitForFunction(() => window.cuefinder.timings.models_ms, null, { timeout: 300000, polling: 100 });
    await page.waitForFunction(() => window.cuefinder.offlineReady, null, { timeout: 300000, polling: 100 });
    const second = await context.newPage();
    await second.goto(server.url);
    await second.evaluate(async () => { await window.cuefinder.ready; });
    assert.equal(await second.evaluate(() => !!navigator.serviceWorker.controller), true, 'the second visit is served by the service worker');
    const warm = await second.evaluate(() => window.wasmCompiles);
    const warmApp = appWasmOf(warm);
    assert.equal(warmApp.length, 1, `the app module, second visit: ${JSON.stringify(warm)}`);
    assert.equal(warmApp[0].api, 'instantiateStreaming');
    assert.equal(warmApp[0].type, 'application/wasm', 'the cached response keeps its MIME type');
    const entry = await second.evaluate(() => performance.getEntriesByType('resource').find((e) => e.name.endsWith('/cuefinder_app.wasm')));
    assert.ok(entry && entry.workerStart > 0, `the module came through the service worker: ${JSON.stringify(entry)}`);
    await second.close();

    const fallbacks = logs.filter((m) => /streaming compile failed|falling back to ArrayBuffer/.test(m.text || m));
    assert.deepEqual(fallbacks, [], 'no module fell back to ArrayBuffer compilation');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
