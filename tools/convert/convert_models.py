#!/usr/bin/python3
"""Converts the seven Essentia MusiCNN TF.js models to models/<name>/{model.onnx,manifest.json}.

Usage (from the repo root; normally through tools/convert/convert_models.sh):
    /usr/bin/python3 tools/convert/convert_models.py UPSTREAM_AUDIO_MODELS [--out DIR] [--only NAME]
        [--fold-affine-matmul] [--no-affine-after-pool]

UPSTREAM_AUDIO_MODELS is the folder of the upstream TF.js models (one sub-folder per model, named as
in MODELS below); they are not in this repository (see UPSTREAM_HELP for where to get them).

Deterministic: the same inputs give byte-identical model.onnx and manifest.json files.
"""

import argparse
import ast
import hashlib
import json
import os
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tfjs2onnx  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

UPSTREAM_HELP = """The upstream Essentia MusiCNN models in TF.js form (one folder per model with model.json,
its weight shards and labels.json) are not part of this repository (licence: non-commercial, see
models/README.md). Get them from https://essentia.upf.edu/models/ (the "-tfjs" downloads), or from
MTG/essentia.js examples (msd, moods) and gilpanal/b8b_synapse (mtt); each models/<name>/manifest.json
lists the sha256 of the upstream files ("upstream_sha256")."""

LICENSE = "CC BY-NC-ND 4.0, non-commercial; UPF; converted format only, weights unaltered"
LICENSE_FILE = "LICENSE-essentia-models.txt"
ESSENTIAJS = "MTG/essentia.js@819c00e"
MOOD_DIR = "examples/demos/mood-classifiers/models"

# name -> (upstream path, labels (None: read labels.json), positive_index, task)
MODELS = {
    "msd-musicnn-1": (f"{ESSENTIAJS} examples/starter-code/autotagging/models/msd-musicnn-1",
                      None, None, "50 Last.fm / Million Song Dataset tags (multi-label)"),
    "mtt-musicnn-1": ("gilpanal/b8b_synapse@085722a (Essentia mtt-musicnn-1 in TF.js form)",
                      None, None, "50 MagnaTagATune tags (multi-label)"),
    "danceability-musicnn-msd-2": (f"{ESSENTIAJS} {MOOD_DIR}/danceability-musicnn-msd-2",
                                   ["danceable", "not_danceable"], 0, "danceability"),
    "mood_aggressive-musicnn-msd-2": (f"{ESSENTIAJS} {MOOD_DIR}/mood_aggressive-musicnn-msd-2",
                                      ["aggressive", "not_aggressive"], 0, "mood: aggressive"),
    "mood_happy-musicnn-msd-2": (f"{ESSENTIAJS} {MOOD_DIR}/mood_happy-musicnn-msd-2",
                                 ["happy", "non_happy"], 0, "mood: happy"),
    "mood_relaxed-musicnn-msd-2": (f"{ESSENTIAJS} {MOOD_DIR}/mood_relaxed-musicnn-msd-2",
                                   ["non_relaxed", "relaxed"], 1, "mood: relaxed"),
    "mood_sad-musicnn-msd-2": (f"{ESSENTIAJS} {MOOD_DIR}/mood_sad-musicnn-msd-2",
                               ["non_sad", "sad"], 1, "mood: sad"),
}

FEATURE_RECIPE = {
    "description": "Essentia 'musicnn' log-mel patches, as essentia.js 0.1.3 "
                   "EssentiaTFInputExtractor('musicnn') computes them",
    "sample_rate_hz": 16000,
    "channels": "mono",
    "frame_size_samples": 512,
    "hop_size_samples": 256,
    "window": "hann (symmetric, not normalised)",
    "spectrum": "magnitude of a 512-point real FFT (257 bins)",
    "mel_bands": 96,
    "mel_scale": "slaney",
    "mel_low_hz": 0,
    "mel_high_hz": 8000,
    "band_energy": "sum of magnitude^2 x unit-area triangle weight",
    "compression": "log10(1 + 10000 * x)",
    "patch_frames": 187,
    "reference": "tests/data/golden/RECIPE.md (filterbank and edges: essentiajs_melfb_96x257.f32)",
}


