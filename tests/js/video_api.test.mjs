// The core's clip reading for the page (src/bindings/web/video_api.cpp, cf_video_*) under Node, through the
// page's own sink (web/video_core.mjs): each clip of tests/data/video is decoded by Debian's ffmpeg CLI to
// raw RGB frames at the size the native reader uses (and its sound to mono floats), pushed in as RGBA, and
// must read as `cuefinder-core video FILE` (native, FFmpeg's libraries) reads it: the same frames, cuts,
// fades and shots; motion within 0.01 (the native reader scales before it rotates, ffmpeg's CLI after; and
// its swscale context differs a little from the CLI's filter graph, so pixels can differ by a level or two),
// keyframes inside their shots. Bad input: each failure names the clip (or the handle) and the problem.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadNodeCore } from '../../web/core_client.mjs';
import { coreVideoSink } from '../../web/video_core.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const videos = path.join(root, 'tests/data/video');
const nodeModule = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
const nativeCli = process.env.CF_NATIVE_CORE || path.join(root, 'build/native-release/src/cli/cuefinder-core');

const has = (cmd) => spawnSync(cmd, ['-version']).status === 0;
const skipCore = fs.existsSync(nodeModule) ? false : `needs ${nodeModule} (./cuefinder build wasm-release cuefinder_node)`;
const skipNative = skipCore || (!fs.existsSync(nativeCli) ? `needs ${nativeCli} (./cuefinder build native-release cuefinder-core)`
  : !has('ffmpeg') || !has('ffprobe') ? 'needs ffmpeg and ffprobe (apt-get install ffmpeg)' : false);
if (skipNative) console.log(`video_api native comparison skipped: ${skipNative}`);

let corePromise = null;
const getCore = () => (corePromise ||= loadNodeCore(nodeModule));

// [SECTION] the clip through ffmpeg's CLI

