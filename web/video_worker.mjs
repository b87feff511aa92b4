// A module worker that reads a dropped video (web/video_reader.mjs: mediabunny + WebCodecs, the
// downscale) off the page's main thread, so the app's frames and the clip's decoding do not take
// turns on one core. It posts what a sink receives; web/video_remote.mjs turns the messages back
// into sink calls on the page, where the core reads them. A frame waits for the page's ack when
// MAX_IN_FLIGHT are unanswered (back-pressure: the page never holds more than that).
//
//   → {type: 'read', file, options: {maxSizePx}}      ← begin | frame | audio | warning | progress | end | error
//   → {type: 'ack'} after each frame                   → {type: 'cancel'}
import { readVideo } from './video_reader.mjs';

const MAX_IN_FLIGHT = 6;
let inFlight = 0, resume = null, abort = null;

// The pixels as a buffer of their own (transferred, not copied).
function own(view) {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view : view.slice();
}

const sink = {
  begin(info) { postMessage({ type: 'begin', info }); },
  frame({ rgba, width, height, timeS }) {
    const px = own(rgba);
    postMessage({ type: 'frame', rgba: px, width, height, timeS }, [px.buffer]);
    if (++inFlight < MAX_IN_FLIGHT) return undefined;
    return new Promise((r) => { resume = r; });
  },
  audio(mono, rateHz) {
    const m = own(mono);
    postMessage({ type: 'audio', mono: m, rateHz }, [m.buffer]);
  },
  warning(message) { postMessage({ type: 'warning', message }); },
  end() { postMessage({ type: 'end' }); },
};

onmessage = async (ev) => {
  const m = ev.data;
  if (m.type === 'ack') {
    inFlight--;
    if (resume && inFlight < MAX_IN_FLIGHT) { const r = resume; resume = null; r(); }
    return;
  }
  if (m.type === 'cancel') { if (abort) abort.abort(); return; }
  if (m.type !== 'read') return;
  abort = new AbortController();
  try {
    await readVideo(m.file, sink, { ...m.options, signal: abort.signal, onProgress: (f) => postMessage({ type: 'progress', fraction: f }) });
  } catch (e) {
    postMessage({ type: 'error', message: e.message || String(e), kind: e.kind || '', file: e.file || m.file.name });
  }
};
