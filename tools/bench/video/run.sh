#!/usr/bin/env bash
# Cut detection benchmark: cuefinder-core video vs FFmpeg's scdet on the fixtures and a 60 s 1080p30
# clip and harder variants of a fixture (made once into build/bench-video/, not committed).
# Results: docs/benchmarks/video.md.
#   tools/bench/video/run.sh            # builds cuefinder-core (native-release) if needed, then compares
#   tools/bench/video/run.sh --smoke    # seconds (tools/bench/smoke.mjs): the committed fixtures only, one
#                                       # run each, the cuefinder-core already built, no long clip
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$here"
if [ "${1:-}" = --smoke ]; then
  core=build/native-release/src/cli/cuefinder-core
  [ -x "$core" ] || core=build/native-debug/src/cli/cuefinder-core  # made by ./cuefinder test
  [ -x "$core" ] || { echo "skip: needs $core (./cuefinder build native-release cuefinder-core)"; exit 0; }
  command -v ffmpeg >/dev/null || { echo "skip: needs ffmpeg (the scdet peer)"; exit 0; }
  exec /usr/bin/python3 tools/bench/video/compare.py --core "$core" --repeat 1
fi
[ -f build/native-release/build.ninja ] || cmake --preset native-release >/dev/null
flock build/native-release.lock cmake --build build/native-release --target cuefinder-core >/dev/null
long=build/bench-video/long_1080p30.mp4
[ -f "$long" ] || tools/make_video_fixtures.sh --long "$long"
/usr/bin/python3 tools/bench/video/compare.py --core build/native-release/src/cli/cuefinder-core --long "$long" \
  --variants build/bench-video/variants "$@"
