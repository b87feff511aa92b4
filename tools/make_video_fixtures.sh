#!/usr/bin/env bash
# Makes the video fixtures of tests/data/video/ (CC0: generated patterns, no recordings) with Debian's
# ffmpeg (lavfi sources: testsrc2, testsrc, smptebars, smptehdbars, pal100bars, mandelbrot, gradients,
# life, cellauto, colorchart, color). Every clip is a concatenation of segments of known length, so every
# cut time is known exactly; tests/data/video/README.md lists them.
#   tools/make_video_fixtures.sh                 # rewrite tests/data/video/*
#   tools/make_video_fixtures.sh --long OUT.mp4  # only the 60 s 1080p30 benchmark clip (not committed)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/tests/data/video"
FF=(ffmpeg -hide_banner -loglevel error -y)

# seg SOURCE_FILTER DURATION_S [EXTRA_FILTERS] → one concat input: the source at the clip's size and
# rate, cut to DURATION_S, in yuv420p with square pixels.
SIZE=320x180
RATE=24  # every segment length below is a whole number of frames at its clip's rate
seg() {
  local src="$1" dur="$2" extra="${3:-}"
  printf '%s,trim=duration=%s,setpts=PTS-STARTPTS,scale=%s,fps=%s,format=yuv420p,setsar=1%s' \
    "$src" "$dur" "${SIZE/x/:}" "$RATE" "${extra:+,$extra}"
}

# concat_graph SEG... → a filter_complex joining the segments into [v]
concat_graph() {
  local graph="" labels="" i=0
  for s in "$@"; do graph+="${s}[s$i];"; labels+="[s$i]"; i=$((i + 1)); done
  printf '%s%sconcat=n=%d:v=1:a=0[v]' "$graph" "$labels" "$#"
}

# A 440 Hz tone (audio of the clips that have sound).
tone() { printf 'sine=frequency=440:sample_rate=48000:duration=%s' "$1"; }

make_cuts_fades() {  # H.264 + AAC, MP4 (moov first), 24 fps, 9.5 s: cuts 2.0 3.5 5.0 8.5, fades, a flash
  local flash="drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='between(n,24,25)'"
  local g
  g=$(concat_graph \
    "$(seg "testsrc2=s=$SIZE:r=$RATE" 2 "$flash")" \
    "$(seg "smptebars=s=$SIZE:r=$RATE" 1.5)" \
    "$(seg "mandelbrot=s=$SIZE:r=$RATE" 1.5)" \
    "$(seg "gradients=s=$SIZE:r=$RATE:speed=0.04" 1.5 "fade=t=out:st=1.0:d=0.5")" \
    "$(seg "testsrc=s=$SIZE:r=$RATE" 2 "fade=t=in:st=0:d=0.5")" \
    "$(seg "cellauto=s=$SIZE:r=$RATE:rule=110" 1)")
  "${FF[@]}" -f lavfi -i "$(tone 9.5)" -filter_complex "$g" -map '[v]' -map 0:a \
    -c:v libx264 -preset medium -crf 30 -g 48 -c:a aac -b:a 48k -ac 1 -movflags +faststart \
    -t 9.5 "$out/h264_aac_cuts_fades.mp4"
}

make_vp9_opus() {  # VP9 + Opus, WebM, 30 fps, 6 s: cuts 1.5 3.0 4.5
  local g RATE=30
  g=$(concat_graph \
    "$(seg "smptehdbars=s=$SIZE:r=$RATE" 1.5)" \
    "$(seg "testsrc2=s=$SIZE:r=$RATE" 1.5)" \
    "$(seg "mandelbrot=s=$SIZE:r=$RATE:start_scale=1.5" 1.5)" \
    "$(seg "gradients=s=$SIZE:r=$RATE:type=radial:speed=0.05:c0=teal:c1=yellow" 1.5)")
  "${FF[@]}" -f lavfi -i "$(tone 6)" -filter_complex "$g" -map '[v]' -map 0:a \
    -c:v libvpx-vp9 -crf 50 -b:v 0 -deadline good -cpu-used 4 -g 60 -c:a libopus -b:a 32k -ac 1 \
    -t 6 "$out/vp9_opus_cuts.webm"
}

make_portrait() {  # H.264 + AAC, MOV, coded 320×180, display matrix 90° clockwise (shown 180×320), 3 s: cuts 1.0 2.0
  # First shot: red left half, blue right half (coded): shown upright, red is on top, blue below.
  local halves="color=c=red:s=$SIZE:r=$RATE,drawbox=x=iw/2:y=0:w=iw/2:h=ih:color=blue:t=fill"
  local g
  g=$(concat_graph \
    "$(seg "$halves" 1)" \
    "$(seg "testsrc2=s=$SIZE:r=$RATE" 1)" \
    "$(seg "smptebars=s=$SIZE:r=$RATE" 1)")
  "${FF[@]}" -f lavfi -i "$(tone 3)" -filter_complex "$g" -map '[v]' -map 0:a \
    -c:v libx264 -preset medium -crf 30 -c:a aac -b:a 48k -ac 1 -t 3 "$out/.portrait_unrotated.mov"
  # The display matrix is written on a stream copy (ffmpeg 5.1 drops the tag when encoding). Its
  # rotate tag is counter-clockwise: -90 gives the matrix phones write (ffprobe rotation=-90), shown
  # turned 90° clockwise.
  "${FF[@]}" -i "$out/.portrait_unrotated.mov" -c copy -metadata:s:v:0 rotate=-90 "$out/h264_portrait_rotate90.mov"
  rm "$out/.portrait_unrotated.mov"
}

