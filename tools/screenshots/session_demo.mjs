#!/usr/bin/env node
// The README's screenshot of a session that learns, on the demo catalog (not a test): words as the
// query, two rows liked and one skipped with real clicks, a playlist made from the likes, drawn on the
// map. Writes docs/screenshots/app-session.png.
//
//   node tools/screenshots/session_demo.mjs [--catalog ~/.cache/cuefinder/demo/catalog] [--out docs/screenshots/app-session.png]
// Needs ./cuefinder build wasm-release cuefinder_app cuefinder_worker and the demo catalog.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../src/site/assemble.mjs';
import { startServer } from '../../src/site/serve.mjs';
import { launchBrowser, openPage } from '../../tests/browser/lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const catalog = path.resolve(opt('--catalog', path.join(os.homedir(), '.cache/cuefinder/demo/catalog')));
const out = path.resolve(opt('--out', path.join(root, 'docs/screenshots/app-session.png')));
const appDir = path.join(root, 'build/wasm-release/src/app');

const centre = (r) => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });
async function clickOn(page, rect) {
  if (!rect) throw new Error('no such widget on the page');
  const c = centre(rect);
  await page.mouse.move(c.x, c.y, { steps: 3 });
  await page.waitForTimeout(150);
  await page.mouse.click(c.x, c.y);
}
const layout = (page) => page.evaluate(() => window.cuefinder.layout());
const waitFor = (page, fn, arg) => page.waitForFunction(fn, arg, { timeout: 180000, polling: 100 });

const site = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-shot-site-'));
await assemble({ out: site, app: appDir, worker: appDir, catalog });
const server = await startServer({ root: site, port: 0 });
const browser = await launchBrowser();
try {
  const { page } = await openPage(browser, server.url, { viewport: { width: 1366, height: 800 } });
  await page.evaluate(async () => { await window.cuefinder.ready; });
  await waitFor(page, () => window.cuefinder.state().semantic.ready);
  await clickOn(page, (await layout(page)).text_query);
  await page.keyboard.type('calm piano', { delay: 30 });
  await waitFor(page, () => { const s = window.cuefinder.state(); return s.semantic.text && s.semantic.text.query === 'calm piano' && s.results.length > 5; });
  for (const [what, row, n] of [['like', 2, 1], ['like', 4, 2], ['skip', 0, 3]]) {
    await clickOn(page, (await layout(page))[`${what}_${row}`]);
    await waitFor(page, (k) => window.cuefinder.state().session.events === k, n);
  }
  await clickOn(page, (await layout(page)).tab_playlist);
  await page.waitForTimeout(200);
  await clickOn(page, (await layout(page)).playlist_make);
  await waitFor(page, () => { const p = window.cuefinder.state().playlist; return p && p.entries.length > 0; });
  await clickOn(page, (await layout(page)).tab_matches);
  await page.waitForTimeout(400);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  const s = await page.evaluate(() => window.cuefinder.state());
  console.log(`${out}: learned "${s.session.learned}", re-rank ${s.session.rerank_ms} ms, playlist of ${s.playlist.entries.length}`);
} finally {
  await browser.close();
  server.close();
  fs.rmSync(site, { recursive: true, force: true });
}
