// Reads a video file in the page, on the device: demuxed by mediabunny, decoded by the browser's
// WebCodecs, each frame downscaled (display size: visible rectangle, pixel aspect) and turned upright
// (rotation metadata) and handed over as RGBA, the sound as mono float blocks. Nothing leaves the page.
// The sink decides what to do with it (web/video_core.mjs pushes it into the core's cf::ClipReader).
// Pixels: 8-bit YUV frames (what software decoders give) are copied out with VideoFrame.copyTo and
// area-averaged by web/video_pixels.mjs; other frames (GPU-only, 10-bit, RGB) are drawn on an
// OffscreenCanvas with the same geometry. (A canvas readback per frame cost 100–350 ms at 1080p in
// headless Chromium, whose 2D canvas is GPU-emulated: video_pixels.mjs says more.)
//
//   import { readVideo } from './video_reader.mjs';
//   await readVideo(file, {
//     begin(info) {},                         // {durationS, width, height, rotation, fps, hasAudio, videoCodec, audioCodec}
//     frame({ rgba, width, height, timeS }) {},  // upright, longer side ≤ maxSizePx; rgba is the sink's to keep
//     audio(mono, rateHz) {},                 // Float32Array, the same rate every call
//     end() {},                               // after the last frame and sound (not after an error)
//     warning(message) {},                    // optional: the sound could not be decoded, ...
//   }, { maxSizePx: 256, signal, onProgress: (fraction) => {} });
//   // throws VideoReadError: .message "clip.mp4: <problem>", .kind (below), .file
//
// Sink methods may return promises; they are awaited (that is the back-pressure towards the sink).
//
// Why mediabunny (npm `mediabunny` 1.61.0, MPL-2.0; the site ships its one ESM bundle unmodified as
// vendor/mediabunny.min.mjs, its license beside it): plain JavaScript (no WASM module and no worker to
// serve), one 690 kB file loaded only when a video is read, and it reads MP4/MOV, WebM/Matroska, Ogg,
// MPEG-TS and more, with what decoding needs — WebCodecs decoder configs (avcC/hvcC descriptions),
// rotation matrix, pixel aspect ratio, display size. web-demuxer (FFmpeg's libavformat in WASM) would
// demux more exotic files but brings a separate .wasm of its own and LGPL obligations, for files the
// browser could not decode anyway.
//
// Errors (VideoReadError.kind; every message starts with the file's name):
//   empty                     0 bytes
//   not-video                 neither the demuxer nor this browser's <video> knows the file
//   no-video-stream           a media file without a video track (audio only)
//   video-codec-unsupported   VideoDecoder.isConfigSupported says no (HEVC in most browsers): the
//                             sound is still decoded and delivered (sink.begin/audio) before the throw
//   truncated                 the data ends early: the frames before the damage are delivered first
//   corrupt                   the decoder rejected the data: likewise
//   cancelled                 the AbortSignal fired
//   no-webcodecs              in a worker without WebCodecs (the <video> fallback needs a page)
//
// Fallback (no WebCodecs, or a container the demuxer cannot open but a <video> element can play; or
// options.fallback = true): an off-screen muted <video> plays the file at options.fallbackRate (default
// 2×) and requestVideoFrameCallback draws each presented frame. Its limits: it takes duration/rate of
// real time; it delivers at most one frame per display refresh (~60 per second), so at rate × fps above
// that, frames are skipped (cuts are still seen, times are the frames' own media times); it stalls in a
// background tab (no frames are presented there); the browser applies the rotation itself. Its sound
// comes from AudioContext.decodeAudioData on the whole file (at 48 kHz; files up to 512 MB).
//
// Back-pressure: at most MAX_DECODE_QUEUE chunks wait in a decoder; every VideoFrame and AudioData is
// closed in the output callback right after it is drawn or copied, so the decoder's frame pool is never
// held; at most a few RGBA frames wait for the sink.
//
// [SECTION] index: errors · geometry and drawing · reading with WebCodecs (info, video, sound) ·
//                  the <video> fallback · readVideo

import { handlesFormat, yuvToRgba } from './video_pixels.mjs';

const MAX_DECODE_QUEUE = 8;       // chunks waiting in a decoder before the reader waits for a dequeue
const MAX_PENDING_FRAMES = 4;     // drawn frames waiting for the sink before decoding goes on
const FALLBACK_MAX_AUDIO_BYTES = 512 * 1024 * 1024;
const FALLBACK_AUDIO_RATE_HZ = 48000;
const AUDIO_BLOCK_SAMPLES = 48000;

