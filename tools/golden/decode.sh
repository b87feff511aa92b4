#!/usr/bin/env bash
# Decodes an audio file to 16 kHz mono raw float32 (little-endian, no header) the way the golden
# reference signals are made: ffmpeg's decoder, an equal-gain downmix (L+R)/2 written out as a pan
# filter (ffmpeg's own -ac 1 mixes float audio with other gains), and the soxr resampler at
# precision 28 when the file is not already at 16 kHz.
#   bash tools/golden/decode.sh IN OUT.f32        (needs ffmpeg/ffprobe: apt-get install ffmpeg)
set -euo pipefail
if [ $# -ne 2 ]; then echo "usage: decode.sh IN OUT.f32" >&2; exit 2; fi
in="$1" out="$2"
command -v ffmpeg >/dev/null || { echo "decode.sh: ffmpeg not found (apt-get install ffmpeg)" >&2; exit 1; }
[ -f "$in" ] || { echo "decode.sh: $in: no such file" >&2; exit 1; }
probe() { ffprobe -v error -select_streams a:0 -show_entries "stream=$1" -of csv=p=0 "$in" | tr -dc 0-9; }
channels=$(probe channels)
rate_hz=$(probe sample_rate)
case "$channels" in
  1) pan="pan=mono|c0=c0" ;;
  2) pan="pan=mono|c0=0.5*c0+0.5*c1" ;;
  *) echo "decode.sh: $in: $channels channels (the recipe covers mono and stereo)" >&2; exit 1 ;;
esac
resample=""
[ "$rate_hz" = 16000 ] || resample=",aresample=16000:resampler=soxr:precision=28"
ffmpeg -hide_banner -v error -y -i "$in" -af "${pan}${resample}" -ar 16000 -c:a pcm_f32le -f f32le "$out"
echo "$in: $channels ch, $rate_hz Hz -> $out ($(( $(stat -c %s "$out") / 4 )) samples at 16 kHz)" >&2
