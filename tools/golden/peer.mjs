// Small helpers of the golden-data tools and tests that recompute the peer's (essentia.js's) musicnn
// frames: FrameCutter's frame count and silent-frame indices, essentia.js's patching, float32 files.
import fs from 'node:fs';

export const FRAME_SIZE_SAMPLES = 512, HOP_SIZE_SAMPLES = 256, PATCH_FRAMES = 187, N_BANDS = 96;

/**
 * essentia.js's framing of a signal (RECIPE: frame k centred on sample 256·k, zeros outside; the
 * last frame is the first whose centre is at or past the end, so ceil(N/256) + 1 frames) and the
 * frames its FrameGenerator drops as silent: sum(x²)/512 < 1e-10, summed in float32.
 * Returns { nFrames, silent: [frame index, ...] }.
 */
export function frameCutterInfo(signal) {
  const n = signal.length;
  const nFrames = Math.ceil(n / HOP_SIZE_SAMPLES) + 1;
  const silent = [];
  for (let k = 0; k < nFrames; k++) {
    const start = k * HOP_SIZE_SAMPLES - FRAME_SIZE_SAMPLES / 2;
    let energy = 0;
    for (let i = Math.max(0, start); i < Math.min(n, start + FRAME_SIZE_SAMPLES); i++)
      energy = Math.fround(energy + Math.fround(signal[i] * signal[i]));
    if (Math.fround(energy / FRAME_SIZE_SAMPLES) < 1e-10) silent.push(k);
  }
  return { nFrames, silent };
}

/** Frames (arrays of 96) → essentia.js predict(zeroPadding=true) patches: { data, n }. */
export function patchesEssentiaJs(frames) {
  const n = Math.max(1, Math.ceil(frames.length / PATCH_FRAMES));
  const data = new Float32Array(n * PATCH_FRAMES * N_BANDS);
  frames.forEach((row, k) => data.set(row, k * N_BANDS));
  return { data, n };
}

/** Mean over the rows of a [rows, width] array, accumulated in double. */
export function columnMean(values, rows, width) {
  const sum = new Float64Array(width);
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) sum[c] += values[r * width + c];
  return Float32Array.from(sum, (s) => s / rows);
}

export function writeF32(file, values) {
  const f = values instanceof Float32Array ? values : Float32Array.from(values);
  fs.writeFileSync(file, Buffer.from(f.buffer, f.byteOffset, f.byteLength));
}
