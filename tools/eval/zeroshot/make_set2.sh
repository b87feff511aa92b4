#!/usr/bin/env bash
# Second zero-shot evaluation set (issue 15, item 6): real arrangements and recordings we did not write
# and do not tune on (README.md, "Set 2"). Not part of CI: run by hand.
#   bash tools/eval/zeroshot/make_set2.sh            # make the clips + labels, then analyse every clip once
#   bash tools/eval/zeroshot/make_set2.sh --no-analyze
# Writes to $CF_EVAL_CACHE/zeroshot2 (default ~/.cache/cuefinder/eval/zeroshot2): clips/*.opus, labels.json,
# vocabulary.json, analysis.jsonl (as make_set.sh). Everything is cached; delete a file to redo it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
OUT="${CF_EVAL_CACHE:-$HOME/.cache/cuefinder/eval}/zeroshot2"
mkdir -p "$OUT"
t0=$(date +%s)
pkgs=(fluidsynth timidity freepats csound-soundfont openttd-openmsx fretsonfire-songs-muldjord fretsonfire-songs-sectoid
      sonic-pi-samples ffmpeg)
need=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if ((${#need[@]})); then
  echo "installing from Debian: ${need[*]}"
  apt-get install -y "${need[@]}"
else
  echo "Debian packages already installed: ${pkgs[*]}"
fi
/usr/bin/python3 "$ROOT/tools/eval/zeroshot/make_set2.py" "$OUT"
echo "set made in $(( $(date +%s) - t0 )) s"
if [[ "${1:-}" != "--no-analyze" ]]; then
  t1=$(date +%s)
  /usr/bin/python3 "$ROOT/tools/eval/zeroshot/analyze_set.py" "$OUT" "${CF_ANALYZE_JOBS:-2}"
  echo "analysed in $(( $(date +%s) - t1 )) s"
  /usr/bin/python3 "$ROOT/tools/eval/zeroshot/sanity.py" "$OUT"
fi
du -sh "$OUT"
