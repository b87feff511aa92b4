// A dropped video in the real app, as a user waits for it: the 60 s 1080p30 H.264 + AAC benchmark clip
// (tools/make_video_fixtures.sh --long) dropped onto the page in headless Chromium, with the app's
// models already warm; the time until the first suggestions show (while the clip is still being read)
// and until the final, fitted suggestions (every frame read, the shots' keyframes through the image
// model, ranked, fitted). Median of N runs (a fresh page each), the machine's load before and after.
//
//   node tools/bench/video/chromium_app.mjs [--runs 3] [--clip build/bench-video/long_1080p30.mp4] [--catalog DIR]
//
// --catalog: a catalog folder (default: the demo catalog when it is built, else the test fixture catalog).
// Needs: Debian's chromium + playwright-core, ffmpeg (the clip, once), ./cuefinder build wasm-release.
// Results: docs/benchmarks/video.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../../src/site/assemble.mjs';
import { startServer } from '../../../src/site/serve.mjs';
import { launchBrowser, openPage, tempDir, dropFile, fixtureCatalog } from '../../../tests/browser/lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const appDir = path.join(root, 'build/wasm-release/src/app');
const nodeModule = path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
const demoCatalog = path.join(os.homedir(), '.cache/cuefinder/demo/catalog');

function parseArgs(argv) {
  const o = { runs: 3, clip: path.join(root, 'build/bench-video/long_1080p30.mp4'), catalog: null };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--runs') o.runs = Number(v);
    else if (k === '--clip') o.clip = path.resolve(v);
    else if (k === '--catalog') o.catalog = path.resolve(v);
    else throw new Error(`unknown argument ${k} (--runs N, --clip FILE, --catalog DIR)`);
  }
  o.catalog ||= fs.existsSync(path.join(demoCatalog, 'catalog.cfc')) ? demoCatalog : fixtureCatalog(nodeModule);
  return o;
}

function ensureClip(clip) {
  if (fs.existsSync(clip)) return;
  fs.mkdirSync(path.dirname(clip), { recursive: true });
  const r = spawnSync(path.join(root, 'tools/make_video_fixtures.sh'), ['--long', clip], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not make the benchmark clip');
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const load = () => os.loadavg()[0].toFixed(1);

// One run: a fresh page, models warm, the clip dropped; wall times seen from the test and the session's own.
async function runOnce(browser, url, clip) {
  const { page, close } = await openPage(browser, url, { viewport: { width: 1366, height: 800 } });
  try {
    await page.evaluate(async () => { await window.cuefinder.ready; });
    await page.waitForFunction(() => window.cuefinder.timings.models_ms > 0 && window.cuefinder.state().semantic.ready,
      null, { timeout: 600000, polling: 200 });
    const buffer = fs.readFileSync(clip);
    const t0 = Date.now();
    await dropFile(page, '#canvas', { name: path.basename(clip), mimeType: 'video/mp4', buffer });
    await page.waitForFunction(() => window.cuefinder.state().video.suggestions.length > 0, null, { timeout: 600000, polling: 50 });
    const first_s = (Date.now() - t0) / 1000;
    const firstRead = (await page.evaluate(() => { const c = window.cuefinder.state().video.clip; return c ? c.n_frames / c.fps : 0; })) || 0;
    await page.waitForFunction(() => { const v = window.cuefinder.state().video; return v.stage === 'ready' && !v.reading; },
      null, { timeout: 600000, polling: 50 });
    const all_s = (Date.now() - t0) / 1000;
    const v = await page.evaluate(() => window.cuefinder.state().video);
    return { first_s, all_s, first_read_s: firstRead, session_first_s: v.first_suggestions_s, session_read_s: v.read_s, session_all_s: v.finished_s,
      cuts: v.clip.cuts_s.length, shots: v.clip.shots.length, top: v.suggestions[0]?.id, error: v.error };
  } finally {
    await close();
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  ensureClip(o.clip);
  const site = tempDir('cf-bench-video-app-');
  await assemble({ out: site, app: appDir, worker: appDir, catalog: o.catalog });
  const server = await startServer({ root: site, port: 0 });
  const browser = await launchBrowser();
  const runs = [];
  try {
    for (let i = 0; i < o.runs; i++) {
      const before = load();
      const r = await runOnce(browser, server.url, o.clip);
      runs.push({ ...r, load_before: before, load_after: load() });
      console.log(JSON.stringify(runs[runs.length - 1]));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`clip ${path.basename(o.clip)}, catalog ${o.catalog} · ${os.cpus().length} cores · ${runs.length} runs`);
  console.log(`first suggestions: median ${median(runs.map((r) => r.first_s)).toFixed(1)} s after the drop ` +
    `(clip read up to ${median(runs.map((r) => r.first_read_s)).toFixed(1)} s of 60)`);
  console.log(`final, fitted suggestions: median ${median(runs.map((r) => r.all_s)).toFixed(1)} s (goal: under 30 s, half the clip)`);
}

main().catch((e) => { console.error(e.stack || e.message); process.exit(1); });
