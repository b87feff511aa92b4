#!/bin/sh
# Dumps the per-window extra embeddings of a catalog (tools/eval/similarity/dump.mjs) in two niced
# background shards, then joins them: ~/.cache/cuefinder/eval/similarity/<name>.jsonl.
#   sh tools/eval/similarity/dump.sh [CATALOG_DIR]   (default: the demo catalog; ~15 min of CPU for 425 tracks)
set -e
here=$(dirname "$0")
cat=${1:-$HOME/.cache/cuefinder/demo/catalog}
name=$(basename "$(dirname "$(realpath "$cat")")")
dir=$HOME/.cache/cuefinder/eval/similarity
mkdir -p "$dir"
nice -n 10 node "$here/dump.mjs" "$cat" --shard 0/2 > "$dir/$name.shard0.log" 2>&1 &
p0=$!
nice -n 10 node "$here/dump.mjs" "$cat" --shard 1/2 > "$dir/$name.shard1.log" 2>&1 &
p1=$!
wait $p0 $p1
cat "$dir/$name.shard0.jsonl" "$dir/$name.shard1.jsonl" > "$dir/$name.jsonl"
echo "$dir/$name.jsonl: $(wc -l < "$dir/$name.jsonl") tracks"
