// Browser check of the UI toolchain: serves the built hello page, loads it in headless Chromium
// (Debian's /usr/bin/chromium via playwright-core) at devicePixelRatio 2, clicks the ImGui button
// with real mouse events, resizes the viewport, and writes screenshots. Exits non-zero on failure.
//
//   node tools/web/hello/check.mjs [build dir with hello.html/js/wasm, default build/ui-wasm]
// Writes <dir>/hello.png (after two clicks) and <dir>/hello-resized.png (viewport 800x560).
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const dir = path.resolve(process.argv[2] || 'build/ui-wasm');
for (const f of ['hello.html', 'hello.js', 'hello.wasm']) {
  if (!fs.existsSync(path.join(dir, f))) { console.error(`check: ${f} missing in ${dir}`); process.exit(2); }
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.png': 'image/png' };
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'hello.html';
  const file = path.join(dir, rel);
  if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404).end('not found'); return;
  }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream',
                       'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/hello.html`;

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-hello-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
  viewport: { width: 1024, height: 700 }, deviceScaleFactor: 2,
});
let failed = false;
const fail = (msg) => { console.error(`check: FAIL: ${msg}`); failed = true; };
try {
  const page = context.pages()[0] || await context.newPage();
  const log = [];
  page.on('console', (m) => { log.push(m.text()); console.log(`  [page] ${m.text()}`); });
  page.on('pageerror', (e) => fail(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => window.hello && window.hello.button.w > 0, null, { timeout: 30000 });
  let s = await page.evaluate(() => window.hello);
  console.log(`check: loaded: window ${s.window} drawable ${s.drawable} button ${JSON.stringify(s.button)}`);
  if (s.drawable[0] !== 2 * s.window[0] || s.window[0] !== 1024 || s.window[1] !== 700) {
    fail(`expected window 1024x700 and drawable 2048x1400 at devicePixelRatio 2, got ${s.window} / ${s.drawable}`);
  }
  for (let n = 1; n <= 2; ++n) {
    const b = (await page.evaluate(() => window.hello)).button;
    await page.mouse.click(b.x + b.w / 2, b.y + b.h / 2);
    await page.waitForFunction((n) => window.hello.clicks >= n, n, { timeout: 10000 })
      .catch(() => fail(`click ${n} did not register`));
  }
  await page.waitForTimeout(300);  // a few frames so the counter text is drawn
  s = await page.evaluate(() => window.hello);
  if (s.clicks !== 2) fail(`expected 2 clicks, got ${s.clicks}`);
  if (!log.includes('hello: clicks=2')) fail('console line "hello: clicks=2" missing');
  await page.screenshot({ path: path.join(dir, 'hello.png') });

  await page.setViewportSize({ width: 800, height: 560 });
  await page.waitForFunction(() => window.hello.window[0] === 800 && window.hello.window[1] === 560, null, { timeout: 10000 })
    .catch(() => fail('the SDL window did not follow the viewport resize'));
  await page.waitForTimeout(300);
  s = await page.evaluate(() => window.hello);
  console.log(`check: resized: window ${s.window} drawable ${s.drawable}`);
  if (s.drawable[0] !== 1600 || s.drawable[1] !== 1120) fail(`expected drawable 1600x1120 after resize, got ${s.drawable}`);
  const b = s.button;
  await page.mouse.click(b.x + b.w / 2, b.y + b.h / 2);
  await page.waitForFunction(() => window.hello.clicks === 3, null, { timeout: 10000 })
    .catch(() => fail('click after resize did not register'));
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(dir, 'hello-resized.png') });
  console.log(`check: screenshots: ${path.join(dir, 'hello.png')} ${path.join(dir, 'hello-resized.png')}`);
} finally {
  await context.close();
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(failed ? 'check: FAILED' : 'check: OK');
process.exit(failed ? 1 : 0);