/** Where the demuxer is, relative to this file (the site's layout: src/site/assemble.mjs). */
export const MEDIABUNNY_URL = new URL('./vendor/mediabunny.min.mjs', import.meta.url).href;

// [SECTION] errors

/** A video that cannot be read (or not wholly): message "FILE: problem", kind as in the header. */
export class VideoReadError extends Error {
  constructor(file, kind, problem, extra = {}) {
    super(`${file}: ${problem}`);
    this.name = 'VideoReadError';
    this.kind = kind;
    this.file = file;
    Object.assign(this, extra);
  }
}

const CODEC_NAMES = { avc: 'H.264', hevc: 'HEVC', vp8: 'VP8', vp9: 'VP9', av1: 'AV1' };
/** mediabunny's codec names → the core's (FFmpeg's short names, as `cuefinder-core video` writes them). */
const CORE_CODEC = { avc: 'h264', hevc: 'hevc', vp8: 'vp8', vp9: 'vp9', av1: 'av1' };

function cancelled(file) {
  return new VideoReadError(file, 'cancelled', 'reading cancelled');
}

function checkAbort(signal, file) {
  if (signal && signal.aborted) throw cancelled(file);
}

// [SECTION] geometry and drawing

/**
 * The downscaled frame size and the canvas transform that turns the coded picture upright.
 * codedW/codedH: the picture before rotation, in square pixels (pixel aspect ratio applied).
 * Sizes as the native reader (src/platform/native/ffmpeg_video.cpp): scaled in the coded orientation,
 * long side ≤ maxSizePx, rounded, never scaled up; then turned.
 */
export function frameGeometry(codedW, codedH, rotation, maxSizePx, flip = false) {
  const scale = Math.min(1, maxSizePx / Math.max(codedW, codedH));
  const sw = Math.max(1, Math.round(codedW * scale)), sh = Math.max(1, Math.round(codedH * scale));
  const sideways = rotation % 180 !== 0;
  const width = sideways ? sh : sw, height = sideways ? sw : sh;
  // setTransform(a, b, c, d, e, f): x' = a·x + c·y + e, y' = b·x + d·y + f (clockwise turns).
  let m = { 0: [1, 0, 0, 1, 0, 0], 90: [0, 1, -1, 0, width, 0], 180: [-1, 0, 0, -1, width, height], 270: [0, -1, 1, 0, 0, height] }[rotation];
  if (!m) throw new Error(`rotation ${rotation}: expected 0, 90, 180 or 270`);
  if (flip) m = [-m[0], m[1], -m[2], m[3], width - m[4], m[5]];
  return { width, height, drawWidth: sw, drawHeight: sh, transform: m, rotation, flip };
}

/**
 * VideoFrame → RGBA with `geometry`: 8-bit YUV planes through copyTo and web/video_pixels.mjs (no
 * readback), anything else drawn on the canvas. Frames are converted one at a time (one buffer).
 */
function makeConverter(geometry, canvasOnly) {
  let draw = null, buf = null, useCanvas = canvasOnly;
  return async (frame) => {
    if (!useCanvas && handlesFormat(frame.format)) {
      try {
        const rect = frame.visibleRect, size = frame.allocationSize({ rect });
        if (!buf || buf.length < size) buf = new Uint8Array(size);
        const layout = await frame.copyTo(buf, { rect });
        return yuvToRgba(buf, layout, frame.format, rect, frame.colorSpace, geometry);
      } catch {
        useCanvas = true;  // e.g. a visible rectangle copyTo refuses: the canvas draws every frame from here
      }
    }
    draw = draw || makeDrawer(geometry);
    return draw(frame);
  };
}

/** A canvas that draws a frame (VideoFrame or <video>) with `geometry` and returns its RGBA copy. */
function makeDrawer(geometry) {
  const { width, height, drawWidth, drawHeight, transform } = geometry;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { alpha: false, willReadFrequently: true });
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';  // area-like averaging, as the native reader's SWS_AREA
  return (source) => {
    ctx.setTransform(...transform);
    ctx.drawImage(source, 0, 0, drawWidth, drawHeight);
    return ctx.getImageData(0, 0, width, height).data;
  };
}

