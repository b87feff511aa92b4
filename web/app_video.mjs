// The page's side of a dropped video (thin: the core's VideoModel decides everything,
// src/app/session/video_model.h): reads the clip with web/video_reader.mjs into the core's clip
// reader (web/video_core.mjs → cf_video_*), hands the reading to the app (cf_app_video_*), shows the
// clip in a <video> element laid over the rectangle the app reserves ("video_view"), plays the fitted
// music the core rendered in sync with it, and fetches track audio in Range requests
// (web/track_audio.mjs). The clip stays in this page: an object URL, never uploaded.
//
//   const video = createAppVideo({ core, player, layout: () => api.layout() });
//   Object.assign(host, video.host);        // showClip, playWithClip, clipPosition, fetch (app_main.cpp)
//   await video.analyze(file);              // resolves with the state once suggestions are ready
import { coreVideoSink } from './video_core.mjs';
import { fetchTrackAudio } from './track_audio.mjs';

// Early suggestions: the clip so far is handed over every second at first, then every 5 s (each hand-over
// reads the clip so far again in the core: cheap early, not at minute 10 of a long clip).
const PROGRESS_FIRST_MS = 1000, PROGRESS_FIRST_CALLS = 8, PROGRESS_LATER_MS = 5000;
const DRIFT_S = 0.08;            // music re-synced to the picture beyond this

export function createAppVideo({ core, player, layout, readVideo }) {
  const el = document.getElementById('clip');
  const urls = new Map();  // request id → object URL of the dropped clip
  let shown = 0, withClip = false, musicUrl = null;

  function place() {
    const r = shown && layout().video_view;
    el.hidden = !r;
    if (r) Object.assign(el.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.w}px`, height: `${r.h}px` });
    if (withClip && !el.paused && Math.abs(player.currentTime - el.currentTime) > DRIFT_S) player.currentTime = el.currentTime;
    requestAnimationFrame(place);
  }
  requestAnimationFrame(place);
  player.addEventListener('pause', () => { if (withClip) el.pause(); });
  player.addEventListener('play', () => { if (withClip) el.play().catch(() => {}); });
  player.addEventListener('ended', () => { if (withClip) el.pause(); });
  player.addEventListener('loadstart', () => {  // a preview or the dropped track now: the clip stops
    if (withClip && player.src !== musicUrl) { withClip = false; el.pause(); }
  });

  const host = {
    showClip(request, show) {
      if (show) {
        if (shown && shown !== request) forget(shown);
        shown = request;
        el.src = urls.get(request) || '';
      } else {
        forget(request);
        if (request === 0 || request === shown) { shown = 0; el.removeAttribute('src'); }
      }
    },
    playWithClip(wav, startS, clipSound) {
      if (musicUrl) URL.revokeObjectURL(musicUrl);
      musicUrl = URL.createObjectURL(new Blob([wav], { type: 'audio/wav' }));
      withClip = true;
      el.muted = !clipSound;
      el.currentTime = startS;
      player.src = musicUrl;
      player.currentTime = startS;
      player.play().catch(() => {});
    },
    clipPosition: () => (withClip && shown && !player.paused ? el.currentTime : -1),
    fetch(fetchId, url) {
      fetchTrackAudio(new URL(url, location.href).href)
        .then((bytes) => core.call('cf_app_fetched', fetchId, bytes, bytes.length, ''))
        .catch((e) => core.call('cf_app_fetched', fetchId, new Uint8Array(0), 0, e.message || String(e)));
    },
  };

  function forget(request) {
    const u = urls.get(request);
    if (u && request !== shown) { URL.revokeObjectURL(u); urls.delete(request); }
  }

  // Reads the clip into the core and hands each stage to the app; resolves with the app's state when
  // its suggestions are ready, rejects with the message the app shows.
  async function analyze(file, name) {
    const request = core.call('cf_app_video_begin', name);
    urls.set(request, URL.createObjectURL(file));
    const sink = coreVideoSink(core, name);
    let info = null, last = 0, calls = 0;
    const begin = sink.begin;
    sink.begin = (i) => { info = i; begin(i); };
    const onProgress = (f) => {
      const every = calls < PROGRESS_FIRST_CALLS ? PROGRESS_FIRST_MS : PROGRESS_LATER_MS;
      if (performance.now() - last < every || !sink.handle) return;
      last = performance.now();
      calls++;
      core.call('cf_app_video_progress', request, sink.handle, f);  // -1 (too few frames yet) is fine
    };
    try {
      await readVideo(file, sink, { maxSizePx: 256, onProgress });
      core.must('cf_app_video_end', request, sink.handle);
    } catch (e) {
      const message = e.message || String(e);
      if (e.kind === 'video-codec-unsupported') core.call('cf_app_video_unreadable', request, message, info?.durationS || 0, sink.handle);
      else core.call('cf_app_video_failed', request, message);
    } finally {
      sink.free();
    }
    return request;
  }

  return { host, analyze };
}
