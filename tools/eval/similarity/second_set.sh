#!/usr/bin/env bash
# cuefinder — build the second similarity evaluation set (issue 15 item 3; docs/eval-second-set.md):
# 17 Debian game-data packages not in the demo catalog → music, manifest, labels, analysed catalog.
#
#   bash tools/eval/similarity/second_set.sh             # everything; → $CF_CACHE_DIR/eval/second/catalog
#   bash tools/eval/similarity/second_set.sh --sources   # only fetch + unpack + manifest + labels
#   CF_EVAL_JOBS=1 bash tools/eval/similarity/second_set.sh   # analysis workers (default 2)
#
# Layout (CF_CACHE_DIR default ~/.cache/cuefinder): eval/second/{debs,music,modules,meta}, manifest.json
# (the demo's format), eval_manifest.json (+ composer_key, composer_from; duplicates left out),
# eval_labels.json (packages, composers, version pairs), catalog/ (catalog.json, .work/analysis/*.json).
# Same steps and profile as `./cuefinder catalog demo`: src/cli/catalog/demo_sources.mjs with this set's
# package table, then `./cuefinder catalog build` (profile "catalog"), niced, without previews or
# full-length audio (an evaluation set, not shipped). Every step is cached; a rerun is seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cache=${CF_CACHE_DIR:-$HOME/.cache/cuefinder}
out=$cache/eval/second
jobs=${CF_EVAL_JOBS:-2}

nice -n 10 node "$root/src/cli/catalog/demo_sources.mjs" --table "$here/second_set_table.mjs" \
  --debs "$out/debs" --out "$out" --jobs "$jobs" >/dev/null
node "$here/second_set.mjs" "$out" >/dev/null
[ "${1:-}" = "--sources" ] && { echo "$out/eval_manifest.json"; exit 0; }
CF_CACHE_DIR=$cache nice -n 10 "$root/cuefinder" catalog build "$out/eval_manifest.json" -o "$out/catalog" \
  --name "cuefinder similarity evaluation set 2" --jobs "$jobs" --no-previews --full-audio none 1>&2
echo "$out/catalog/catalog.json"