/** Frame times as the native reader has them: from the stream's start, strictly increasing. */
function frameClock(startS, fps) {
  let last = -1;
  return (timestampS) => {
    let t = Number.isFinite(timestampS) ? timestampS - startS : last + 1 / Math.max(1, fps);
    t = Math.max(t, 0, last + 1e-4);
    last = t;
    return t;
  };
}

// [SECTION] reading with WebCodecs: the file's facts

async function loadDemuxer(url) {
  return import(url || MEDIABUNNY_URL);
}

/** Opens the file with mediabunny: {input, video, audio} tracks, or null when it knows no such container. */
async function openContainer(MB, file) {
  const input = new MB.Input({ source: new MB.BlobSource(file), formats: MB.ALL_FORMATS });
  try {
    await input.getFormat();
  } catch (e) {
    input.dispose();
    if (e instanceof MB.UnsupportedInputFormatError) return null;
    throw e;
  }
  return { input, video: await input.getPrimaryVideoTrack(), audio: await input.getPrimaryAudioTrack() };
}

async function trackFacts(c) {
  const v = c.video, a = c.audio;
  const codec = await v.getCodec();
  const stats = await v.computePacketStats(120).catch(() => null);
  return {
    durationS: await c.input.computeDuration().catch(() => 0),
    width: await v.getDisplayWidth(),
    height: await v.getDisplayHeight(),
    rotation: await v.getRotation(),
    fps: stats && Number.isFinite(stats.averagePacketRate) ? stats.averagePacketRate : 0,
    hasAudio: !!a,
    videoCodec: CORE_CODEC[codec] || codec || 'unknown',
    audioCodec: a ? (await a.getCodec()) || 'unknown' : null,
  };
}

/** The video decoder config, if this browser decodes it; else the reason. */
async function videoConfig(track, codec) {
  const config = await track.getDecoderConfig();
  const name = CODEC_NAMES[codec] || codec || 'this';
  const problem = `${name} video can't be decoded in this browser — its sound and your words are still used`;
  if (!config) return { problem };
  const support = await VideoDecoder.isConfigSupported(config).catch(() => ({ supported: false }));
  return support.supported ? { config } : { problem };
}

async function audioConfig(track) {
  if (!track) return null;
  const config = await track.getDecoderConfig();
  if (!config) return null;
  const support = await AudioDecoder.isConfigSupported(config).catch(() => ({ supported: false }));
  return support.supported ? config : null;
}

// [SECTION] reading with WebCodecs: one decoder loop for both kinds

/**
 * Feeds every packet of `track` to `decoder` (VideoDecoder/AudioDecoder), waiting while more than
 * MAX_DECODE_QUEUE chunks are queued, and hands what the output callback collected in `pending` to
 * `deliver` as it goes. Returns normally at the end of the packets or throws what broke:
 * {demux: Error} when the file's data ended or broke, {decode: Error} when the decoder failed.
 */
