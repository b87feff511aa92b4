// Words and pictures in the browser app, end to end in headless Chromium: the real app, the real
// sentence encoder (USE-lite) and image model (MobileNet v2) in ONNX Runtime Web, on the fixture
// catalog. Types a query with the keyboard into the text box and gets results while typing, scores
// zero-shot labels in the tagging tab and colours the map by one, drops a real photo (a CC0 espresso
// cup stored as pixels in tests/data/image_model, written out as a PNG here) and gets "sees: …;
// feels: …" suggestions mixed with the words, drops a truncated picture (an error naming it, nothing
// lost) — and checks that neither the typed words nor the picture leave the page.
// Screenshots: build/browser-shots/words-*.png.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../src/site/assemble.mjs';
import { startServer } from '../../src/site/serve.mjs';
import { skipUnlessChromium, launchBrowser, openPage, assertNoLeak, shot, dropFile, tempDir, fixtureCatalog, encodePng } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const appDir = process.env.CF_APP_DIR || path.join(root, 'build/wasm-release/src/app');
const nodeModule = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
const photo = path.join(root, 'tests/data/image_model/coffee.rgb224.bin');

function skipReason() {
  const c = skipUnlessChromium();
  if (c) return c;
  for (const f of [path.join(appDir, 'cuefinder_app.js'), nodeModule, path.join(root, 'models/use-lite/model.onnx'),
    path.join(root, 'models/mobilenet-v2/model_wq.onnx'), photo])
    if (!fs.existsSync(f)) return `needs ${f}`;
  return false;
}
const skip = skipReason();
if (skip) console.log(`words browser test skipped: ${skip}`);

const waitFor = async (page, fn, arg, timeout = 180000) => page.waitForFunction(fn, arg, { timeout, polling: 100 });
const centre = (r) => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });
const state = (page) => page.evaluate(() => window.cuefinder.state());
// Like a hand: move onto the widget, let a frame see it hovered, then click (ImGui 1.86 does not
// hover an overlappable widget — tabs, rows — in the frame the pointer jumps onto it).
async function clickOn(page, rect) {
  const c = centre(rect);
  await page.mouse.move(c.x, c.y, { steps: 3 });
  await page.waitForTimeout(150);
  await page.mouse.click(c.x, c.y);
}

