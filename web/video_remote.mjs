// readVideo (web/video_reader.mjs) run in a worker (web/video_worker.mjs): the same call and sink, the
// decoding off the page's main thread. Where the worker cannot read the clip (no WebCodecs in workers,
// or a container only the page's <video> element plays), the page reads it itself.
//
//   import { readVideoOffThread } from './video_remote.mjs';
//   await readVideoOffThread(file, sink, { maxSizePx: 256, onProgress });   // as readVideo
import { readVideo, VideoReadError } from './video_reader.mjs';

const PAGE_ONLY = new Set(['no-webcodecs', 'not-video']);  // what only the page's <video> fallback may still read

function inWorker(file, sink, options) {
  const worker = new Worker(new URL('./video_worker.mjs', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    const fail = (e) => { worker.terminate(); reject(e); };
    worker.onerror = (e) => fail(Object.assign(new Error(`video worker: ${e.message || 'failed to start'}`), { kind: 'no-worker' }));
    worker.onmessage = async (ev) => {
      const m = ev.data;
      try {
        if (m.type === 'begin') await sink.begin(m.info);
        else if (m.type === 'frame') { await sink.frame(m); worker.postMessage({ type: 'ack' }); }
        else if (m.type === 'audio') await sink.audio(m.mono, m.rateHz);
        else if (m.type === 'warning') sink.warning?.(m.message);
        else if (m.type === 'progress') options.onProgress?.(m.fraction);
        else if (m.type === 'end') { await sink.end(); worker.terminate(); resolve(); }
        else if (m.type === 'error') fail(Object.assign(new VideoReadError(m.file, m.kind, ''), { message: m.message }));
      } catch (e) {
        worker.postMessage({ type: 'cancel' });
        fail(e);
      }
    };
    const { onProgress, signal, ...plain } = options;
    signal?.addEventListener('abort', () => worker.postMessage({ type: 'cancel' }));
    worker.postMessage({ type: 'read', file, options: plain });
  });
}

export async function readVideoOffThread(file, sink, options = {}) {
  if (typeof Worker !== 'function') return readVideo(file, sink, options);
  let begun = false;
  const watched = {
    begin: (i) => { begun = true; return sink.begin(i); },
    frame: (f) => sink.frame(f),
    audio: (mono, rateHz) => sink.audio(mono, rateHz),
    warning: (w) => sink.warning?.(w),
    end: () => sink.end(),
  };
  try {
    return await inWorker(file, watched, options);
  } catch (e) {
    if (begun || !(PAGE_ONLY.has(e.kind) || e.kind === 'no-worker')) throw e;
    return readVideo(file, sink, options);  // nothing reached the sink yet: the page tries itself
  }
}