async function pump(MB, track, decoder, state, deliver, toChunk, signal, file) {
  const drain = async () => {
    while (state.pending.length) await deliver(state.pending.shift());
  };
  const sink = new MB.EncodedPacketSink(track);
  let packets;
  try {
    packets = sink.packets();
    for (;;) {
      checkAbort(signal, file);
      let next;
      try {
        next = await packets.next();
      } catch (e) {
        throw { demux: e };
      }
      if (next.done) break;
      if (state.failure) throw { decode: state.failure };
      decoder.decode(toChunk(next.value));
      await drain();
      while ((decoder.decodeQueueSize > MAX_DECODE_QUEUE || state.pending.length > MAX_PENDING_FRAMES) && !state.failure) {
        await Promise.race([new Promise((r) => decoder.addEventListener('dequeue', r, { once: true })), sleep(20)]);
        await drain();
      }
    }
    if (state.failure) throw { decode: state.failure };
    await decoder.flush().catch((e) => { state.failure = state.failure || e; });
    await drain();
    if (state.failure) throw { decode: state.failure };
  } finally {
    if (decoder.state !== 'closed') decoder.close();
    if (packets) packets.return().catch(() => {});
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Decodes every video frame: drawn, closed, handed to sink.frame in presentation order. */
async function decodeVideo(MB, ctx) {
  const { file, track, config, geometry, sink, signal, clock, progress } = ctx;
  const convert = makeConverter(geometry, ctx.canvasOnly);
  const state = { pending: [], failure: null, n: 0, lastS: -1 };
  let chain = Promise.resolve();
  const decoder = new VideoDecoder({
    // Each frame is closed as soon as its pixels are out (the conversions run one after another).
    output: (frame) => {
      const timeS = clock(frame.timestamp / 1e6);
      const job = chain.then(() => convert(frame)).finally(() => frame.close());
      chain = job.catch(() => {});
      const item = job.then((rgba) => ({ rgba, width: geometry.width, height: geometry.height, timeS }),
        (e) => { throw { decode: e }; });
      item.catch(() => {});  // awaited by deliver; left alone after a failure or a cancel
      state.pending.push(item);
    },
    error: (e) => { state.failure = state.failure || e; },
  });
  decoder.configure(config);
  const deliver = async (item) => {
    const f = await item;
    await sink.frame(f);
    state.n++;
    state.lastS = f.timeS;
    progress(f.timeS);
  };
  try {
    await pump(MB, track, decoder, state, deliver, (p) => p.toEncodedVideoChunk(), signal, file);
  } catch (e) {
    if (e instanceof VideoReadError) throw e;
    state.broken = e;
  }
  return state;
}

/** Mono samples of one AudioData (the mean of its channels). */
function monoOf(data) {
  const n = data.numberOfFrames, channels = data.numberOfChannels, mono = new Float32Array(n);
  const plane = channels > 1 ? new Float32Array(n) : mono;
  for (let c = 0; c < channels; c++) {
    data.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
    if (channels > 1) for (let i = 0; i < n; i++) mono[i] += plane[i];
  }
  if (channels > 1) for (let i = 0; i < n; i++) mono[i] /= channels;
  return mono;
}

/** Decodes the sound: mono blocks to sink.audio. A failure is a warning (the picture still counts). */
async function decodeAudio(MB, ctx) {
  const { file, track, config, sink, signal, progress } = ctx;
  const state = { pending: [], failure: null, n: 0 };
  const decoder = new AudioDecoder({
    output: (data) => {
      try {
        state.pending.push({ mono: monoOf(data), rateHz: data.sampleRate });
      } catch (e) {
        state.failure = state.failure || e;
      } finally {
        data.close();
      }
    },
    error: (e) => { state.failure = state.failure || e; },
  });
  decoder.configure(config);
  const deliver = async (b) => {
    await sink.audio(b.mono, b.rateHz);
    state.n += b.mono.length;
    if (progress) progress(state.n / b.rateHz);
  };
  try {
    await pump(MB, track, decoder, state, deliver, (p) => p.toEncodedAudioChunk(), signal, file);
  } catch (e) {
    if (e instanceof VideoReadError) throw e;
    const why = e.demux || e.decode || e;
    if (sink.warning) await sink.warning(`${file}: the sound stops early (${why && why.message ? why.message : why})`);
  }
  return state;
}

/** The error for a video read that ended early, or null when it reached the stated duration. */
function endProblem(file, info, video) {
  const step = info.fps > 0 ? 1 / info.fps : 0.04;
  const why = video.broken && (video.broken.demux || video.broken.decode);
  const detail = why && why.message ? ` (${why.message})` : '';
  if (video.n === 0) {
    return new VideoReadError(file, video.broken && video.broken.decode ? 'corrupt' : 'truncated',
      `truncated or damaged: no video frame could be decoded${detail}`, { framesDelivered: 0 });
  }
  const endS = video.lastS + step;
  if (info.durationS > 0 && endS < info.durationS - Math.max(0.25, 3 * step)) {
    const kind = video.broken && video.broken.decode ? 'corrupt' : 'truncated';
    return new VideoReadError(file, kind,
      `${kind}: the video stops at ${endS.toFixed(2)} s of the stated ${info.durationS.toFixed(2)} s${detail}`,
      { framesDelivered: video.n });
  }
  if (video.broken && video.broken.decode) {
    return new VideoReadError(file, 'corrupt', `damaged video data near the end${detail}`, { framesDelivered: video.n });
  }
  return null;
}

async function readWithWebCodecs(MB, file, c, sink, o) {
  const info = await trackFacts(c);
  const codec = await c.video.getCodec();
  const { config, problem } = await videoConfig(c.video, codec);
  const aConfig = await audioConfig(c.audio);
  await sink.begin(info);
  if (c.audio && !aConfig && sink.warning) await sink.warning(`${file}: its ${info.audioCodec} sound can't be decoded in this browser`);
  const progress = (tS) => { if (o.onProgress && info.durationS > 0) o.onProgress(Math.min(1, tS / info.durationS)); };
  // Progress follows the picture, or the sound when there is no picture to decode.
  const audioJob = aConfig ? decodeAudio(MB, { file, track: c.audio, config: aConfig, sink, signal: o.signal, progress: problem ? progress : null }) : null;
  if (problem) {
    await audioJob;
    throw new VideoReadError(file, 'video-codec-unsupported', problem, { framesDelivered: 0, audioDelivered: !!audioJob });
  }
  const geometry = frameGeometry(await c.video.getSquarePixelWidth(), await c.video.getSquarePixelHeight(),
    info.rotation, o.maxSizePx, await c.video.getFlip());
  const clock = frameClock(await c.video.getFirstTimestamp().catch(() => 0), info.fps);
  const [video] = await Promise.all([
    decodeVideo(MB, { file, track: c.video, config, geometry, sink, signal: o.signal, clock, progress, canvasOnly: !!o.canvas }), audioJob]);
  const bad = endProblem(file, info, video);
  if (bad) throw bad;
  if (o.onProgress) o.onProgress(1);
  await sink.end();
}

// [SECTION] the <video> fallback

function onceEvent(target, ok, bad) {
  return new Promise((resolve, reject) => {
    const done = (f, v) => { target.removeEventListener(ok, yes); target.removeEventListener(bad, no); f(v); };
    const yes = (e) => done(resolve, e), no = (e) => done(reject, e);
    target.addEventListener(ok, yes);
    target.addEventListener(bad, no);
  });
}

/** The whole sound through decodeAudioData (mono, 48 kHz), or null when there is none. */
async function fallbackSound(file) {
  if (file.size > FALLBACK_MAX_AUDIO_BYTES || typeof OfflineAudioContext !== 'function') return null;
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate: FALLBACK_AUDIO_RATE_HZ });
  try {
    const buffer = await ctx.decodeAudioData(await file.arrayBuffer());
    const mono = new Float32Array(buffer.length);
    for (let c = 0; c < buffer.numberOfChannels; c++) {
      const ch = buffer.getChannelData(c);
      for (let i = 0; i < mono.length; i++) mono[i] += ch[i] / buffer.numberOfChannels;
    }
    return mono;
  } catch {
    return null;  // no sound track (or none this browser decodes)
  }
}

