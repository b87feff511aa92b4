// web/video_pixels.mjs, the page's YUV → small upright RGBA conversion, on synthetic planes: the box
// filter against its definition (odd sizes both ways, so partial pixels at cell edges count), the colour
// matrices on known colours, the turn and flip against web/video_reader.mjs's frameGeometry sizes, NV12
// equal to I420. (Against real decoded frames and FFmpeg: tests/browser/video_reader.test.mjs.)
import test from 'node:test';
import assert from 'node:assert/strict';
import { areaScale, yuvToRgba, handlesFormat } from '../../web/video_pixels.mjs';
import { frameGeometry } from '../../web/video_reader.mjs';

/** The box average of f over [x0, x1) × [y0, y1), from the definition: every pixel weighted by its overlap. */
function boxAverage(f, x0, x1, y0, y1) {
  const overlap = (p, a, b) => Math.max(0, Math.min(p + 1, b) - Math.max(p, a));
  let s = 0;
  for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
    for (let x = Math.floor(x0); x < Math.ceil(x1); x++) s += f(x, y) * overlap(x, x0, x1) * overlap(y, y0, y1);
  }
  return s / ((x1 - x0) * (y1 - y0));
}

test('areaScale: each output pixel is the average of the source area it covers (down and up, odd sizes)', () => {
  const f = (x, y) => (x * 37 + y * 11 + ((x * y) % 7) * 13) % 256;
  for (const [w, h, ow, oh] of [[33, 17, 7, 3], [17, 9, 15, 7], [9, 3, 9, 3], [7, 5, 1, 1], [3, 3, 7, 5], [15, 1, 4, 1]]) {
    const src = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) src[y * w + x] = f(x, y);
    const out = areaScale(src, 0, w, 1, w, h, ow, oh);
    for (let j = 0; j < oh; j++) {
      for (let i = 0; i < ow; i++) {
        const want = boxAverage(f, (i * w) / ow, ((i + 1) * w) / ow, (j * h) / oh, ((j + 1) * h) / oh);
        // Rounded to the nearest level; float32 sums are off by far less than 0.01.
        assert.ok(Math.abs(out[j * ow + i] - want) <= 0.51, `${w}×${h} → ${ow}×${oh}: (${i}, ${j}) = ${out[j * ow + i]}, want ${want.toFixed(2)}`);
      }
    }
  }
});

test('areaScale reads a plane inside a larger buffer: offset, stride and step (NV12 interleave)', () => {
  const w = 6, h = 4, stride = 16, offset = 5, buf = new Uint8Array(offset + h * stride).fill(255);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) buf[offset + y * stride + 2 * x] = 10 * x + y;
  const out = areaScale(buf, offset, stride, 2, w, h, 3, 2);
  assert.deepEqual([...out], [6, 26, 46, 8, 28, 48].map((v) => v + 0), 'pairs of columns and rows averaged; the 255s between never read');
});

// Planes of one colour (Y, U, V) at w × h, I420 layout.
function i420(w, h, [y, u, v]) {
  const cw = Math.ceil(w / 2), ch = Math.ceil(h / 2), buf = new Uint8Array(w * h + 2 * cw * ch);
  buf.fill(y, 0, w * h);
  buf.fill(u, w * h, w * h + cw * ch);
  buf.fill(v, w * h + cw * ch);
  return { buf, layout: [{ offset: 0, stride: w }, { offset: w * h, stride: cw }, { offset: w * h + cw * ch, stride: cw }] };
}

test('yuvToRgba: limited and full range, BT.601 and BT.709 on known colours', () => {
  const g = frameGeometry(8, 6, 0, 256);
  const rgb = (yuv, colour) => {
    const { buf, layout } = i420(8, 6, yuv);
    return [...yuvToRgba(buf, layout, 'I420', { width: 8, height: 6 }, colour, g).slice(0, 4)];
  };
  const near = (got, want) => got.every((v, i) => Math.abs(v - want[i]) <= 2);
  assert.deepEqual(rgb([235, 128, 128], { matrix: 'bt709', fullRange: false }), [255, 255, 255, 255]);
  assert.deepEqual(rgb([16, 128, 128], { matrix: 'bt709', fullRange: false }), [0, 0, 0, 255]);
  assert.ok(near(rgb([81, 90, 240], { matrix: 'smpte170m', fullRange: false }), [255, 0, 0, 255]), 'BT.601 red');
  assert.ok(near(rgb([63, 102, 240], { matrix: 'bt709', fullRange: false }), [255, 0, 0, 255]), 'BT.709 red');
  assert.ok(near(rgb([76, 85, 255], { matrix: 'bt470bg', fullRange: true }), [254, 0, 0, 255]), 'full-range BT.601 red');
  // No matrix stated: BT.601 below 720 rows (this picture), as FFmpeg and players guess.
  assert.deepEqual(rgb([81, 90, 240], null), rgb([81, 90, 240], { matrix: 'smpte170m', fullRange: false }));
});

test('yuvToRgba: turned upright as frameGeometry says (90°: the left column on top), flipped, NV12 = I420', () => {
  // A 4 × 2 grey picture whose luma is 16 + 20·(index): each pixel tells where it came from.
  const w = 4, h = 2, { buf, layout } = i420(w, h, [0, 128, 128]);
  for (let i = 0; i < w * h; i++) buf[i] = 16 + 20 * i;
  const grey = (rgba) => [...rgba].filter((_, i) => i % 4 === 0).map((v) => Math.round(((v * 219) / 255 + 16 - 16) / 20));
  const at = (rotation, flip = false) => {
    const g = frameGeometry(w, h, rotation, 256, flip);
    const out = yuvToRgba(buf, layout, 'I420', { width: w, height: h }, { matrix: 'bt709', fullRange: false }, g);
    assert.equal(out.length, g.width * g.height * 4);
    return { size: [g.width, g.height], pixels: grey(out) };
  };
  assert.deepEqual(at(0), { size: [4, 2], pixels: [0, 1, 2, 3, 4, 5, 6, 7] });
  assert.deepEqual(at(90), { size: [2, 4], pixels: [4, 0, 5, 1, 6, 2, 7, 3] }, 'clockwise: the left column (0, 4) is the top row, bottom first');
  assert.deepEqual(at(180), { size: [4, 2], pixels: [7, 6, 5, 4, 3, 2, 1, 0] });
  assert.deepEqual(at(270), { size: [2, 4], pixels: [3, 7, 2, 6, 1, 5, 0, 4] });
  assert.deepEqual(at(0, true), { size: [4, 2], pixels: [3, 2, 1, 0, 7, 6, 5, 4] });

  const nv12 = new Uint8Array(w * h + w);
  nv12.set(buf.subarray(0, w * h));
  for (let i = 0; i < w / 2; i++) nv12.set([100 + i, 150 + i], w * h + 2 * i);
  const planar = new Uint8Array(buf.length);
  planar.set(buf.subarray(0, w * h));
  planar.set([100, 101], w * h);
  planar.set([150, 151], w * h + 2);
  const g = frameGeometry(w, h, 0, 256), colour = { matrix: 'bt709', fullRange: false };
  assert.deepEqual(yuvToRgba(nv12, [{ offset: 0, stride: w }, { offset: w * h, stride: w }], 'NV12', { width: w, height: h }, colour, g),
    yuvToRgba(planar, layout, 'I420', { width: w, height: h }, colour, g));
  assert.ok(handlesFormat('I420') && handlesFormat('NV12') && !handlesFormat('I420P10') && !handlesFormat('RGBA') && !handlesFormat(null));
});
