#!/usr/bin/env bash
# Regenerates the committed audio fixtures in tests/data/audio/ (see tests/data/audio/README.md).
#
#   tools/make_audio_fixtures.sh            # needs python3, lame, flac, vorbis-tools (oggenc), opus-tools
#
# Every fixture comes from one synthetic signal of duration D (see signal() below):
#   [0, 0.75 D)   tones: even channels 0.5·sin(2π·440 t), odd channels 0.5·sin(2π·1000 t)
#                 (mono files: 0.25·sin 440 + 0.25·sin 1000, i.e. what the stereo downmix gives)
#   [0.75 D, D)   a linear chirp 500 → 3000 Hz, amplitude 0.4, on every channel
# so the tests can check the decoded pitch and level after downmix + resampling to 16 kHz mono.
# WAV files are written here byte by byte (so every header variant is exact); the compressed ones are
# encoded from those WAVs with the Debian command-line encoders. Tests never need these tools.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/tests/data/audio"
for tool in python3 lame flac oggenc opusenc; do
  command -v "$tool" >/dev/null || { echo "make_audio_fixtures: needs $tool (apt-get install lame flac vorbis-tools opus-tools)" >&2; exit 1; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
rm -f "$out"/*.wav "$out"/*.mp3 "$out"/*.flac "$out"/*.ogg "$out"/*.opus "$out"/*.txt "$out"/*.oga

# ---------------------------------------------------------------------------------------------
# 1. WAV fixtures (and the WAV inputs for the encoders, in $tmp)
# ---------------------------------------------------------------------------------------------
python3 - "$out" "$tmp" <<'PY'
import math, struct, sys, os
out, tmp = sys.argv[1], sys.argv[2]

def signal(t, c, n_channels, duration_s, layout):
    tone_end = 0.75 * duration_s
    if t < tone_end:
        s440 = 0.5 * math.sin(2 * math.pi * 440.0 * t)
        s1000 = 0.5 * math.sin(2 * math.pi * 1000.0 * t)
        if layout == "left_only":
            return s440 if c == 0 else 0.0
        if n_channels == 1:
            return 0.5 * s440 + 0.5 * s1000
        if layout == "5.1":          # FL FR FC LFE BL BR: LFE silent throughout (Opus low-passes it)
            return [s440, s1000, s440, 0.0, s440, s1000][c]
        return s440 if c % 2 == 0 else s1000
    if (layout == "left_only" and c != 0) or (layout == "5.1" and c == 3):
        return 0.0
    tau, span = t - tone_end, duration_s - tone_end
    f0, f1 = 500.0, 3000.0
    return 0.4 * math.sin(2 * math.pi * (f0 * tau + 0.5 * (f1 - f0) / span * tau * tau))

SAMPLE = {  # name: (format tag, bits, bytes, encoder)
    "u8":  (1, 8, 1,  lambda x: struct.pack("<B", max(0, min(255, round(x * 127) + 128)))),
    "s16": (1, 16, 2, lambda x: struct.pack("<h", round(x * 32767))),
    "s24": (1, 24, 3, lambda x: struct.pack("<i", round(x * 8388607))[:3]),
    "s32": (1, 32, 4, lambda x: struct.pack("<i", round(x * 2147483647))),
    "f32": (3, 32, 4, lambda x: struct.pack("<f", x)),
    "f64": (3, 64, 8, lambda x: struct.pack("<d", x)),
}
GUID_TAIL = bytes.fromhex("000000001000800000aa00389b71")

def samples(rate, n_channels, duration_s, fmt, layout):
    enc = SAMPLE[fmt][3]
    n = round(rate * duration_s)
    return b"".join(enc(signal(i / rate, c, n_channels, duration_s, layout))
                    for i in range(n) for c in range(n_channels))

def chunk(cid, payload, size=None):
    size = len(payload) if size is None else size
    return cid + struct.pack("<I", size) + payload + (b"\0" if len(payload) % 2 else b"")

def fmt_chunk(rate, n_channels, fmt, extensible=False, block_align=None, channel_mask=0):
    tag, bits, nbytes, _ = SAMPLE[fmt]
    ba = n_channels * nbytes if block_align is None else block_align
    common = struct.pack("<HHIIHH", 0xFFFE if extensible else tag, n_channels & 0xFFFF, rate,
                         rate * ba & 0xFFFFFFFF, ba & 0xFFFF, bits)
    if extensible:
        common += struct.pack("<HHI", 22, bits, channel_mask) + struct.pack("<H", tag) + GUID_TAIL
    return chunk(b"fmt ", common)

def wav(name, rate, n_channels, duration_s, fmt="s16", layout="tones", extensible=False,
        extra_before=b"", extra_after=b"", data_size=None, rf64=False, directory=None, **kw):
    data = samples(rate, n_channels, duration_s, fmt, layout)
    fmt_c = fmt_chunk(rate, n_channels, fmt, extensible, **kw)
    if rf64:
        body_wo_ds64 = fmt_c + extra_before + chunk(b"data", data, 0xFFFFFFFF) + extra_after
        ds64 = chunk(b"ds64", struct.pack("<QQQI", 4 + 36 + len(body_wo_ds64), len(data),
                                          len(data) // (n_channels * SAMPLE[fmt][2]), 0))
        blob = b"RF64" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + ds64 + body_wo_ds64
    else:
        body = fmt_c + extra_before + chunk(b"data", data, data_size) + extra_after
        blob = b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body
    with open(os.path.join(directory or out, name), "wb") as f:
        f.write(blob)
    return blob

# Sample formats: 8 kHz stereo, 0.5 s (small, and exercises 8k -> 16k upsampling).
for fmt in ["u8", "s16", "s24", "s32", "f32", "f64"]:
    wav(f"wav_{fmt}_8k_stereo.wav", 8000, 2, 0.5, fmt)
wav("wav_ext_s24_8k_stereo.wav", 8000, 2, 0.5, "s24", extensible=True, channel_mask=0x3)
wav("wav_ext_f32_8k_stereo.wav", 8000, 2, 0.5, "f32", extensible=True, channel_mask=0x3)
# Rates.
wav("wav_s16_44k_stereo.wav", 44100, 2, 1.0)
wav("wav_s16_48k_mono.wav", 48000, 1, 0.5)
wav("wav_s16_22k_stereo.wav", 22050, 2, 0.5)
wav("wav_s16_16k_stereo.wav", 16000, 2, 0.5)
# Channel layouts.
wav("wav_ext_s16_8k_6ch.wav", 8000, 6, 0.5, "s16", layout="5.1", extensible=True, channel_mask=0x3F)
wav("wav_s16_8k_left_only.wav", 8000, 2, 0.5, layout="left_only")
# Container variants.
wav("wav_rf64_s16_8k_stereo.wav", 8000, 2, 0.5, rf64=True)
wav("wav_odd_chunks_8k_mono.wav", 8000, 1, 0.5,
    extra_before=chunk(b"fact", struct.pack("<I", 4000)) + chunk(b"junk", b"abc")
                 + chunk(b"LIST", b"INFOINAM" + struct.pack("<I", 5) + b"tone\0"),
    extra_after=chunk(b"zzz ", b"x"))
wav("wav_data_size_ffffffff.wav", 8000, 1, 0.25, data_size=0xFFFFFFFF)   # "length unknown" (streamed WAV)
# Bad headers.
wav("bad_wav_data_claims_4gb.wav", 8000, 1, 0.25, data_size=0xF0000000)
wav("bad_wav_0hz.wav", 8000, 1, 0.05)
wav("bad_wav_1mhz.wav", 8000, 1, 0.05)
wav("bad_wav_65535_channels.wav", 8000, 1, 0.05, "u8")
wav("bad_wav_block_align.wav", 8000, 2, 0.05, block_align=3)
def patch(name, offset, fmtstr, value):
    p = os.path.join(out, name)
    b = bytearray(open(p, "rb").read())
    struct.pack_into(fmtstr, b, offset, value)
    open(p, "wb").write(bytes(b))
patch("bad_wav_0hz.wav", 24, "<I", 0)             # fmt: sample rate
patch("bad_wav_1mhz.wav", 24, "<I", 1000000)
patch("bad_wav_65535_channels.wav", 22, "<H", 65535)  # fmt: channels (a 16-bit field: 1,000,000 does not fit)
patch("bad_wav_65535_channels.wav", 32, "<H", 65535)  # block_align = 65535 × 1 byte, consistent
adpcm = bytearray(open(os.path.join(out, "bad_wav_0hz.wav"), "rb").read())
struct.pack_into("<HI", adpcm, 20, 2, 0)   # format tag 2 (MS ADPCM) ...
struct.pack_into("<I", adpcm, 24, 8000)    # ... with a sane rate
open(os.path.join(out, "bad_wav_adpcm.wav"), "wb").write(bytes(adpcm))
# data chunk before the fmt chunk
d = samples(8000, 1, 0.05, "s16", "tones")
body = chunk(b"data", d) + fmt_chunk(8000, 1, "s16")
open(os.path.join(out, "bad_wav_data_before_fmt.wav"), "wb").write(b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body)

# Encoder inputs.
wav("src_44k_stereo.wav", 44100, 2, 1.0, directory=tmp)
wav("src_44k_stereo_3s.wav", 44100, 2, 3.0, directory=tmp)
wav("src_22k_mono.wav", 22050, 1, 1.0, directory=tmp)
wav("src_48k_stereo.wav", 48000, 2, 1.0, directory=tmp)
wav("src_48k_6ch.wav", 48000, 6, 1.0, layout="5.1", extensible=True, channel_mask=0x3F, directory=tmp)
wav("src_48k_s24_stereo.wav", 48000, 2, 0.5, "s24", extensible=True, channel_mask=0x3, directory=tmp)
wav("src_8k_mono.wav", 8000, 1, 0.5, directory=tmp)
wav("src_11k_stereo.wav", 11025, 2, 0.5, directory=tmp)
PY

# ---------------------------------------------------------------------------------------------
# 2. Compressed fixtures
# ---------------------------------------------------------------------------------------------
# MP3: CBR with an ID3v2 tag and LAME's Info header (exact gapless length); mono without any tag
# and without the Info header (length only estimated from the file size).
lame --quiet --cbr -b 128 --id3v2-only --tt "cuefinder fixture" "$tmp/src_44k_stereo.wav" "$out/mp3_cbr128_44k_stereo.mp3"
lame --quiet --cbr -b 32 -m m -t "$tmp/src_22k_mono.wav" "$out/mp3_cbr32_22k_mono_noinfo.mp3"
# FLAC 16-bit and 24-bit; the 24-bit one again behind an ID3v2 tag.
flac --silent --force -8 --no-padding -o "$out/flac_s16_44k_stereo.flac" "$tmp/src_44k_stereo.wav"
flac --silent --force -8 --no-padding -o "$out/flac_s24_48k_stereo.flac" "$tmp/src_48k_s24_stereo.wav"
# Ogg Vorbis (3 s, so it spans several ~4 KB pages); a chain of two links with the same format; a chain
# whose format changes.
oggenc --quiet -q 2 --serial 1 -o "$out/vorbis_q2_44k_stereo_3s.ogg" "$tmp/src_44k_stereo_3s.wav"
oggenc --quiet -q 0 --serial 2 -o "$tmp/v8k_a.ogg" "$tmp/src_8k_mono.wav"
oggenc --quiet -q 0 --serial 3 -o "$tmp/v8k_b.ogg" "$tmp/src_8k_mono.wav"
oggenc --quiet -q 0 --serial 4 -o "$tmp/v11k.ogg" "$tmp/src_11k_stereo.wav"
cat "$tmp/v8k_a.ogg" "$tmp/v8k_b.ogg" > "$out/vorbis_chained_same_format.ogg"
cat "$tmp/v8k_a.ogg" "$tmp/v11k.ogg" > "$out/bad_vorbis_chained_format_change.ogg"
# Ogg Opus: stereo and 5.1 (mapping family 1); a page every 100 ms, so the stream spans several pages.
opusenc --quiet --serial 5 --bitrate 64 --max-delay 100 "$tmp/src_48k_stereo.wav" "$out/opus_64k_48k_stereo.opus"
opusenc --quiet --serial 6 --bitrate 160 --max-delay 100 "$tmp/src_48k_6ch.wav" "$out/opus_160k_48k_6ch.opus"
# FLAC inside Ogg: recognised, not supported.
flac --silent --force --no-padding --ogg --serial-number=7 -o "$out/bad_ogg_flac.oga" "$tmp/src_8k_mono.wav"

# ---------------------------------------------------------------------------------------------
# 3. Derived bad inputs: empty, text, truncated, corrupted, wrong extension
# ---------------------------------------------------------------------------------------------
python3 - "$out" <<'PY'
import os, random, struct, sys
out = sys.argv[1]
def rd(n): return open(os.path.join(out, n), "rb").read()
def wr(n, b): open(os.path.join(out, n), "wb").write(b)

wr("bad_empty.wav", b"")
wr("bad_text.txt", b"This is a text file, not audio.\nIt has two lines.\n")
wr("bad_mp3_named.wav", rd("mp3_cbr32_22k_mono_noinfo.mp3"))

# ID3v2.4 tag (synchsafe size) in front of a FLAC stream.
frame = b"TIT2" + struct.pack(">I", 10) + b"\0\0" + b"\x03cuefinder"
size = len(frame) + 100
synchsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
wr("flac_s24_48k_stereo_id3v2.flac", b"ID3\x04\x00\x00" + synchsafe + frame + b"\0" * 100 + rd("flac_s24_48k_stereo.flac"))

def flac_header_end(b):
    pos = 4
    while True:
        last, size = b[pos] & 0x80, int.from_bytes(b[pos + 1:pos + 4], "big")
        pos += 4 + size
        if last: return pos

def ogg_header_end(b):
    """End of the last page whose granule position is 0 (the header pages)."""
    pos, end = 0, 0
    while pos + 27 <= len(b) and b[pos:pos + 4] == b"OggS":
        granule = struct.unpack_from("<q", b, pos + 6)[0]
        nseg = b[pos + 26]
        size = 27 + nseg + sum(b[pos + 27:pos + 27 + nseg])
        if granule != 0: break
        pos += size
        end = pos
    return end

def mp3_first_frames_end(b):
    """End of the ID3v2 tag + the first MPEG frame (LAME's Info header)."""
    pos = 0
    if b[:3] == b"ID3":
        s = b[6:10]
        pos = 10 + ((s[0] << 21) | (s[1] << 14) | (s[2] << 7) | s[3])
    return pos + 417   # 128 kbps 44.1 kHz Layer III frame: 144*128000/44100 = 417 bytes

header_ends = {
    "wav_s16_8k_stereo.wav": ("wav", 44),
    "mp3_cbr128_44k_stereo.mp3": ("mp3", mp3_first_frames_end(rd("mp3_cbr128_44k_stereo.mp3"))),
    "flac_s16_44k_stereo.flac": ("flac", flac_header_end(rd("flac_s16_44k_stereo.flac"))),
    "vorbis_q2_44k_stereo_3s.ogg": ("ogg", ogg_header_end(rd("vorbis_q2_44k_stereo_3s.ogg"))),
    "opus_64k_48k_stereo.opus": ("opus", ogg_header_end(rd("opus_64k_48k_stereo.opus"))),
}
for name, (ext, header_end) in header_ends.items():
    b = rd(name)
    stem = name.rsplit(".", 1)[0]
    # "30 %": 30 % of the way through the audio after the headers, so every format is cut mid-audio.
    wr(f"bad_truncated_30pct_{stem}.{ext}", b[:header_end + int((len(b) - header_end) * 0.3)])
    wr(f"bad_truncated_header_only_{stem}.{ext}", b[:header_end])
# Vorbis pages hold ~4 KB (1 s here), so 30 % ends inside the first audio page; 70 % ends mid-stream.
b = rd("vorbis_q2_44k_stereo_3s.ogg")
header_end = header_ends["vorbis_q2_44k_stereo_3s.ogg"][1]
wr("bad_truncated_70pct_vorbis_q2_44k_stereo_3s.ogg", b[:header_end + int((len(b) - header_end) * 0.7)])

# 256 pseudo-random bytes over the middle of the audio (after the headers) of each compressed stream;
# for Opus also over the first audio page (which opusfile alone would take for a later stream start).
rng = random.Random(1)
def corrupt(name, at, out_name):
    b = bytearray(rd(name))
    b[at:at + 256] = bytes(rng.randrange(256) for _ in range(256))
    wr(out_name, bytes(b))
for name, (ext, header_end) in header_ends.items():
    if ext == "wav": continue   # PCM has no checksums: damaged samples are undetectable by design
    stem = name.rsplit(".", 1)[0]
    corrupt(name, header_end + (len(rd(name)) - header_end) // 2, f"bad_corrupt_middle_{stem}.{ext}")
corrupt("opus_64k_48k_stereo.opus", header_ends["opus_64k_48k_stereo.opus"][1] + 100, "bad_corrupt_first_page_opus_64k_48k_stereo.opus")
# MP3 with 4 KB of garbage in the middle: more than mpg123's resync limit (1024 bytes).
b = rd("mp3_cbr128_44k_stereo.mp3")
mid = len(b) // 2
wr("bad_mp3_garbage_4k_middle.mp3", b[:mid] + bytes(rng.randrange(256) for _ in range(4096)) + b[mid:])
PY

echo "make_audio_fixtures: wrote $(ls "$out" | grep -vc README) files, $(du -cb "$out"/* | tail -1 | cut -f1) bytes in $out"
