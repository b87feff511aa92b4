// Sessions that learn, in the browser app end to end (headless Chromium, the real app and models, the
// fixture catalog): like and skip rows with the buttons and the keys, undo, a typed remark, reload the
// page and find the session kept (IndexedDB), like a point on the map from its right-click menu, train
// a custom tag from a lasso and colour the map by it, make a playlist from the selection and export it
// as M3U8 — and check that none of it leaves the page. Screenshots: build/browser-shots/session-*.png.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../src/site/assemble.mjs';
import { startServer } from '../../src/site/serve.mjs';
import { skipUnlessChromium, launchBrowser, openPage, assertNoLeak, shot, tempDir, fixtureCatalog } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const appDir = process.env.CF_APP_DIR || path.join(root, 'build/wasm-release/src/app');
const nodeModule = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');

function skipReason() {
  const c = skipUnlessChromium();
  if (c) return c;
  for (const f of [path.join(appDir, 'cuefinder_app.js'), nodeModule, path.join(root, 'models/use-lite/model.onnx')])
    if (!fs.existsSync(f)) return `needs ${f}`;
  return false;
}
const skip = skipReason();
if (skip) console.log(`session browser test skipped: ${skip}`);

const waitFor = async (page, fn, arg, timeout = 120000) => page.waitForFunction(fn, arg, { timeout, polling: 100 });
const centre = (r) => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });
const state = (page) => page.evaluate(() => window.cuefinder.state());
const layoutOf = (page) => page.evaluate(() => window.cuefinder.layout());
// Move onto the widget, let a frame see it hovered, then click (ImGui 1.86 hovers a widget a frame late).
async function clickOn(page, rect, o = {}) {
  assert.ok(rect, 'a widget to click');
  const c = centre(rect);
  await page.mouse.move(c.x, c.y, { steps: 3 });
  await page.waitForTimeout(150);
  await page.mouse.click(c.x, c.y, o);
}
const ids = (s) => s.results.map((r) => r.id);

async function openApp(page) {
  await page.evaluate(async () => { await window.cuefinder.ready; });
  await waitFor(page, () => { const s = window.cuefinder.state().semantic; return s.ready || /not available/.test(s.status); });
}

