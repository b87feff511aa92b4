// A decoded YUV picture (the planes of VideoFrame.copyTo) → a small upright RGBA frame, without a canvas:
// each plane area-averaged down to the frame size (every source pixel counted once, as FFmpeg's
// SWS_AREA in the native reader), then converted to RGB with the frame's matrix and range and turned
// upright (the same pixel mapping as src/platform/native/ffmpeg_video.cpp's rotate_into).
//
//   const layout = await frame.copyTo(buf, { rect: frame.visibleRect });
//   const rgba = yuvToRgba(buf, layout, frame.format, frame.visibleRect, frame.colorSpace, geometry);
//   // geometry: frameGeometry() of web/video_reader.mjs ({width, height, drawWidth, drawHeight, rotation, flip})
//
// Why not drawImage + getImageData: in headless Chromium the 2D canvas is GPU-emulated (SwiftShader),
// and reading back one 1080p VideoFrame drawn at 256 px took 100–350 ms (a 60 s 1080p clip: 3–10
// minutes); the planes come out of copyTo in ~0.2 ms and this averaging takes a few ms per 1080p frame.
// On a real GPU a per-frame readback also stalls the pipeline. Formats handled: I420, I420A, I422,
// I444 (8-bit planar) and NV12; anything else (10-bit, RGB, GPU-only frames) goes through the canvas.

/** Chroma subsampling (x, y) of the 8-bit YUV formats handled here, by VideoFrame.format. */
const CHROMA = { I420: [2, 2], I420A: [2, 2], I422: [2, 1], I444: [1, 1], NV12: [2, 2] };

/** True when yuvToRgba reads this VideoFrame format. */
export function handlesFormat(format) {
  return Object.prototype.hasOwnProperty.call(CHROMA, format);
}

/** [Kr, Kb] of a VideoColorSpace matrix; unknown: BT.709 from 720 rows up, else BT.601 (as players guess). */
function lumaWeights(matrix, height) {
  if (matrix === 'bt709') return [0.2126, 0.0722];
  if (matrix === 'bt470bg' || matrix === 'smpte170m') return [0.299, 0.114];
  if (matrix === 'bt2020-ncl') return [0.2627, 0.0593];
  return height >= 720 ? [0.2126, 0.0722] : [0.299, 0.114];
}

/**
 * The box filter from `size` source pixels to n output cells of width r = size / n (either way): cell j
 * covers [j·r, (j+1)·r) and takes from pixel x the length of their overlap, divided by r.
 * {first[j], count[j]}: its pixels; weight[k]: the weights, cell after cell.
 */
function boxWeights(size, n) {
  const r = size / n, first = new Int32Array(n), count = new Int32Array(n), weights = [];
  for (let j = 0; j < n; j++) {
    const a = j * r, b = (j + 1) * r, x0 = Math.floor(a), x1 = Math.min(size, Math.ceil(b - 1e-9));
    first[j] = x0;
    count[j] = x1 - x0;
    for (let x = x0; x < x1; x++) weights.push((Math.min(x + 1, b) - Math.max(x, a)) / r);
  }
  return { first, count, weight: Float32Array.from(weights) };
}

const tables = new Map();  // "size n" → boxWeights (a clip has a few plane sizes)
function cachedWeights(size, n) {
  const key = `${size} ${n}`;
  if (!tables.has(key)) tables.set(key, boxWeights(size, n));
  return tables.get(key);
}

let scratchFloats = new Float32Array(0);  // areaScale's rows, reused (conversions run one at a time)
function scratch(n) {
  if (scratchFloats.length < n) scratchFloats = new Float32Array(n);
  const s = scratchFloats.subarray(0, n);
  s.fill(0);
  return s;
}

/**
 * One plane area-averaged to outW × outH (an exact box filter, separable: each source pixel counts by
 * the share of it inside an output pixel; a plane smaller than the output, as chroma can be, is scaled
 * up the same way): src[offset + y·stride + x·step] for x < w, y < h. Returns outW·outH bytes, row-major.
 * Rows first (a contiguous multiply-add per source row), then across the outH short rows.
 */
