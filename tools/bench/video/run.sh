#!/usr/bin/env bash
# Cut detection benchmark: cuefinder-core video vs FFmpeg's scdet on the fixtures and a 60 s 1080p30
# clip and harder variants of a fixture (made once into build/bench-video/, not committed).
# Results: docs/benchmarks/video.md.
#   tools/bench/video/run.sh            # builds cuefinder-core (native-release) if needed, then compares
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$here"
[ -f build/native-release/build.ninja ] || cmake --preset native-release >/dev/null
flock build/native-release.lock cmake --build build/native-release --target cuefinder-core >/dev/null
long=build/bench-video/long_1080p30.mp4
[ -f "$long" ] || tools/make_video_fixtures.sh --long "$long"
/usr/bin/python3 tools/bench/video/compare.py --core build/native-release/src/cli/cuefinder-core --long "$long" \
  --variants build/bench-video/variants "$@"