test('words and pictures: type a query, zero-shot tags, drop a photo, mix, bad picture, no leaks', { skip, timeout: 600000 }, async () => {
  const catalog = fixtureCatalog(nodeModule);
  const site = tempDir('cf-words-site-');
  await assemble({ out: site, app: appDir, worker: appDir, catalog });
  const server = await startServer({ root: site, port: 0 });
  const browser = await launchBrowser();
  const png = encodePng(fs.readFileSync(photo), 224, 224);
  const typed = 'calm piano';
  try {
    const { page, requests, pageErrors } = await openPage(browser, server.url, { viewport: { width: 1366, height: 800 } });
    await page.evaluate(async () => { await window.cuefinder.ready; });
    // The text model loads after the catalog; its concepts are embedded once.
    await waitFor(page, () => { const s = window.cuefinder.state().semantic; return s.ready || /not available/.test(s.status); });
    let s = await state(page);
    assert.equal(s.semantic.ready, true, s.semantic.status);

    // 1. Type a query with real keys: results arrive while typing, for the last text.
    let layout = await page.evaluate(() => window.cuefinder.layout());
    await clickOn(page, layout.text_query);
    await page.keyboard.type(typed, { delay: 40 });
    await waitFor(page, (t) => { const x = window.cuefinder.state(); return x.semantic.text && x.semantic.text.query === t && x.results.length > 0; }, typed);
    s = await state(page);
    assert.equal(s.results_are_fit, true);
    assert.equal(s.results.length, 10, 'every fixture track is listed (k = 25)');
    for (const r of s.results) assert.ok(r.score >= 0 && r.score <= 1, `calibrated fit ${r.score}`);
    for (let i = 1; i < s.results.length; i++) assert.ok(s.results[i - 1].score >= s.results[i].score, 'rank order');
    assert.ok(s.results[0].why.length > 0, 'the top result explains itself');
    assert.equal(s.semantic.text.concepts[0].key, 'mtt:piano', `"${typed}" weighs the piano tag most: ${JSON.stringify(s.semantic.text.concepts.slice(0, 3))}`);
    assert.ok(s.semantic.text.embed_ms > 0 && s.semantic.text.score_ms >= 0);
    console.log(`# text query: embed ${s.semantic.text.embed_ms.toFixed(1)} ms, score ${s.semantic.text.score_ms.toFixed(2)} ms (10 tracks, software WebGL)`);
    await shot(page, 'words-01-text');

    // 2. Zero-shot tags: the tab, labels typed, Enter; then colour the map by the first label.
    await clickOn(page, layout.tab_tags);
    await page.waitForTimeout(200);
    layout = await page.evaluate(() => window.cuefinder.layout());
    assert.ok(layout.tag_labels, 'the tagging tab shows its label box');
    await clickOn(page, layout.tag_labels);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('piano, rock music, lullaby', { delay: 20 });
    await page.keyboard.press('Enter');
    await waitFor(page, () => window.cuefinder.state().semantic.labels.length === 3);
    s = await state(page);
    assert.deepEqual(s.semantic.labels.map((l) => l.label), ['piano', 'rock music', 'lullaby']);
    for (const l of s.semantic.labels) {
      assert.equal(l.best.length, 5);
      assert.ok(l.fits >= 1 && l.fits <= 10, `tracks above the ${s.semantic.threshold} threshold: ${l.fits}`);
    }
    await page.waitForTimeout(200);
    layout = await page.evaluate(() => window.cuefinder.layout());
    await clickOn(page, layout.label_map_1);
    await waitFor(page, () => window.cuefinder.state().map.colour === 'label');
    assert.equal((await state(page)).map.colour_index, 1);
    await shot(page, 'words-02-tags');

    // 3. Drop a photo: what it shows and how it feels join the words; both weights are shown.
    await dropFile(page, '#canvas', { name: 'espresso.png', mimeType: 'image/png', buffer: png });
    await waitFor(page, () => { const x = window.cuefinder.state(); return x.semantic.image && !x.busy; });
    s = await state(page);
    assert.equal(s.error, null);
    assert.equal(s.semantic.image.name, 'espresso.png');
    assert.equal(s.semantic.image.classes[0].words, 'espresso', JSON.stringify(s.semantic.image.classes));
    assert.match(s.semantic.image.explanation, /^sees: espresso.*; feels: /);
    assert.equal(s.results.length, 10);
    layout = await page.evaluate(() => window.cuefinder.layout());
    assert.ok(layout.weight_text && layout.weight_image, 'a query of words and a picture shows both weights');
    console.log(`# picture: ${s.semantic.image.explanation} (${s.semantic.image.analysis_ms.toFixed(0)} ms)`);
    await shot(page, 'words-03-photo');
    // Words weighted to 0: the picture alone decides. Drag the words slider fully left.
    const before = s.results.map((r) => r.id).join();
    const w = layout.weight_text;
    await page.mouse.move(w.x + w.w / 2, w.y + w.h / 2);
    await page.mouse.down();
    await page.mouse.move(w.x - 50, w.y + w.h / 2, { steps: 5 });
    await page.mouse.up();
    await waitFor(page, () => window.cuefinder.state().semantic.weights.text === 0);
    s = await state(page);
    assert.ok(s.results.length === 10);
    console.log(`# order with words: ${before}\n# picture only:     ${s.results.map((r) => r.id).join()}`);

    // 4. A truncated picture: an error naming it; the query and the results stay.
    const kept = s.results.map((r) => r.id);
    await dropFile(page, '#canvas', { name: 'broken.png', mimeType: 'image/png', buffer: png.subarray(0, 300) });
    await waitFor(page, () => window.cuefinder.state().error !== null);
    s = await state(page);
    assert.match(s.error, /broken\.png/);
    assert.equal(s.semantic.image.name, 'espresso.png', 'the previous picture stays');
    assert.deepEqual(s.results.map((r) => r.id), kept);
    await shot(page, 'words-04-bad-picture');

    // 5. Neither audio nor a picture: the error names the file and what the page takes.
    await dropFile(page, '#canvas', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not music, not a picture\n'.repeat(20)) });
    await waitFor(page, () => /notes\.txt/.test(window.cuefinder.state().error || ''));
    s = await state(page);
    assert.match(s.error, /audio format.*pictures can be JPEG, PNG, GIF, BMP or WebP/);
    assert.deepEqual(s.results.map((r) => r.id), kept, 'the results stay');

    assert.deepEqual(pageErrors, []);
    // Nothing typed or dropped leaves the page.
    assertNoLeak(requests, { allowedOrigin: server.url, forbiddenBytes: [png], forbiddenStrings: [typed, 'rock music', 'espresso.png'] });
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(site, { recursive: true, force: true });
  }
});