function run(cmd, args, encoding) {
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, encoding });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The native reader's frame size for a clip (src/platform/native/ffmpeg_video.cpp): upright, long side ≤ 256. */
function nativeSize(native) {
  const sideways = native.rotation % 180 !== 0;
  const [w, h] = sideways ? [native.height, native.width] : [native.width, native.height];
  const scale = Math.min(1, 256 / Math.max(w, h));
  const [sw, sh] = [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
  return sideways ? [sh, sw] : [sw, sh];
}

/** The clip's frames as RGB24 at width × height (ffmpeg turns them upright) and their times from the first. */
function ffmpegFrames(file, width, height) {
  const rgb = run('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-fps_mode', 'passthrough',
    '-vf', `scale=${width}:${height}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  const probe = JSON.parse(run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'json', file], 'utf8'));
  const times = probe.frames.map((f) => Number(f.pts_time));
  assert.equal(rgb.length, times.length * width * height * 3, `${file}: one time per frame`);
  return { rgb, times: times.map((t) => t - times[0]) };
}

function ffmpegSound(file) {
  const f32 = run('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:a:0', '-ac', '1', '-ar', '48000', '-f', 'f32le', '-']);
  return new Float32Array(f32.buffer.slice(f32.byteOffset, f32.byteOffset + f32.length));
}

/** A 440 Hz sine at 1/8 of full scale, 48 kHz (computed here: no ffmpeg needed). */
function sineTone(durationS) {
  const x = new Float32Array(Math.round(durationS * 48000));
  for (let i = 0; i < x.length; i++) x[i] = 0.125 * Math.sin(2 * Math.PI * 440 * i / 48000);
  return x;
}

function rgbaOf(rgb, offset, nPixels, out) {
  for (let p = 0, q = offset; p < nPixels; p++, q += 3) {
    out[p * 4] = rgb[q];
    out[p * 4 + 1] = rgb[q + 1];
    out[p * 4 + 2] = rgb[q + 2];
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** Reads a clip into the core as the page would (begin, frames with sound blocks between them, end). */
async function readIntoCore(name, native) {
  const file = path.join(videos, name);
  const [width, height] = nativeSize(native);
  const { rgb, times } = ffmpegFrames(file, width, height);
  const sound = native.has_audio ? ffmpegSound(file) : new Float32Array(0);
  const sink = coreVideoSink(await getCore(), name);
  sink.begin({ durationS: native.duration_s, width: native.width, height: native.height, rotation: native.rotation,
    fps: native.fps, hasAudio: native.has_audio, videoCodec: native.video_codec });
  const rgba = new Uint8Array(width * height * 4), frameBytes = width * height * 3, block = 4800;
  let s = 0;  // sound pushed so far, kept ~0.1 s ahead of the frames as the page's two decoders would
  for (let i = 0; i < times.length; i++) {
    sink.frame({ rgba: rgbaOf(rgb, i * frameBytes, width * height, rgba), width, height, timeS: times[i] });
    for (; s < sound.length && s < (times[i] + 0.1) * 48000; s += block) sink.audio(sound.subarray(s, s + block), 48000);
    if (i === Math.floor(times.length / 2)) sink.mid = sink.partial();
  }
  for (; s < sound.length; s += block) sink.audio(sound.subarray(s, s + block), 48000);
  sink.end();
  return { sink, width, height, nSamples: sound.length };
}

// [SECTION] same frames, same reading

const near = (a, b, tol) => Math.abs(a - b) <= tol;

function assertSameReading(web, native, name) {
  for (const k of ['duration_s', 'width', 'height', 'rotation', 'fps', 'has_audio', 'video_codec', 'n_frames']) {
    assert.equal(web[k], native[k], `${name}: ${k}`);
  }
  assert.deepEqual(web.cuts_s, native.cuts_s, `${name}: cuts`);
  assert.deepEqual(web.fades.map((f) => [f.kind, f.start_s, f.end_s]), native.fades.map((f) => [f.kind, f.start_s, f.end_s]), `${name}: fades`);
  assert.deepEqual(web.shots.map((s) => [s.start_s, s.end_s]), native.shots.map((s) => [s.start_s, s.end_s]), `${name}: shots`);
  web.shots.forEach((s, i) => {
    assert.ok(near(s.motion, native.shots[i].motion, 0.01), `${name}: shot ${i} motion ${s.motion} vs ${native.shots[i].motion}`);
    assert.ok(s.keyframe_s >= s.start_s && s.keyframe_s < s.end_s, `${name}: shot ${i} keyframe at ${s.keyframe_s}`);
  });
  assert.ok(near(web.pace.motion, native.pace.motion, 0.01), `${name}: pace motion`);
  assert.equal(web.pace.cuts_per_min, native.pace.cuts_per_min, `${name}: cuts per minute`);
  assert.equal(web.complete, true);
}

for (const name of ['h264_aac_cuts_fades.mp4', 'vp9_opus_cuts.webm', 'h264_portrait_rotate90.mov', 'h264_no_audio.mkv', 'h264_dissolve.mp4']) {
  test(`${name}: the same frames through cf_video_* read as the native cuefinder-core video reads them`, { skip: skipNative, timeout: 120000 }, async () => {
    const native = JSON.parse(run(nativeCli, ['video', path.join(videos, name)], 'utf8'));
    const { sink, width, height, nSamples } = await readIntoCore(name, native);
    try {
      const web = sink.result;
      assert.equal(web.file, name);
      assertSameReading(web, native, name);
      // The sound: measured when the clip has it (one loudness value per 100 ms), absent otherwise.
      assert.equal(web.sound.has_audio, native.has_audio);
      if (native.has_audio) assert.ok(near(web.sound.loudness_lufs.length, nSamples / 4800, 2), `${web.sound.loudness_lufs.length} loudness steps`);
      // Halfway, the partial reading had half the frames and the cuts before them.
      assert.equal(sink.mid.complete, false);
      assert.equal(sink.mid.n_frames, Math.floor(native.n_frames / 2) + 1);
      // One keyframe per shot, a frame of the clip's size.
      web.shots.forEach((s, i) => {
        const k = sink.keyframe(i);
        assert.deepEqual([k.width, k.height, k.rgb.length], [width, height, width * height * 3], `${name}: keyframe ${i}`);
      });
      assert.throws(() => sink.keyframe(web.shots.length), new RegExp(`^Error: ${name.replace('.', '\\.')}: no shot ${web.shots.length} \\(the reading has ${web.shots.length}\\)$`));
    } finally {
      sink.free();
    }
  });
}

// [SECTION] bad input

function solid(width, height, value = 128) {
  return new Uint8Array(width * height * 4).fill(value);
}

test('bad frames: sizes, a size change, time going backwards or NaN, a null pointer; the reading goes on after each', { skip: skipCore }, async () => {
  const core = await getCore();
  const sink = coreVideoSink(core, 'bad.mp4');
  sink.begin({ durationS: 1, width: 32, height: 16 });
  try {
    assert.throws(() => sink.frame({ rgba: solid(1, 1), width: 0, height: 0, timeS: 0 }), /^Error: bad\.mp4: frame 0: 0×0 px: each side must be 1\.\.4096$/);
    assert.throws(() => sink.frame({ rgba: solid(1, 1), width: 5000, height: 2, timeS: 0 }), /^Error: bad\.mp4: frame 0: 5000×2 px/);
    assert.throws(() => core.must('cf_video_frame', sink.handle, 0, 32, 16, 0), /^Error: bad\.mp4: frame 0: the RGBA pixels are a null pointer$/);
    sink.frame({ rgba: solid(32, 16), width: 32, height: 16, timeS: 0.5 });
    assert.throws(() => sink.frame({ rgba: solid(32, 16), width: 32, height: 16, timeS: 0.25 }), /bad\.mp4.*0\.25.*0\.5/);
    assert.throws(() => sink.frame({ rgba: solid(32, 16), width: 32, height: 16, timeS: 0.5 }), /bad\.mp4/);
    assert.throws(() => sink.frame({ rgba: solid(32, 16), width: 32, height: 16, timeS: NaN }), /bad\.mp4/);
    assert.throws(() => sink.frame({ rgba: solid(16, 16), width: 16, height: 16, timeS: 0.6 }), /bad\.mp4.*16/);
    assert.throws(() => sink.partial(), /bad\.mp4/, 'one frame is not enough for a partial reading');
    sink.frame({ rgba: solid(32, 16, 20), width: 32, height: 16, timeS: 0.54 });
    assert.equal(sink.partial().n_frames, 2, 'the bad frames were not counted');
    sink.end();
    assert.equal(sink.result.n_frames, 2);
    assert.throws(() => sink.frame({ rgba: solid(32, 16), width: 32, height: 16, timeS: 0.6 }), /^Error: bad\.mp4: the reading has ended \(cf_video_end\): no more frames$/);
    assert.deepEqual(core.mustJson('cf_video_end', sink.handle), sink.result, 'the end again: the same reading');
  } finally {
    sink.free();
  }
});

test('no frames: the sound alone is measured, the end fails naming the clip; bad sound, bad info JSON and unknown handles fail', { skip: skipCore }, async () => {
  const core = await getCore();
  const sink = coreVideoSink(core, 'silent.mov');
  sink.begin({ durationS: 2, hasAudio: true });
  try {
    assert.equal(sink.sound().has_audio, false);
    const audio = new Float32Array(96000);  // 1 s of silence, then 1 s of the tone
    audio.set(sineTone(1.0), 48000);
    for (let s = 0; s < audio.length; s += 4800) sink.audio(audio.subarray(s, s + 4800), 48000);
    // The sound alone, without a frame (an HEVC clip's): a loudness value per 100 ms, the tone kept.
    const sound = sink.sound();
    assert.equal(sound.has_audio, true);
    assert.equal(sound.loudness_lufs.length, 20);
    assert.ok(sound.integrated_lufs > -30 && sound.integrated_lufs < -10, `${sound.integrated_lufs} LUFS`);
    assert.equal(sound.keep.length, 1, JSON.stringify(sound.keep));
    assert.ok(near(sound.keep[0].start_s, 1, 0.15) && near(sound.keep[0].end_s, 2, 0.15), JSON.stringify(sound.keep));
    assert.throws(() => sink.audio(new Float32Array(4800), 44100), /silent\.mov/, 'a second rate');
    assert.throws(() => sink.audio(new Float32Array([0, NaN]), 48000), /silent\.mov/, 'NaN');
    assert.throws(() => core.must('cf_video_audio', sink.handle, 0, -1, 48000), /^Error: silent\.mov: audio: -1 samples$/);
    assert.throws(() => sink.end(), /^Error: silent\.mov: no video frame decoded/);
  } finally {
    sink.free();
  }
  const info = (json) => () => core.must('cf_video_begin', 'x.mp4', json);
  assert.throws(info('{"rotation": 45}'), /^Error: x\.mp4: video info 'rotation': expected 0, 90, 180 or 270$/);
  assert.throws(info('{"width": -3}'), /^Error: x\.mp4: video info 'width': expected a number >= 0$/);
  assert.throws(info('{"durationS": 3}'), /^Error: x\.mp4: video info 'durationS': unknown member \(known: duration_s, /);
  assert.throws(info('[1]'), /^Error: x\.mp4: video info: expected a JSON object$/);
  assert.throws(info('{"fps": '), /^Error: x\.mp4: video info: JSON/);
  const gone = sink.handle || 987654;
  assert.throws(() => core.must('cf_video_frame', gone, 0, 1, 1, 0), new RegExp(`^Error: video: no reading with handle ${gone}$`));
  assert.equal(core.call('cf_video_end', gone), 0);
  assert.equal(core.call('cf_video_keyframe', gone, 0), 0);
  assert.equal(core.call('cf_video_sound', gone), 0);
  assert.equal(core.call('cf_video_keyframe_width', gone, 0), -1);
  core.call('cf_video_free', gone);  // ignored
});