export function areaScale(src, offset, stride, step, w, h, outW, outH) {
  const bx = cachedWeights(w, outW), by = cachedWeights(h, outH);
  const cols = scratch(outH * w);  // each output row, at full width
  for (let i = 0, k = 0; i < outH; i++) {
    const o = i * w;
    for (let t = 0; t < by.count[i]; t++, k++) {
      const wy = by.weight[k], base = offset + (by.first[i] + t) * stride;
      if (step === 1) for (let x = 0; x < w; x++) cols[o + x] += src[base + x] * wy;
      else for (let x = 0; x < w; x++) cols[o + x] += src[base + x * step] * wy;
    }
  }
  const out = new Uint8Array(outW * outH);
  for (let i = 0; i < outH; i++) {
    const o = i * w;
    for (let j = 0, k = 0; j < outW; j++) {
      let sum = 0;
      for (let x = bx.first[j], e = x + bx.count[j]; x < e; x++, k++) sum += cols[o + x] * bx.weight[k];
      out[i * outW + j] = Math.min(255, Math.round(sum));
    }
  }
  return out;
}

/** The planes Y, U, V of `format` (offset, stride, step) from copyTo's layout. */
function planesOf(format, layout) {
  if (format === 'NV12') {
    return [{ ...layout[0], step: 1 }, { offset: layout[1].offset, stride: layout[1].stride, step: 2 },
      { offset: layout[1].offset + 1, stride: layout[1].stride, step: 2 }];
  }
  return [0, 1, 2].map((i) => ({ offset: layout[i].offset, stride: layout[i].stride, step: 1 }));
}

/** Output pixel (x, y) → the pixel of the small coded-orientation picture (w × h) it shows. */
function sourceIndex(x, y, w, h, rotation) {
  if (rotation === 90) return (h - 1 - x) * w + y;   // the left column becomes the top row
  if (rotation === 180) return (h - 1 - y) * w + (w - 1 - x);
  if (rotation === 270) return x * w + (w - 1 - y);  // the right column becomes the top row
  return y * w + x;
}

/**
 * The RGBA frame (geometry.width × geometry.height) of a YUV picture.
 * @param {Uint8Array} buf        copyTo's bytes
 * @param {{offset:number, stride:number}[]} layout  copyTo's plane layout
 * @param {string} format         VideoFrame.format (handlesFormat must say yes)
 * @param {{width:number, height:number}} visible  the copied rectangle (the frame's visibleRect)
 * @param {{matrix?:string, fullRange?:boolean}|null} colour  VideoFrame.colorSpace
 * @param {{width, height, drawWidth, drawHeight, rotation, flip}} geometry  frameGeometry()
 */
export function yuvToRgba(buf, layout, format, visible, colour, geometry) {
  const [sx, sy] = CHROMA[format];
  const w = geometry.drawWidth, h = geometry.drawHeight;
  const [py, pu, pv] = planesOf(format, layout);
  const cw = Math.ceil(visible.width / sx), ch = Math.ceil(visible.height / sy);
  const Y = areaScale(buf, py.offset, py.stride, py.step, visible.width, visible.height, w, h);
  const U = areaScale(buf, pu.offset, pu.stride, pu.step, cw, ch, w, h);
  const V = areaScale(buf, pv.offset, pv.stride, pv.step, cw, ch, w, h);
  const [kr, kb] = lumaWeights(colour && colour.matrix, visible.height), kg = 1 - kr - kb;
  const full = !!(colour && colour.fullRange);
  const yScale = full ? 1 : 255 / 219, yBase = full ? 0 : 16, cScale = full ? 1 : 255 / 224;
  const rV = 2 * (1 - kr) * cScale, bU = 2 * (1 - kb) * cScale;
  const gU = (2 * kb * (1 - kb) / kg) * cScale, gV = (2 * kr * (1 - kr) / kg) * cScale;
  const W = geometry.width, H = geometry.height, out = new Uint8ClampedArray(W * H * 4);
  for (let y = 0, o = 0; y < H; y++) {
    for (let x = 0; x < W; x++, o += 4) {
      const i = sourceIndex(geometry.flip ? W - 1 - x : x, y, w, h, geometry.rotation);
      const l = (Y[i] - yBase) * yScale, u = U[i] - 128, v = V[i] - 128;
      out[o] = l + rV * v;
      out[o + 1] = l - gU * u - gV * v;
      out[o + 2] = l + bU * u;
      out[o + 3] = 255;
    }
  }
  return out;
}
