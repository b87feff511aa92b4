// A sink for readVideo (web/video_reader.mjs) that pushes the clip into the core's clip reader
// (src/bindings/web/video_api.cpp: cf_video_* → cf::ClipReader). No reading logic here: the core cuts,
// measures and picks keyframes; this only moves bytes and turns failures into Errors (core_client.js).
//
//   import { coreClient } from './core_client.mjs';
//   import { readVideo } from './video_reader.mjs';
//   import { coreVideoSink } from './video_core.mjs';
//   const sink = coreVideoSink(coreClient(Module), file.name);
//   try {
//     await readVideo(file, sink, { maxSizePx: 256, signal, onProgress });
//     sink.result;                 // the clip's reading (cf_video_end's JSON: cuts_s, shots, pace, sound, ...)
//     sink.keyframe(0);            // {rgb: Uint8Array (a copy), width, height} of shot 0's keyframe
//   } catch (e) { ... }            // e.kind === 'video-codec-unsupported': sink.sound() is what is left
//   finally { sink.free(); }
//   sink.partial();                // while frames still come: the clip so far (cf_video_partial)
//
// sink.handle is the core's handle of the reading (for other exports that take it, video_reading.h).

/**
 * @param {object} core  a core client (web/core_client.js) of a module that has the cf_video_* exports
 * @param {string} name  the clip's name: the core's messages start with it
 */
export function coreVideoSink(core, name) {
  const M = core.Module;
  let buffer = 0, bufferBytes = 0;  // one heap buffer for the frames, reused (they all have one size)

  function frameBuffer(nBytes) {
    if (nBytes > bufferBytes) {
      if (buffer) M._free(buffer);
      buffer = M._malloc(nBytes);
      if (!buffer) throw new Error(`${name}: out of memory for a ${nBytes}-byte frame`);
      bufferBytes = nBytes;
    }
    return buffer;
  }

  const sink = {
    handle: 0,
    result: null,
    begin(info) {
      const coreInfo = {
        duration_s: info.durationS || 0, width: info.width || 0, height: info.height || 0, rotation: info.rotation || 0,
        fps: info.fps || 0, has_audio: !!info.hasAudio, video_codec: info.videoCodec || '',
      };
      sink.handle = core.must('cf_video_begin', name, JSON.stringify(coreInfo));
    },
    frame({ rgba, width, height, timeS }) {
      const p = frameBuffer(rgba.length);
      M.HEAPU8.set(rgba, p);  // HEAPU8 read here, after any growth
      core.must('cf_video_frame', sink.handle, p, width, height, timeS);
    },
    audio(mono, rateHz) {
      core.must('cf_video_audio', sink.handle, mono, mono.length, rateHz);
    },
    end() {
      sink.result = core.mustJson('cf_video_end', sink.handle);
    },
    /** The clip so far (needs 2 frames), as the core reads it now. */
    partial() {
      return core.mustJson('cf_video_partial', sink.handle);
    },
    /** The sound measured so far, frames or not (what is left of an HEVC clip): write_clip_sound_json's members. */
    sound() {
      return core.mustJson('cf_video_sound', sink.handle);
    },
    /** Shot i's keyframe in the last reading made (partial() or the end): a copy of its RGB pixels. */
    keyframe(i) {
      const p = core.call('cf_video_keyframe', sink.handle, i);
      if (!p) throw core.error();
      const width = core.must('cf_video_keyframe_width', sink.handle, i);
      const height = core.must('cf_video_keyframe_height', sink.handle, i);
      return { rgb: M.HEAPU8.slice(p, p + width * height * 3), width, height };
    },
    /** Frees the core's reading and the frame buffer. */
    free() {
      if (sink.handle) core.call('cf_video_free', sink.handle);
      if (buffer) M._free(buffer);
      sink.handle = 0;
      buffer = 0;
      bufferBytes = 0;
    },
  };
  return sink;
}
