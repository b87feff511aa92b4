#!/usr/bin/env bash
# Set 1 of the zero-shot evaluation with every clip analysed, for the few-shot evaluation (run.mjs).
# The zero-shot run analysed 107 of the 279 clips (93 pieces × 3 soundfonts); with 3 positives per
# label there, K = 3 examples leave no held-out positive. This makes ~/.cache/cuefinder/eval/fewshot_set1:
# the same clips (a link), labels and vocabulary, the zero-shot analyses reused, the rest analysed by
# tools/eval/zeroshot/analyze_set.py (resumable; ~10 s a clip with 1 job). The zero-shot set itself is
# left as it is, so its recorded numbers stay reproducible.
#
#   bash tools/eval/fewshot/prepare_set1.sh [JOBS]     (default 1)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
CACHE="${CF_EVAL_CACHE:-$HOME/.cache/cuefinder/eval}"
SRC="$CACHE/zeroshot" DST="$CACHE/fewshot_set1"
[ -f "$SRC/labels.json" ] || { echo "no $SRC/labels.json: make the zero-shot set first (tools/eval/zeroshot/make_set.sh)" >&2; exit 1; }
mkdir -p "$DST"
ln -sfn "$SRC/clips" "$DST/clips"
cp "$SRC/labels.json" "$SRC/vocabulary.json" "$DST/"
if [ ! -f "$DST/analysis.partA.fixed.jsonl" ]; then
  # the zero-shot analyses, keyed by clip (their "file" is an absolute path into $SRC)
  cat "$SRC"/analysis*.jsonl | /usr/bin/python3 -c '
import json, os, sys
for line in sys.stdin:
    try:
        j = json.loads(line)
    except json.JSONDecodeError:
        continue
    if "error" not in j:
        j["clip"] = "clips/" + os.path.basename(j["file"])
        print(json.dumps(j))' > "$DST/analysis.partA.fixed.jsonl"
fi
CF_ANALYZE_ORDER=soundfont:FluidR3,MuseScore /usr/bin/python3 "$ROOT/tools/eval/zeroshot/analyze_set.py" "$DST" "${1:-1}"
