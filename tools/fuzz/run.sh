#!/usr/bin/env bash
# Builds the fuzz preset and runs every audio fuzz target for N seconds each (default 60), seeded with
# the committed fixtures (tests/data/audio/) and past regressions (tests/data/fuzz_regressions/), in a
# temporary working corpus. Exits non-zero if any target found a crash, leak, timeout or OOM; the
# inputs that did it are kept in build/fuzz/findings/<target>/ (add them to tests/data/fuzz_regressions/
# once fixed).
#
#   tools/fuzz/run.sh            # 60 s per target
#   tools/fuzz/run.sh 300        # 5 min per target
set -euo pipefail
seconds="${1:-60}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_targets

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
findings="$here/build/fuzz/findings"
data="$here/tests/data/audio"

# Seeds per target: every fixture for the sniffing target, one format's fixtures for the others.
seed_globs() {
  case "$1" in
    fuzz_audio_reader) echo "*" ;;
    fuzz_audio_wav) echo "*.wav" ;;
    fuzz_audio_mp3) echo "*.mp3 bad_mp3_named.wav" ;;
    fuzz_id3v2) echo "tags_id3*.mp3 mp3_*.mp3 *id3v2*.flac" ;;
    fuzz_audio_flac) echo "*.flac" ;;
    fuzz_audio_vorbis) echo "*.ogg *.oga" ;;
    fuzz_audio_opus) echo "*.opus" ;;
    fuzz_catalog) echo "../catalog/*.cfc" ;;
  esac
}

failed=()
for target in fuzz_audio_reader fuzz_audio_wav fuzz_audio_mp3 fuzz_audio_flac fuzz_audio_vorbis fuzz_audio_opus fuzz_catalog fuzz_id3v2; do
  mkdir -p "$work/$target/corpus" "$work/$target/seeds" "$work/$target/artifacts"
  (cd "$data" && for g in $(seed_globs "$target"); do for f in $g; do
     [ -f "$f" ] && [ "$f" != README.md ] && cp "$f" "$work/$target/seeds/"; done; done)
  find "$here/tests/data/fuzz_regressions" -type f ! -name README.md -exec cp {} "$work/$target/seeds/" \;
  echo "fuzz: $target for ${seconds}s ($(ls "$work/$target/seeds" | wc -l) seeds)"
  if ! "build/fuzz/tools/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$work/$target/artifacts/" \
        "$work/$target/corpus" "$work/$target/seeds" >"$work/$target/log" 2>&1; then
    failed+=("$target")
    mkdir -p "$findings/$target"
    cp "$work/$target/artifacts/"* "$findings/$target/" 2>/dev/null || true
    cp "$work/$target/log" "$findings/$target/log.txt"
    echo "fuzz: $target FAILED; inputs and log in $findings/$target/" >&2
    grep -m3 -E "ERROR: |SUMMARY: " "$work/$target/log" >&2 || true
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$work/$target/log" | tr '\n' ' ' || true
  echo "corpus $(ls "$work/$target/corpus" | wc -l) files"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no findings"