test('like/skip sessions, undo, remark, kept on reload, map menu, custom tag from a lasso, playlist export, no leaks', { skip, timeout: 600000 }, async () => {
  const catalog = fixtureCatalog(nodeModule);
  const site = tempDir('cf-session-site-');
  await assemble({ out: site, app: appDir, worker: appDir, catalog });
  const server = await startServer({ root: site, port: 0 });
  const browser = await launchBrowser();
  const typed = 'calm piano', remark = 'more drums', tagName = 'right side';
  try {
    const { page, requests, pageErrors } = await openPage(browser, server.url, { viewport: { width: 1366, height: 800 } });
    await openApp(page);
    let s = await state(page);
    assert.equal(s.semantic.ready, true, s.semantic.status);
    assert.equal(s.session.events, 0);

    // 1. A query by words, then like the last row and skip the first: the order changes, neither comes back.
    let layout = await layoutOf(page);
    await clickOn(page, layout.text_query);
    await page.keyboard.type(typed, { delay: 30 });
    await waitFor(page, (t) => { const x = window.cuefinder.state(); return x.semantic.text && x.semantic.text.query === t && x.results.length > 0; }, typed);
    const before = await state(page);
    const n = before.results.length;
    assert.ok(n >= 6, `${n} results`);
    layout = await layoutOf(page);
    const liked = before.results[n - 1].id;
    await clickOn(page, layout[`like_${n - 1}`]);
    await waitFor(page, (id) => { const x = window.cuefinder.state(); return x.session.events === 1 && !x.results.some((r) => r.id === id); }, liked);
    const skipped = (await state(page)).results[0].id;  // the first row once the like has reordered the list
    await clickOn(page, (await layoutOf(page)).skip_0);
    await waitFor(page, () => window.cuefinder.state().session.events === 2);
    s = await state(page);
    assert.deepEqual(s.session.likes, [liked]);
    assert.deepEqual(s.session.skips, [skipped]);
    assert.ok(!ids(s).includes(liked) && !ids(s).includes(skipped), 'judged tracks never come back');
    assert.notDeepEqual(ids(s), ids(before).filter((id) => id !== liked && id !== skipped), 'the like moved the list');
    assert.match(s.session.learned, /you like:/);
    const afterTwo = ids(s);
    await shot(page, 'session-01-liked');

    // 2. The key S skips the selected row; the Undo button takes it back, the list is as it was.
    await page.keyboard.press('s');
    await waitFor(page, () => window.cuefinder.state().session.events === 3);
    await clickOn(page, (await layoutOf(page)).feedback_undo);
    await waitFor(page, () => window.cuefinder.state().session.events === 2);
    assert.deepEqual(ids(await state(page)), afterTwo, 'undo gives back the exact list');

    // 3. A typed remark joins the session.
    await clickOn(page, (await layoutOf(page)).remark_input);
    await page.keyboard.type(remark, { delay: 20 });
    await page.keyboard.press('Enter');
    await waitFor(page, (r) => window.cuefinder.state().session.remarks.includes(r), remark);
    s = await state(page);
    assert.equal(s.session.events, 3);
    await waitFor(page, () => (window.cuefinder.savedStates || 0) >= 4);  // every input was kept

    // 4. Reload: the session is back (likes, skips, the remark), the list ranks by it.
    await page.reload();
    await openApp(page);
    await waitFor(page, () => window.cuefinder.state().session.events === 3);
    s = await state(page);
    assert.deepEqual(s.session.likes, [liked]);
    assert.deepEqual(s.session.skips, [skipped]);
    assert.deepEqual(s.session.remarks, [remark]);
    assert.ok(s.results.length > 0 && !ids(s).includes(liked), 'the kept session ranks the catalog');
    await shot(page, 'session-02-reloaded');

    // 5. The map: Find similar on the top row (Shift+Enter) puts it on the map; right-click it → Like.
    await clickOn(page, (await layoutOf(page)).result_0);
    const target = (await state(page)).results[0].id;
    await page.keyboard.down('Shift');
    await page.keyboard.press('Enter');
    await page.keyboard.up('Shift');
    await waitFor(page, (id) => { const x = window.cuefinder.state(); return x.query && x.query.track_id === id; }, target);
    await page.waitForTimeout(200);
    await clickOn(page, (await layoutOf(page)).map_query, { button: 'right' });
    await waitFor(page, () => !!window.cuefinder.layout().map_menu_like, null, 10000);
    await clickOn(page, (await layoutOf(page)).map_menu_like);
    await waitFor(page, (id) => window.cuefinder.state().session.likes.includes(id), target);
    await shot(page, 'session-03-map-like');

    // 6. A lasso over the right half of the map (where the fixture's points are), a name, Train: the map is coloured by the new tag.
    layout = await layoutOf(page);
    await clickOn(page, layout.tool_lasso);
    await waitFor(page, () => window.cuefinder.state().map.tool === 'lasso', null, 10000);
    const m = layout.map_canvas;
    await page.mouse.move(m.x + 0.45 * m.w, m.y + 0.3 * m.h);
    await page.mouse.down();
    for (const [fx, fy] of [[0.45, 0.02], [0.99, 0.02], [0.99, 0.99], [0.45, 0.99], [0.45, 0.4]]) await page.mouse.move(m.x + fx * m.w, m.y + fy * m.h, { steps: 6 });
    await page.mouse.up();
    await waitFor(page, () => window.cuefinder.state().selection.length > 0, null, 10000);
    const selected = (await state(page)).selection;
    await clickOn(page, (await layoutOf(page)).tab_custom_tags);
    await page.waitForTimeout(200);
    await clickOn(page, (await layoutOf(page)).custom_tag_name);
    await page.keyboard.type(tagName, { delay: 20 });
    await clickOn(page, (await layoutOf(page)).custom_tag_train);
    await waitFor(page, () => window.cuefinder.state().custom_tags.length === 1);
    s = await state(page);
    assert.equal(s.custom_tags[0].name, tagName);
    assert.equal(s.custom_tags[0].n_positives, selected.length);
    assert.ok(s.custom_tags[0].n_fit >= 1, `the tag fits some tracks: ${JSON.stringify({ selected, tag: s.custom_tags[0] })}`);
    assert.equal(s.map.colour, 'custom_tag');
    await shot(page, 'session-04-custom-tag');

    // 7. A playlist from the selection, exported as M3U8.
    await clickOn(page, (await layoutOf(page)).tab_playlist);
    await page.waitForTimeout(200);
    await clickOn(page, (await layoutOf(page)).playlist_make);
    await waitFor(page, () => { const p = window.cuefinder.state().playlist; return p && p.entries.length > 0; });
    s = await state(page);
    assert.match(s.playlist.seed, /selected tracks/);
    for (const id of selected) assert.ok(s.playlist.entries.some((e) => e.id === id), `seed ${id} is in the playlist`);
    await shot(page, 'session-05-playlist');
    await clickOn(page, (await layoutOf(page)).playlist_export_m3u8);
    await waitFor(page, () => window.cuefinder.lastDownload && window.cuefinder.lastDownload.name.endsWith('.m3u8'), null, 10000);
    const m3u = await page.evaluate(() => window.cuefinder.lastDownload.text);
    assert.match(m3u, /^#EXTM3U\n/);
    assert.equal((m3u.match(/^#EXTINF:/gm) || []).length, s.playlist.entries.length);

    // 8. The session exports as JSON (drop it on the page to import it).
    await clickOn(page, (await layoutOf(page)).tab_matches);
    await page.waitForTimeout(200);
    await clickOn(page, (await layoutOf(page)).feedback_export);
    await waitFor(page, () => window.cuefinder.lastDownload && window.cuefinder.lastDownload.name === 'cuefinder-session.json', null, 10000);
    const exported = JSON.parse(await page.evaluate(() => window.cuefinder.lastDownload.text));
    assert.equal(exported.format, 'cuefinder-session');
    assert.equal(exported.events.length, 4);

    assert.deepEqual(pageErrors, []);
    assertNoLeak(requests, { allowedOrigin: server.url, forbiddenStrings: [typed, remark, tagName] });
  } finally {
    await browser.close();
    server.close();
  }
});
