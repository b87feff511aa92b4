// web/video_reader.mjs in headless Chromium on every clip of tests/data/video: the frames it hands over
// are ffprobe's frames (same count, same times), downscaled and upright (the portrait clip shows red on
// top), the sound arrives as mono blocks at the clip's rate, and each bad file fails with a message
// naming it — the truncated clip after the frames before the damage, the HEVC clip (which Chromium
// cannot decode) after its sound. The <video> fallback is forced on for a few clips: it may skip frames
// (its documented limit), but every frame it gives is one of ffprobe's and upright.
// The page (tests/browser/fixtures/video_reader_page.html) is served from a folder laid out like the site
// (src/site/assemble.mjs: video_reader.mjs beside vendor/mediabunny.min.mjs).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MEDIABUNNY_FILES } from '../../src/site/assemble.mjs';
import { startServer } from '../../src/site/serve.mjs';
import { skipUnlessChromium, launchBrowser, openPage, tempDir } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const videos = path.join(root, 'tests/data/video');
const mediabunny = path.join(root, 'node_modules/mediabunny');

function skipReason() {
  const c = skipUnlessChromium();
  if (c) return c;
  if (spawnSync('ffprobe', ['-version']).status !== 0) return 'ffprobe is missing (apt-get install ffmpeg)';
  for (const f of Object.values(MEDIABUNNY_FILES)) if (!fs.existsSync(path.join(mediabunny, f))) return `needs ${path.join(mediabunny, f)} (npm ci)`;
  return false;
}
const skip = skipReason();
if (skip) console.log(`video reader browser test skipped: ${skip}`);

/** ffprobe's video frame times (pts, seconds) of a clip, as decoded by FFmpeg. */
function ffprobeTimes(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'json', file], { encoding: 'utf8' });
  return JSON.parse(r.stdout).frames.map((f) => Number(f.pts_time));
}

let server, browser, page;
test.before(async () => {
  if (skip) return;
  const site = tempDir('cf-video-reader-');
  fs.mkdirSync(path.join(site, 'video'));
  for (const f of ['video_reader.mjs', 'video_pixels.mjs']) fs.copyFileSync(path.join(root, 'web', f), path.join(site, f));
  for (const [dest, f] of Object.entries(MEDIABUNNY_FILES)) {
    fs.mkdirSync(path.dirname(path.join(site, dest)), { recursive: true });
    fs.copyFileSync(path.join(mediabunny, f), path.join(site, dest));
  }
  fs.copyFileSync(path.join(root, 'tests/browser/fixtures/video_reader_page.html'), path.join(site, 'index.html'));
  for (const f of fs.readdirSync(videos)) fs.copyFileSync(path.join(videos, f), path.join(site, 'video', f));
  server = await startServer({ root: site, port: 0 });
  browser = await launchBrowser();
  ({ page } = await openPage(browser, server.url));
  await page.waitForFunction(() => window.videoFixture && window.videoFixture.ready);
});
test.after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

const read = (name, options = {}) => page.evaluate(([n, o]) => window.videoFixture.read(n, o), [name, options]);

/** Frames equal ffprobe's: the same count and times (from the first frame's; 1 ms: µs timestamps). */
function assertFfprobeFrames(got, name, n = undefined) {
  const want = ffprobeTimes(path.join(videos, name));
  const expected = n === undefined ? want : want.slice(0, n);
  assert.equal(got.frames.length, expected.length, `${name}: frames`);
  got.frames.forEach((f, i) => assert.ok(Math.abs(f.timeS - (expected[i] - want[0])) < 1e-3, `${name}: frame ${i} at ${f.timeS}, ffprobe ${expected[i] - want[0]}`));
}

function assertSizes(got, width, height) {
  for (const f of got.frames) assert.deepEqual([f.width, f.height, f.bytes], [width, height, width * height * 4]);
}

// The fixtures' sound is a 440 Hz sine at 1/8 of full scale (tools/make_video_fixtures.sh): RMS 0.088.
function assertTone(got, durationS) {
  assert.equal(got.audio.rateHz, 48000);
  assert.ok(!got.audio.rateChanged, 'one rate');
  assert.ok(Math.abs(got.audio.samples / 48000 - durationS) < 0.1, `${got.audio.samples} samples for ${durationS} s`);
  assert.ok(Math.abs(got.audio.rms - 0.088) < 0.01, `rms ${got.audio.rms}`);
}

