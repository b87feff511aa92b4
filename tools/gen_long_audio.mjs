// Writes a long synthetic music-like test signal as raw s16le to stdout (for encoders such as opusenc):
// a slowly changing chord of harmonic tones, a kick drum every 0.5 s and some noise, so the decoder,
// resampler and feature extractor see realistic, non-silent content for the whole length.
//   node tools/gen_long_audio.mjs SECONDS RATE_HZ CHANNELS | opusenc --raw --raw-rate RATE_HZ --raw-chan CHANNELS - out.opus
const [seconds = '1800', rate = '48000', channels = '2'] = process.argv.slice(2);
const sr = Number(rate), ch = Number(channels), total = Math.round(Number(seconds) * sr);
const block = 48000;
let n = 0, seed = 12345;
const rand = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296 - 0.5; };
const roots = [220, 246.94, 261.63, 293.66, 329.63, 196.0];
function write() {
  while (n < total) {
    const len = Math.min(block, total - n);
    const buf = Buffer.alloc(len * ch * 2);
    for (let i = 0; i < len; i++, n++) {
      const t = n / sr;
      const root = roots[Math.floor(t / 8) % roots.length];
      let x = 0;
      for (const [mult, amp] of [[1, 0.2], [1.25, 0.12], [1.5, 0.12], [2, 0.06]]) x += amp * Math.sin(2 * Math.PI * root * mult * t);
      const beat = t % 0.5;
      x += 0.4 * Math.exp(-beat * 30) * Math.sin(2 * Math.PI * 60 * beat);
      x += 0.03 * rand();
      for (let c = 0; c < ch; c++) {
        const v = Math.max(-1, Math.min(1, x * (c % 2 ? 0.9 : 1.0)));
        buf.writeInt16LE(Math.round(v * 32000), (i * ch + c) * 2);
      }
    }
    if (!process.stdout.write(buf)) { process.stdout.once('drain', write); return; }
  }
}
write();
