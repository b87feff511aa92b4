// Video reading in the browser: the 60 s 1080p30 H.264 + AAC benchmark clip (tools/make_video_fixtures.sh
// --long: 20 shots, 19 cuts at 3, 6, …, 57 s) read in headless Chromium by web/video_reader.mjs
// (mediabunny + WebCodecs, downscaled to 256 px on an OffscreenCanvas) and pushed through the core's
// cf_video_* (web/video_core.mjs) in the app's own WASM module (build/wasm-release/src/app/cuefinder_app.*,
// created with noInitialRun: the exports without the app's UI). Side by side, the same reading into a
// sink that only counts (decode + downscale + RGBA copy-out alone). Median of 3 runs of each, the
// machine's load before and after each run.
//
//   node tools/bench/video/chromium.mjs [--runs 3] [--clip build/bench-video/long_1080p30.mp4] [--max-size 256]
//
// Needs: Debian's chromium + playwright-core (tools/setup.sh), ffmpeg (to make the clip once), and
// ./cuefinder build wasm-release cuefinder_app. Results: docs/benchmarks/video.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MEDIABUNNY_FILES } from '../../../src/site/assemble.mjs';
import { startServer } from '../../../src/site/serve.mjs';
import { launchBrowser, openPage, tempDir } from '../../../tests/browser/lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const GOAL_S = 30;
const EXPECTED_CUTS_S = Array.from({ length: 19 }, (_, i) => 3 * (i + 1));

function parseArgs(argv) {
  const o = { runs: 3, clip: path.join(root, 'build/bench-video/long_1080p30.mp4'), maxSize: 256,
    app: path.join(root, 'build/wasm-release/src/app') };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--runs') o.runs = Number(v);
    else if (k === '--clip') o.clip = path.resolve(v);
    else if (k === '--max-size') o.maxSize = Number(v);
    else if (k === '--app') o.app = path.resolve(v);
    else throw new Error(`unknown argument ${k} (--runs N, --clip FILE, --max-size PX, --app DIR)`);
  }
  return o;
}

function ensureClip(clip) {
  if (fs.existsSync(clip)) return;
  fs.mkdirSync(path.dirname(clip), { recursive: true });
  console.log(`making ${clip} (tools/make_video_fixtures.sh --long)`);
  const r = spawnSync(path.join(root, 'tools/make_video_fixtures.sh'), ['--long', clip], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not make the benchmark clip');
}

// The bench page: the app's module without its UI, the reader, the core sink, and a counting sink.
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>video bench</title></head>
<body><script src="cuefinder_app.js"></script>
<script type="module">
  import { readVideo } from './video_reader.mjs';
  import { coreVideoSink } from './video_core.mjs';
  import { coreClient } from './core_client.mjs';
  const core = coreClient(await createCuefinderApp({ noInitialRun: true }));
  const counting = () => ({ frames: 0, samples: 0, begin() {}, frame() { this.frames++; }, audio(m) { this.samples += m.length; }, end() {} });
  window.bench = {
    async run(mode, maxSizePx) {
      const file = new File([await (await fetch('clip.mp4')).blob()], 'clip.mp4');
      const sink = mode === 'core' ? coreVideoSink(core, 'clip.mp4') : counting();
      let frames = 0;
      if (mode === 'core') { const f = sink.frame; sink.frame = (x) => { frames++; return f(x); }; }
      const t0 = performance.now();
      await readVideo(file, sink, { maxSizePx });
      const ms = performance.now() - t0;
      const out = { ms, frames: mode === 'core' ? frames : sink.frames };
      if (mode === 'core') {
        out.cuts = sink.result.cuts_s;
        out.n_frames = sink.result.n_frames;
        out.has_audio = sink.result.sound.has_audio;
        sink.free();
      }
      return out;
    },
  };
  window.benchReady = true;
</script></body></html>
`;

function makeSite(o) {
  const site = tempDir('cf-video-bench-');
  const copy = (src, dest) => {
    fs.mkdirSync(path.dirname(path.join(site, dest)), { recursive: true });
    fs.copyFileSync(src, path.join(site, dest));
  };
  for (const f of ['video_reader.mjs', 'video_pixels.mjs', 'video_core.mjs', 'core_client.js', 'core_client.mjs']) copy(path.join(root, 'web', f), f);
  for (const [dest, f] of Object.entries(MEDIABUNNY_FILES)) copy(path.join(root, 'node_modules/mediabunny', f), dest);
  for (const f of ['cuefinder_app.js', 'cuefinder_app.wasm']) {
    if (!fs.existsSync(path.join(o.app, f))) throw new Error(`needs ${path.join(o.app, f)} (./cuefinder build wasm-release cuefinder_app)`);
    copy(path.join(o.app, f), f);
  }
  copy(o.clip, 'clip.mp4');
  fs.writeFileSync(path.join(site, 'index.html'), PAGE);
  return site;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => os.loadavg()[0];

async function main() {
  const o = parseArgs(process.argv.slice(2));
  ensureClip(o.clip);
  const site = makeSite(o);
  const server = await startServer({ root: site, port: 0 });
  const browser = await launchBrowser();
  const rows = { core: [], count: [] };
  try {
    const { page, pageErrors } = await openPage(browser, server.url);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60000 });
    for (let i = 0; i < o.runs; i++) {
      for (const mode of ['core', 'count']) {
        const before = load();
        const r = await page.evaluate(([m, px]) => window.bench.run(m, px), [mode, o.maxSize]);
        rows[mode].push({ ...r, loadBefore: before, loadAfter: load() });
        console.log(`run ${i + 1} ${mode}: ${(r.ms / 1000).toFixed(2)} s, ${r.frames} frames` +
          (r.cuts ? `, ${r.cuts.length} cuts` : '') + `, load ${before.toFixed(2)} → ${load().toFixed(2)}`);
      }
    }
    if (pageErrors.length) console.log(`page errors: ${pageErrors.join('\n')}`);
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(site, { recursive: true, force: true });
  }
  report(o, rows);
}

function report(o, rows) {
  const core = median(rows.core.map((r) => r.ms)) / 1000, count = median(rows.count.map((r) => r.ms)) / 1000;
  const last = rows.core[rows.core.length - 1];
  const found = last.cuts.filter((c) => EXPECTED_CUTS_S.some((e) => Math.abs(c - e) < 0.05)).length;
  const loads = [...rows.core, ...rows.count].flatMap((r) => [r.loadBefore, r.loadAfter]);
  console.log(`\nmedian of ${o.runs}: through cf_video_* ${core.toFixed(2)} s (${(60 / core).toFixed(1)}× real time), ` +
    `counting sink ${count.toFixed(2)} s; core share ${(100 * (core - count) / core).toFixed(0)} %; ` +
    `${last.n_frames} frames, ${found} of 19 cuts found, ${last.cuts.length - found} false; ` +
    `load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${os.cpus().length} cores; ` +
    `goal < ${GOAL_S} s: ${core < GOAL_S ? 'met' : 'NOT met'}`);
}

main().catch((e) => {
  console.error(`video bench: ${e.message}`);
  process.exit(1);
});