/** The element with the file loaded, or null when it shows no picture (it cannot decode or there is none). */
async function openElement(name, url) {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  video.src = url;
  try {
    await onceEvent(video, 'loadedmetadata', 'error');
  } catch {
    return null;
  }
  return video.videoWidth && video.videoHeight ? video : null;
}

/** Plays the element to its end, drawing each presented frame (requestVideoFrameCallback). */
function playFrames(video, draw, geometry, sink, o, name) {
  return new Promise((resolve, reject) => {
    let last = -1, n = 0, chain = Promise.resolve(), stopped = false;
    const stop = (err) => { if (stopped) return; stopped = true; video.pause(); chain.then(() => (err ? reject(err) : resolve(n)), reject); };
    const onFrame = (now, meta) => {
      if (stopped) return;
      if (o.signal && o.signal.aborted) return stop(cancelled(name));
      if (meta.mediaTime > last) {
        last = meta.mediaTime;
        const f = { rgba: draw(video), width: geometry.width, height: geometry.height, timeS: meta.mediaTime };
        chain = chain.then(() => sink.frame(f)).then(() => { n++; });
        if (o.onProgress && video.duration > 0) o.onProgress(Math.min(1, last / video.duration));
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    video.addEventListener('ended', () => stop(null), { once: true });
    video.addEventListener('error', () => stop(new VideoReadError(name, 'corrupt', 'the browser stopped playing it (damaged data)')), { once: true });
    if (o.signal) o.signal.addEventListener('abort', () => stop(cancelled(name)), { once: true });
    video.playbackRate = o.fallbackRate;
    video.play().catch((e) => stop(new VideoReadError(name, 'corrupt', `the browser cannot play it (${e.message})`)));
  });
}

// Without a picture: the error (after the sound, when the demuxer saw a video track it cannot decode).
async function elementFailure(name, sink, facts, sound) {
  if (!facts.videoCodec) {
    return new VideoReadError(name, 'not-video', 'not a video file (neither the demuxer nor this browser knows it)');
  }
  const info = { ...facts, hasAudio: !!sound };
  delete info.videoCodecId;
  await sink.begin(info);
  await pushSound(sink, sound);
  const codec = CODEC_NAMES[facts.videoCodecId] || facts.videoCodec;
  return new VideoReadError(name, 'video-codec-unsupported',
    `${codec} video can't be decoded in this browser — its sound and your words are still used`, { framesDelivered: 0, audioDelivered: !!sound });
}

async function pushSound(sink, sound) {
  for (let i = 0; sound && i < sound.length; i += AUDIO_BLOCK_SAMPLES) {
    await sink.audio(sound.subarray(i, i + AUDIO_BLOCK_SAMPLES), FALLBACK_AUDIO_RATE_HZ);
  }
}

async function readWithElement(file, name, sink, o, facts) {
  const url = URL.createObjectURL(file);
  try {
    const sound = await fallbackSound(file);
    checkAbort(o.signal, name);
    const video = await openElement(name, url);
    if (!video) throw await elementFailure(name, sink, facts, sound);
    const info = {
      durationS: Number.isFinite(video.duration) ? video.duration : 0, width: video.videoWidth, height: video.videoHeight,
      rotation: 0, fps: 0, videoCodec: 'unknown', audioCodec: null, ...facts, hasAudio: !!sound,
    };
    delete info.videoCodecId;
    await sink.begin(info);
    await pushSound(sink, sound);
    // The element shows the picture upright already: scale only.
    const geometry = frameGeometry(video.videoWidth, video.videoHeight, 0, o.maxSizePx);
    const n = await playFrames(video, makeDrawer(geometry), geometry, sink, o, name);
    if (n === 0) throw new VideoReadError(name, 'corrupt', 'the browser played no frame of it');
    if (o.onProgress) o.onProgress(1);
    await sink.end();
  } finally {
    URL.revokeObjectURL(url);
  }
}

// [SECTION] readVideo

function hasWebCodecs() {
  return typeof VideoDecoder === 'function' && typeof AudioDecoder === 'function' && typeof OffscreenCanvas === 'function';
}

/**
 * Reads `file` (File or Blob) into `sink` (see the top). Resolves after sink.end(); rejects with a
 * VideoReadError. Options: maxSizePx (16..4096, default 256), signal (AbortSignal), onProgress(fraction),
 * fallback (true: the <video> element path even with WebCodecs), fallbackRate (default 2), canvas
 * (true: every WebCodecs frame drawn on the canvas, not copied out as YUV: to compare the two),
 * demuxerUrl (default MEDIABUNNY_URL).
 */
export async function readVideo(file, sink, options = {}) {
  const o = { maxSizePx: 256, fallback: false, fallbackRate: 2, ...options };
  const name = (file && file.name) || 'video';
  if (!(o.maxSizePx >= 16 && o.maxSizePx <= 4096)) throw new Error(`readVideo: maxSizePx = ${o.maxSizePx}: expected 16..4096`);
  if (!file || typeof file.size !== 'number') throw new Error('readVideo: expected a File or Blob');
  if (file.size === 0) throw new VideoReadError(name, 'empty', 'empty file (0 bytes)');
  checkAbort(o.signal, name);
  const MB = await loadDemuxer(o.demuxerUrl);
  const c = await openContainer(MB, file);
  try {
    checkAbort(o.signal, name);
    if (c && !c.video) throw new VideoReadError(name, 'no-video-stream', `no video stream (${c.audio ? 'audio only' : 'no tracks'})`);
    if (c && hasWebCodecs() && !o.fallback) return await readWithWebCodecs(MB, name, c, sink, o);
    if (typeof document === 'undefined') {  // a worker: no <video> element to fall back on
      throw new VideoReadError(name, c ? 'no-webcodecs' : 'not-video', c ? 'this browser has no WebCodecs here' : 'not a video file (no container the demuxer knows)');
    }
    const facts = c ? { ...(await trackFacts(c)), videoCodecId: await c.video.getCodec() } : {};
    delete facts.hasAudio;
    return await readWithElement(file, name, sink, o, facts);
  } finally {
    if (c) c.input.dispose();
  }
}
