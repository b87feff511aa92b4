// The page checks every model against its manifest's sha256 before ONNX Runtime loads it (web/app.js →
// web/ort_bridge.mjs checkModelBytes → the core's cf::Sha256 in the app's WASM module).
// A site whose msd-musicnn-1 model has one byte flipped: the page shows an error naming the file as
// soon as the background model load meets it, and a dropped track's analysis fails with the same
// file named — nothing is analysed with the tampered model. Screenshot: build/browser-shots/
// model-check-tampered.png.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../src/site/assemble.mjs';
import { startServer } from '../../src/site/serve.mjs';
import { skipUnlessChromium, launchBrowser, openPage, shot, dropFile, tempDir, fixtureCatalog } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const appDir = process.env.CF_APP_DIR || path.join(root, 'build/wasm-release/src/app');
const nodeModule = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
const clip = path.join(root, 'tests/data/audio/tags_vorbis.ogg');

function skipReason() {
  const c = skipUnlessChromium();
  if (c) return c;
  for (const f of [path.join(appDir, 'cuefinder_app.js'), nodeModule, clip]) if (!fs.existsSync(f)) return `needs ${f}`;
  return false;
}
const skip = skipReason();
if (skip) console.log(`model check browser test skipped: ${skip}`);

const waitFor = (page, fn, arg, timeout = 180000) => page.waitForFunction(fn, arg, { timeout, polling: 100 });

// A new file with one byte flipped (the site's copy may share blocks with models/: never write into it).
function flipByte(file, at) {
  const b = fs.readFileSync(file);
  b[at] ^= 0x01;
  fs.rmSync(file);
  fs.writeFileSync(file, b);
}

test('a tampered model: the page names the file, and a dropped track is not analysed with it', { skip, timeout: 600000 }, async () => {
  const catalog = fixtureCatalog(nodeModule);
  const site = tempDir('cf-model-check-site-');
  await assemble({ out: site, app: appDir, worker: appDir, catalog });
  flipByte(path.join(site, 'models/msd-musicnn-1/model.onnx'), 1234567);
  const server = await startServer({ root: site, port: 0 });
  const browser = await launchBrowser();
  try {
    // nosw: the service worker would refuse this site anyway (its site-manifest.json hash differs).
    const { page, pageErrors } = await openPage(browser, `${server.url}?nosw`);
    await page.evaluate(async () => { await window.cuefinder.ready; });
    const named = /models\/msd-musicnn-1\/model\.onnx: sha256 mismatch: the file has [0-9a-f]{64}, its manifest says 51a61dee/;
    await waitFor(page, (re) => new RegExp(re).test(window.cuefinder.state().error || ''), named.source);
    await shot(page, 'model-check-tampered');

    await dropFile(page, '#canvas', { name: 'tags_vorbis.ogg', mimeType: 'audio/ogg', buffer: fs.readFileSync(clip) });
    await waitFor(page, () => { const s = window.cuefinder.state(); return !s.busy && s.error && /tags_vorbis/.test(s.error); });
    const s = await page.evaluate(() => window.cuefinder.state());
    assert.match(s.error, named, s.error);
    assert.equal(s.results.length, 0, 'no results from a tampered model');
    const stats = await page.evaluate(() => window.cuefinder.ortStats);
    console.log(`# page: ${(stats.checked_bytes / 1e6).toFixed(1)} MB of models checked in ${stats.check_ms.toFixed(0)} ms`);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(site, { recursive: true, force: true });
  }
});