def read_labels(path):
    text = open(path, encoding="utf-8").read()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        # mtt-musicnn-1's labels.json upstream is a Python list literal (single quotes).
        return list(ast.literal_eval(text))


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def convert_one(name, src_root, out_root, fold_affine_matmul, affine_after_pool):
    upstream, labels, positive_index, task = MODELS[name]
    src = os.path.join(src_root, name)
    with open(os.path.join(src, "model.json"), encoding="utf-8") as f:
        node_names = {n["name"] for n in json.load(f)["modelTopology"]["node"]}
    outputs = [("activations", "model/Sigmoid")]
    if "model/dense/Relu" in node_names:
        outputs += [("embedding", "model/dense/Relu"),
                    ("embedding_linear", "model/dense/Relu:preact")]
    model, stats = tfjs2onnx.convert_model(src, [("mel", "model/Placeholder")], outputs,
                                           opset=17, fold_affine_matmul=fold_affine_matmul,
                                           affine_after_pool=affine_after_pool)
    data = model.SerializeToString()
    out_dir = os.path.join(out_root, name)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "model.onnx"), "wb") as f:
        f.write(data)
    if labels is None:
        labels = read_labels(os.path.join(src, "labels.json"))
    shapes = {o.name: [d.dim_param and -1 or d.dim_value for d in o.type.tensor_type.shape.dim]
              for o in model.graph.output}
    n_classes = shapes["activations"][1]
    if len(labels) != n_classes:
        raise SystemExit(f"{name}: {len(labels)} labels but {n_classes} outputs")
    meaning = {
        "activations": (f"model/Sigmoid: per-class sigmoid probabilities, {task}; "
                        "order = labels" + ("" if positive_index is None else
                                            f"; positive class = labels[{positive_index}]")),
        "embedding": "model/dense/Relu: 200-d ReLU output of the first dense layer after pooling "
                     "(golden msd_embedding for msd-musicnn-1)",
        "embedding_linear": "pre-ReLU output of the same dense layer (dense/kernel, dense/bias; "
                            "Essentia's model/dense/BiasAdd; golden msd_embedding_prerelu)",
    }
    upstream_files = {}
    for fn in sorted(os.listdir(src)):
        upstream_files[fn] = sha256_file(os.path.join(src, fn))
    manifest = {
        "name": name,
        "file": "model.onnx",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "source": upstream,
        "upstream_sha256": upstream_files,
        "license": LICENSE,
        "license_file": f"../{LICENSE_FILE}",
        "input": {"name": "mel", "shape": [-1, 187, 96], "dtype": "float32"},
        "outputs": [{"name": o, "shape": shapes[o], "dtype": "float32", "meaning": meaning[o]}
                    for o, _ in outputs],
        "feature_recipe": FEATURE_RECIPE,
        "labels": labels,
    }
    if positive_index is not None:
        manifest["positive_index"] = positive_index
    manifest["converter"] = {
        "tool": "tools/convert/tfjs2onnx.py",
        "name": tfjs2onnx.CONVERTER_NAME,
        "version": tfjs2onnx.CONVERTER_VERSION,
        "onnx_opset": 17,
        "onnx_ir_version": model.ir_version,
        "options": {"fold_affine_matmul": fold_affine_matmul,
                    "affine_after_pool": affine_after_pool},
        "command": "bash tools/convert/convert_models.sh UPSTREAM_AUDIO_MODELS",
    }
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{name}: {len(data)} bytes, sha256 {manifest['sha256'][:16]}, outputs "
          f"{[o for o, _ in outputs]}, transposes {stats['transposes']}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("src", nargs="?", metavar="UPSTREAM_AUDIO_MODELS",
                   help="folder of the upstream TF.js models (not in this repository)")
    p.add_argument("--out", default=os.path.join(ROOT, "models"))
    p.add_argument("--only", action="append")
    p.add_argument("--fold-affine-matmul", action="store_true")
    p.add_argument("--no-affine-after-pool", action="store_true")
    args = p.parse_args()
    if not args.src or not os.path.isfile(os.path.join(args.src, "msd-musicnn-1", "model.json")):
        why = f"{args.src}: no msd-musicnn-1/model.json in it" if args.src else "missing UPSTREAM_AUDIO_MODELS"
        p.print_usage(sys.stderr)
        raise SystemExit(f"{why}\n\n{UPSTREAM_HELP}")
    names = args.only or list(MODELS)
    for name in names:
        if name not in MODELS:
            raise SystemExit(f"unknown model '{name}' (known: {', '.join(MODELS)})")
        try:
            convert_one(name, args.src, args.out, args.fold_affine_matmul,
                        not args.no_affine_after_pool)
        except tfjs2onnx.ConversionError as e:
            raise SystemExit(f"{name}: {e}")
    os.makedirs(args.out, exist_ok=True)
    shutil.copyfile(os.path.join(args.src, LICENSE_FILE), os.path.join(args.out, LICENSE_FILE))


if __name__ == "__main__":
    main()
