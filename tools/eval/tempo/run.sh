#!/usr/bin/env bash
# Tempo evaluation (not a test): cuefinder's TempoTracker vs `aubio tempo` on music of known tempo.
# Installs what it needs from Debian (apt), renders MIDI with fluidsynth, writes docs/benchmarks/tempo.md.
#   bash tools/eval/tempo/run.sh            tempo accuracy (eval.py) → docs/benchmarks/tempo.md
#   bash tools/eval/tempo/run.sh --pulse    steady / uncertain / free on beatless and steady sets
#                                           (pulse_eval.py, beatless.py) → its section of the same page
# Env: CF_EVAL_CACHE (default ~/.cache/cuefinder/eval), BUILD (default build/rhythm-release).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
CACHE="${CF_EVAL_CACHE:-$HOME/.cache/cuefinder/eval}"
BUILD="${BUILD:-$ROOT/build/rhythm-release}"
mkdir -p "$CACHE"

need=()
for p in fluidsynth fluid-soundfont-gm timgm6mb-soundfont aubio-tools openttd-openmsx python3-mido ffmpeg libebur128-dev sox; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then apt-get install -y "${need[@]}"; fi

if [[ ! -d "$CACHE/fof/usr/share/games/fretsonfire" ]]; then
  (cd "$CACHE" && apt-get download fretsonfire-songs-muldjord && dpkg-deb -x fretsonfire-songs-muldjord_*_all.deb fof)
fi

# The core library (release) and the small CLI.
if [[ ! -f "$BUILD/src/core/libcf_core.a" ]]; then
  cmake --preset native-release -B "$BUILD"
fi
nice -n 10 cmake --build "$BUILD" --target cf_core -j2
BIN="$CACHE/tempo_eval"
nice -n 10 g++ -O2 -std=c++20 -I"$ROOT/src" "$ROOT/tools/eval/tempo/tempo_eval.cpp" "$BUILD/src/core/libcf_core.a" \
  $(pkg-config --libs libmpg123 flac vorbisfile vorbis ogg opusfile opus samplerate libebur128) -o "$BIN"

if [[ "${1:-}" == "--pulse" ]]; then
  # The tracker before the 81.65 BPM fix (commit 20c02b4), with today's reading, for the "before" rows.
  OLD="$CACHE/tempo_eval_before_fix"
  git -C "$ROOT" show 20c02b4:src/core/rhythm/tempo.cpp > "$CACHE/tempo_before_fix.cpp"
  nice -n 10 g++ -O2 -std=c++20 -I"$ROOT/src" "$ROOT/tools/eval/tempo/tempo_eval.cpp" "$CACHE/tempo_before_fix.cpp" \
    "$BUILD/src/core/libcf_core.a" $(pkg-config --libs libmpg123 flac vorbisfile vorbis ogg opusfile opus samplerate libebur128) -o "$OLD"
  /usr/bin/python3 "$ROOT/tools/eval/tempo/pulse_eval.py" "$CACHE" "$BIN" "$ROOT/docs/benchmarks/tempo.md" "$OLD"
  echo "wrote the pulse section of $ROOT/docs/benchmarks/tempo.md"
  exit 0
fi
/usr/bin/python3 "$ROOT/tools/eval/tempo/eval.py" "$CACHE" "$BIN" "$ROOT/docs/benchmarks/tempo.md"
echo "wrote $ROOT/docs/benchmarks/tempo.md"