make_no_audio() {  # H.264, Matroska, no audio, 4 s: a fast pan, cuts 2.0 3.0
  # A fast, smooth pan (up to ~56 px per frame) over a larger test pattern: motion, no cut.
  local pan="testsrc2=s=640x360:r=$RATE,crop=w=320:h=180:x='160+150*sin(3*PI*t)':y='90+80*sin(2*PI*t)'"
  local g
  g=$(concat_graph \
    "$(seg "$pan" 2)" \
    "$(seg "colorchart=r=$RATE" 1)" \
    "$(seg "gradients=s=$SIZE:r=$RATE:speed=0.04:c0=orange:c1=purple" 1)")
  "${FF[@]}" -filter_complex "$g" -map '[v]' -c:v libx264 -preset medium -crf 30 -t 4 \
    "$out/h264_no_audio.mkv"
}

make_hevc() {  # HEVC (libx265) + AAC, MP4 (hvc1), 3 s: cut 1.5
  local g
  g=$(concat_graph \
    "$(seg "pal100bars=s=$SIZE:r=$RATE" 1.5)" \
    "$(seg "testsrc2=s=$SIZE:r=$RATE" 1.5)")
  "${FF[@]}" -f lavfi -i "$(tone 3)" -filter_complex "$g" -map '[v]' -map 0:a \
    -c:v libx265 -preset fast -crf 30 -tag:v hvc1 -x265-params log-level=error \
    -c:a aac -b:a 48k -ac 1 -t 3 "$out/hevc_aac_cut.mp4"
}

make_dissolve() {  # H.264 + AAC, MP4, 24 fps, 6 s: a dissolve 2.0–2.958, a cut at 4.5
  # testsrc2 (0–3 s) dissolves into smptehdbars (2–4.5 s) over 2.0–3.0 s (xfade, transition fade:
  # each frame a linear mix), then a hard cut to mandelbrot (4.5–6 s).
  local g
  g="$(seg "testsrc2=s=$SIZE:r=$RATE" 3)[a];$(seg "smptehdbars=s=$SIZE:r=$RATE" 2.5)[b];"
  # xfade (ffmpeg 5.1) leaves a one-frame gap in its timestamps where the transition ends (frames 48–70
  # mix, the next is stamped 72): the frames are renumbered so the gap is not filled by a duplicate.
  # So: pure testsrc2 up to frame 48 (2.0 s), 23 mixed frames, pure smptehdbars from frame 71 (2.958 s).
  g+="[a][b]xfade=transition=fade:duration=1:offset=2,setpts=N/($RATE*TB)[ab];$(seg "mandelbrot=s=$SIZE:r=$RATE" 1.5)[c];"
  g+="[ab][c]concat=n=2:v=1:a=0[v]"
  "${FF[@]}" -f lavfi -i "$(tone 6)" -filter_complex "$g" -map '[v]' -map 0:a \
    -c:v libx264 -preset medium -crf 30 -c:a aac -b:a 48k -ac 1 -t 6 "$out/h264_dissolve.mp4"
}

make_bad() {
  : > "$out/bad_empty.mp4"
  printf 'This is a text file named like a video.\n' > "$out/bad_not_video.mp4"
  local src="$out/h264_aac_cuts_fades.mp4" size
  size=$(stat -c %s "$src")
  head -c $((size * 40 / 100)) "$src" > "$out/bad_truncated_40pct.mp4"
  "${FF[@]}" -f lavfi -i "$(tone 1)" -c:a libopus -b:a 24k "$out/bad_audio_only.ogg"
}

# 60 s, 1080p30 H.264 + AAC: 20 shots from six sources, cut every 3 s (cuts at 3, 6, ..., 57 s).
make_long() {
  local dest="$1" srcs segs=() i
  mkdir -p "$(dirname "$dest")"
  local SIZE=1920x1080 RATE=30
  srcs=("testsrc2=s=$SIZE:r=$RATE" "smptehdbars=s=$SIZE:r=$RATE" "gradients=s=$SIZE:r=$RATE:speed=0.03"
        "colorchart=r=$RATE:patch_size=128x128" "cellauto=s=$SIZE:r=$RATE:rule=30" "rgbtestsrc=s=$SIZE:r=$RATE")
  for i in $(seq 0 19); do segs+=("$(seg "${srcs[$((i % 6))]}" 3)"); done
  "${FF[@]}" -f lavfi -i "$(tone 60)" -filter_complex "$(concat_graph "${segs[@]}")" -map '[v]' -map 0:a \
    -c:v libx264 -preset veryfast -crf 26 -c:a aac -b:a 96k -t 60 "$dest"
}

if [ "${1:-}" = "--long" ]; then
  make_long "${2:?usage: $0 --long OUT.mp4}"
  exit 0
fi
mkdir -p "$out"
make_cuts_fades
make_vp9_opus
make_portrait
make_no_audio
make_hevc
make_dissolve
make_bad
ls -l "$out"
