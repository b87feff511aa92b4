#!/usr/bin/env bash
# Builds the fuzz preset and runs every fuzz target for N seconds each (default 60), one after the
# other, seeded with the committed fixtures (tests/data/{audio,catalog,image,text}/) and past regressions
# (tests/data/fuzz_regressions/), in a temporary working corpus; name targets to run only those. Exits
# non-zero if any target found a crash, leak, timeout or OOM; the inputs that did it are kept in
# build/fuzz/findings/<target>/ (add them to tests/data/fuzz_regressions/ once fixed). Prints each
# target's wall time, executions and executions per second (docs/fuzzing.md records a run).
#
#   tools/fuzz/run.sh            # 60 s per target
#   tools/fuzz/run.sh 300        # 5 min per target
#   tools/fuzz/run.sh 120 fuzz_image fuzz_exif
#
# The body is one function called on the last line, so bash has read the whole script before a long
# run starts: editing this file during a run cannot change what that run executes.
set -euo pipefail
all_targets=(fuzz_audio_reader fuzz_audio_wav fuzz_audio_mp3 fuzz_audio_flac fuzz_audio_vorbis fuzz_audio_opus
             fuzz_catalog fuzz_id3v2 fuzz_image fuzz_image_webp fuzz_exif fuzz_json fuzz_json_reader fuzz_tokenizer)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$here/tests/data"
findings="$here/build/fuzz/findings"

# Seeds per target (globs under tests/data): every audio fixture for the sniffing target, one format's
# fixtures for the others.
seed_globs() {
  case "$1" in
    fuzz_audio_reader) echo "audio/*" ;;
    fuzz_audio_wav) echo "audio/*.wav" ;;
    fuzz_audio_mp3) echo "audio/*.mp3 audio/bad_mp3_named.wav" ;;
    fuzz_id3v2) echo "audio/tags_id3*.mp3 audio/mp3_*.mp3 audio/*id3v2*.flac" ;;
    fuzz_audio_flac) echo "audio/*.flac" ;;
    fuzz_audio_vorbis) echo "audio/*.ogg audio/*.oga" ;;
    fuzz_audio_opus) echo "audio/*.opus" ;;
    fuzz_catalog) echo "catalog/*.cfc" ;;
    fuzz_image) echo "image/*.jpg image/*.png image/*.gif image/*.bmp image/*.webp" ;;
    fuzz_image_webp) echo "image/*.webp" ;;
    fuzz_exif) echo "image/*.jpg" ;;
    fuzz_json_reader) echo "snapshots/*.json snapshots/*.jsonl golden/manifest.json golden/msd_tags.json" ;;
  esac
}

# Text seeds: the sentences of the tokenizer's reference file and runs of NFKC reference inputs (hex in
# column 1), one seed each, with an even last byte (text mode; see fuzz_tokenizer.cpp); the vocabulary's
# first 200 lines with an odd one (vocab mode). For the JSON writer: the same sentences and runs.
unhex() { printf "$(sed 's/../\\x&/g' <<<"$1")"; }  # "6869" -> "hi"
text_seeds() {
  local out="$1" i=0
  grep -v '^#' "$data/text/use_lite_tokens.tsv" | cut -f1 | while read -r hex; do
    i=$((i + 1)); { unhex "$hex"; printf '\n'; } >"$out/sentence_$i"; done
  grep -v '^#' "$data/text/nfkc_node.tsv" | cut -f1 | paste -d '' - - - - - - - - - - - - - - - - - - - - |
    while read -r hex; do i=$((i + 1)); { unhex "$hex"; printf '\n'; } >"$out/nfkc_$i"; done
  [ "$2" = fuzz_tokenizer ] && { head -n 200 "$here/models/use-lite/vocab.txt"; printf '\001'; } >"$out/vocab_head"
  return 0
}

main() {
  local seconds="${1:-60}"
  shift || true
  local targets=("${@:-${all_targets[@]}}") target
  for target in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $target "* ]] ||
      { echo "tools/fuzz/run.sh: unknown target '$target' (targets: ${all_targets[*]})" >&2; exit 2; }
  done
  cd "$here"
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz --target fuzz_targets
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  local failed=()
  for target in "${targets[@]}"; do
    run_target "$target" "$seconds" || failed+=("$target")
  done
  if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: findings in ${failed[*]}" >&2
    exit 1
  fi
  echo "fuzz: no findings"
}

# run_target TARGET SECONDS: seeds, runs and reports one target; non-zero if it found something.
run_target() {
  local target="$1" seconds="$2" regressions started status=0
  mkdir -p "$work/$target/corpus" "$work/$target/seeds" "$work/$target/artifacts"
  (cd "$data" && for g in $(seed_globs "$target"); do for f in $g; do
     [ -f "$f" ] && [ "${f##*/}" != README.md ] && cp "$f" "$work/$target/seeds/"; done; done)
  case "$target" in
    fuzz_tokenizer|fuzz_json) text_seeds "$work/$target/seeds" "$target" ;;
    fuzz_exif)  # a bare TIFF block (little-endian, IFD0 at 8, one entry: orientation 6), see fuzz_exif.cpp
      printf 'II*\0\010\0\0\0\001\0\022\001\003\0\001\0\0\0\006\0\0\0\0\0\0\0' >"$work/$target/seeds/tiff_orientation6" ;;
  esac
  # Past regressions of this target (of any audio target, for the audio ones: they share decoders).
  regressions="${target}-*"
  case "$target" in fuzz_audio_*) regressions="fuzz_audio_*" ;; esac
  find "$here/tests/data/fuzz_regressions" -type f -name "$regressions" -exec cp {} "$work/$target/seeds/" \;
  echo "fuzz: $target for ${seconds}s ($(ls "$work/$target/seeds" | wc -l) seeds)"
  started=$SECONDS
  if ! "build/fuzz/tools/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$work/$target/artifacts/" \
        "$work/$target/corpus" "$work/$target/seeds" >"$work/$target/log" 2>&1; then
    status=1
    mkdir -p "$findings/$target"
    cp "$work/$target/artifacts/"* "$findings/$target/" 2>/dev/null || true
    cp "$work/$target/log" "$findings/$target/log.txt"
    echo "fuzz: $target FAILED; inputs and log in $findings/$target/" >&2
    grep -m3 -E "ERROR: |SUMMARY: " "$work/$target/log" >&2 || true
  fi
  echo -n "ran $((SECONDS - started))s "
  grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss_mb" "$work/$target/log" |
    tr '\n' ' ' || true
  echo "corpus $(ls "$work/$target/corpus" | wc -l) files"
  return "$status"
}

main "$@"