test('H.264 + AAC mp4: ffprobe\'s frames at 256×144, the sound, the facts, progress to 1, begin … end', { skip, timeout: 120000 }, async () => {
  const got = await read('h264_aac_cuts_fades.mp4');
  assert.equal(got.error, null);
  assert.deepEqual(got.info, { durationS: 9.5, width: 320, height: 180, rotation: 0, fps: 24, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' });
  assertFfprobeFrames(got, 'h264_aac_cuts_fades.mp4');
  assertSizes(got, 256, 144);
  assertTone(got, 9.5);
  assert.deepEqual(got.order, ['begin', 'end']);
  assert.ok(got.progress.monotonic && got.progress.last === 1, JSON.stringify(got.progress));
});

test('VP9 + Opus webm: ffprobe\'s frames, times from the stream\'s start, the sound', { skip, timeout: 120000 }, async () => {
  const got = await read('vp9_opus_cuts.webm');
  assert.equal(got.error, null);
  assert.equal(got.info.videoCodec, 'vp9');
  assert.equal(got.info.audioCodec, 'opus');
  assertFfprobeFrames(got, 'vp9_opus_cuts.webm');
  assert.equal(got.frames[0].timeS, 0);
  assertTone(got, 6.0);
});

test('portrait mov (display matrix 90°): upright 144×256 frames, red on top and blue below', { skip, timeout: 120000 }, async () => {
  const got = await read('h264_portrait_rotate90.mov');
  assert.equal(got.error, null);
  assert.deepEqual([got.info.width, got.info.height, got.info.rotation], [180, 320, 90]);
  assertFfprobeFrames(got, 'h264_portrait_rotate90.mov');
  assertSizes(got, 144, 256);
  const [top, bottom] = [got.firstPixels.top, got.firstPixels.bottom];
  assert.ok(top[0] > 200 && top[2] < 50, `top ${top} is red`);
  assert.ok(bottom[2] > 200 && bottom[0] < 50, `bottom ${bottom} is blue`);
});

test('mkv without audio: hasAudio false, no sound, every frame; maxSizePx 100 gives 100×56', { skip, timeout: 120000 }, async () => {
  const got = await read('h264_no_audio.mkv', { maxSizePx: 100 });
  assert.equal(got.error, null);
  assert.equal(got.info.hasAudio, false);
  assert.equal(got.info.audioCodec, null);
  assert.equal(got.audio.samples, 0);
  assertFfprobeFrames(got, 'h264_no_audio.mkv');
  assertSizes(got, 100, 56);
});

test('HEVC: the plain error naming the file, after its sound was delivered (no frames)', { skip, timeout: 120000 }, async () => {
  const decodable = await page.evaluate(() => VideoDecoder.isConfigSupported({ codec: 'hev1.1.6.L60.90', codedWidth: 320, codedHeight: 180 }).then((s) => s.supported));
  const got = await read('hevc_aac_cut.mp4');
  if (decodable) {  // a browser with an HEVC decoder reads it like any other clip
    assert.equal(got.error, null);
    return assertFfprobeFrames(got, 'hevc_aac_cut.mp4');
  }
  assert.deepEqual(got.error, { message: 'hevc_aac_cut.mp4: HEVC video can\'t be decoded in this browser — its sound and your words are still used',
    kind: 'video-codec-unsupported', framesDelivered: 0, name: 'VideoReadError' });
  assert.equal(got.info.videoCodec, 'hevc');
  assert.equal(got.frames.length, 0);
  assertTone(got, 3.0);
  assert.deepEqual(got.order, ['begin'], 'no end() after an error');
  assert.ok(got.progress.monotonic && got.progress.last > 0.95, `progress follows the sound: ${JSON.stringify(got.progress)}`);
});

test('truncated mp4: the frames before the damage (as ffprobe has them), then an error naming the file', { skip, timeout: 120000 }, async () => {
  const got = await read('bad_truncated_40pct.mp4');
  assert.equal(got.error.kind, 'truncated');
  assert.match(got.error.message, /^bad_truncated_40pct\.mp4: truncated: the video stops at 3\.\d\d s of the stated 9\.50 s/);
  assertFfprobeFrames(got, 'bad_truncated_40pct.mp4');
  assert.equal(got.error.framesDelivered, got.frames.length);
  assert.ok(got.frames.length > 80, `${got.frames.length} frames before the damage`);
  assert.equal(got.ended, false);
});

test('empty, not a video, audio only: errors naming the file, nothing delivered', { skip, timeout: 120000 }, async () => {
  const cases = [
    ['bad_empty.mp4', 'empty', /^bad_empty\.mp4: empty file \(0 bytes\)$/],
    ['bad_not_video.mp4', 'not-video', /^bad_not_video\.mp4: not a video file/],
    ['bad_audio_only.ogg', 'no-video-stream', /^bad_audio_only\.ogg: no video stream \(audio only\)$/],
  ];
  for (const [name, kind, message] of cases) {
    const got = await read(name);
    assert.equal(got.error && got.error.kind, kind, `${name}: ${JSON.stringify(got.error)}`);
    assert.match(got.error.message, message);
    assert.equal(got.info, null, `${name}: no begin()`);
    assert.equal(got.frames.length + got.audio.samples, 0);
  }
});

/** FFmpeg's frames of a clip, upright, area-averaged to width × height with chroma at full resolution (RGB24). */
function ffmpegRgb(name, width, height) {
  return spawnSync('ffmpeg', ['-v', 'error', '-i', path.join(videos, name), '-fps_mode', 'passthrough',
    '-vf', `scale=${width}:${height}:flags=area+full_chroma_int+full_chroma_inp`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 28 }).stdout;
}

test('pixels: frames copied out as YUV and frames drawn on the canvas both match FFmpeg\'s area downscale', { skip, timeout: 120000 }, async () => {
  for (const [name, w, h, frames] of [['h264_aac_cuts_fades.mp4', 256, 144, [0, 60, 130]], ['h264_portrait_rotate90.mov', 144, 256, [0, 30, 60]]]) {
    const want = ffmpegRgb(name, w, h);
    const [yuv, canvas] = [await read(name, { keepFrames: frames }), await read(name, { keepFrames: frames, canvas: true })];
    for (const i of frames) {
      // Measured: mean |Δ| 0.1–1.5 levels (YUV), 0.05–1 (canvas); the largest differences sit on sharp
      // colour edges, where the two paths round chroma differently.
      for (const [path_, got] of [['yuv', yuv], ['canvas', canvas]]) {
        let sum = 0;
        for (let p = 0; p < w * h; p++) for (let c = 0; c < 3; c++) sum += Math.abs(got.kept[i][p * 4 + c] - want[(i * w * h + p) * 3 + c]);
        assert.ok(sum / (w * h * 3) < 2.5, `${name} frame ${i} (${path_}): mean |Δ| ${(sum / (w * h * 3)).toFixed(2)}`);
      }
    }
    assert.notDeepEqual(yuv.kept[frames[1]], canvas.kept[frames[1]], 'two different paths were measured');
  }
});

test('cancel: an AbortSignal fired after 10 frames stops the reading with a "cancelled" error', { skip, timeout: 120000 }, async () => {
  const got = await read('h264_aac_cuts_fades.mp4', { abortAfterFrames: 10 });
  assert.equal(got.error.kind, 'cancelled');
  assert.match(got.error.message, /^h264_aac_cuts_fades\.mp4: reading cancelled$/);
  assert.ok(got.frames.length >= 10 && got.frames.length < 20, `${got.frames.length} frames`);
  assert.equal(got.ended, false);
});

test('fallback (<video> + requestVideoFrameCallback) forced on: upright frames that are ffprobe\'s, the sound, HEVC still an error', { skip, timeout: 180000 }, async () => {
  for (const [name, w, h] of [['h264_aac_cuts_fades.mp4', 256, 144], ['h264_portrait_rotate90.mov', 144, 256]]) {
    const got = await read(name, { fallback: true });
    assert.equal(got.error, null, name);
    assert.ok(got.ended);
    const want = ffprobeTimes(path.join(videos, name));
    // It may skip frames (one per display refresh at most, fewer on a loaded machine): here it gives ~90 %.
    assert.ok(got.frames.length >= want.length / 4, `${name}: ${got.frames.length} of ${want.length} frames`);
    for (const f of got.frames) assert.ok(want.some((t) => Math.abs(t - f.timeS) < 2e-3), `${name}: ${f.timeS} s is no frame of ffprobe's`);
    assert.ok(got.frames.every((f, i) => i === 0 || f.timeS > got.frames[i - 1].timeS), 'times increase');
    assertSizes(got, w, h);
    assertTone(got, name.startsWith('h264_aac') ? 9.5 : 3.0);
  }
  const portrait = await read('h264_portrait_rotate90.mov', { fallback: true });
  assert.ok(portrait.firstPixels.top[0] > 200 && portrait.firstPixels.bottom[2] > 200, JSON.stringify(portrait.firstPixels));
  const hevc = await read('hevc_aac_cut.mp4', { fallback: true });
  assert.equal(hevc.error.kind, 'video-codec-unsupported');
  assertTone(hevc, 3.0);
});
