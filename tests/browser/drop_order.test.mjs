// A dropped track is analysed in the order the user needs it (src/app/session/drop_analysis.h): first
// results from the embedding model on the quick profile's 4 windows, then the list refined by the query
// profile's embedding, then tags and moods — in the real app in headless Chromium, with a real drop.
// Checks the order of what the page shows and that the refined list is consistent with the first one
// (no wall-time assertions); screenshots build/browser-shots/drop-order-*.png.
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
const dropped = path.join(root, 'tests/data/golden/source/return_to_home.ogg');  // in the fixture catalog too

function skipReason() {
  const c = skipUnlessChromium();
  if (c) return c;
  for (const f of [path.join(appDir, 'cuefinder_app.js'), nodeModule, dropped])
    if (!fs.existsSync(f)) return `needs ${f} (./cuefinder build wasm-release cuefinder_app cuefinder_worker cuefinder_node)`;
  return false;
}
const skip = skipReason();

// In the page: every change of what the list shows during the drop, polled every 10 ms.
function watchDrop(name) {
  const log = [];
  let last = '';
  const timer = setInterval(() => {
    const s = window.cuefinder.state();
    if (!s.query || s.query.name !== name || !s.results.length) return;
    const snap = { preliminary: s.query.preliminary, busy: s.busy, stage: s.stage, ids: s.results.map((r) => r.id),
      selected: s.selected_row >= 0 ? s.results[s.selected_row].id : null, tags: s.query.tags.length,
      moods: Object.keys(s.query.moods).length, first_results_s: s.query.first_results_s, analysis_s: s.query.analysis_s };
    const key = JSON.stringify(snap);
    if (key !== last) log.push(snap);
    last = key;
    if (!s.busy) clearInterval(timer);
  }, 10);
  window.dropLog = log;
}

test('a drop lists first results from the quick stage, then refines them consistently', { skip, timeout: 600000 }, async () => {
  const site = tempDir('cf-drop-order-');
  await assemble({ out: site, app: appDir, worker: appDir, catalog: fixtureCatalog(nodeModule) });
  const server = await startServer({ root: site, port: 0 });
  const browser = await launchBrowser();
  try {
    const { page, pageErrors } = await openPage(browser, server.url, { viewport: { width: 1366, height: 800 } });
    await page.evaluate(async () => { await window.cuefinder.ready; });
    // The models are warmed in the background after start (one silent patch each).
    await page.waitForFunction(() => window.cuefinder.timings.models_warm_ms, null, { timeout: 300000, polling: 100 });
    const name = path.basename(dropped);
    await page.evaluate(watchDrop, name);
    await dropFile(page, '#canvas', { name, mimeType: 'audio/ogg', buffer: fs.readFileSync(dropped) });

    // First results: listed while the analysis still runs, marked preliminary.
    await page.waitForFunction((n) => { const s = window.cuefinder.state(); return s.query && s.query.name === n && s.results.length > 0; }, name, { timeout: 120000, polling: 10 });
    await shot(page, 'drop-order-1-first');
    await page.waitForFunction(() => !window.cuefinder.state().busy, null, { timeout: 300000, polling: 50 });
    await shot(page, 'drop-order-2-complete');
    const log = await page.evaluate(() => window.dropLog);
    const final = await page.evaluate(() => window.cuefinder.state());

    const first = log[0];
    assert.equal(first.preliminary, true, `the first list is the quick stage's: ${JSON.stringify(first)}`);
    assert.equal(first.busy, true, 'first results come before the analysis is complete');
    assert.match(first.stage, /first results|decoding|refining|inference/);
    assert.equal(final.query.preliminary, false);
    assert.ok(final.query.first_results_s > 0 && final.query.first_results_s < final.query.analysis_s,
      `first results at ${final.query.first_results_s} s, complete at ${final.query.analysis_s} s`);
    // The quick stage has msd tags only: moods, mtt tags, tempo and loudness come with the complete analysis.
    assert.ok(Number.isFinite(final.query.bpm) && Number.isFinite(final.query.loudness_lufs));
    assert.equal(Object.keys(final.query.moods).length, 5);

    // Consistent: the same recording is in the catalog, so it tops both lists; the top 5 mostly agree.
    const finalIds = final.results.map((r) => r.id);
    assert.ok(final.results[0].path.endsWith(name), `final top ${final.results[0].path}`);
    assert.equal(first.ids[0], finalIds[0], 'the first list and the refined one agree on the top match');
    const shared = first.ids.slice(0, 5).filter((id) => finalIds.slice(0, 5).includes(id)).length;
    assert.ok(shared >= 3, `top 5 shared between first and refined lists: ${shared} (${first.ids.slice(0, 5)} vs ${finalIds.slice(0, 5)})`);
    // Once refined (the query stage's embedding), tags and moods fill in without reordering the list.
    const refined = log.filter((s) => s.preliminary === false);
    assert.ok(refined.length >= 1, 'the refined list is shown');
    for (const s of refined) assert.deepEqual(s.ids, finalIds, 'the refined list does not change when the tags and moods arrive');
    assert.ok(log.findIndex((s) => !s.preliminary) > log.findIndex((s) => s.preliminary), 'preliminary list first');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
