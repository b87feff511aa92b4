#!/usr/bin/python3
"""image_model_photos: real photos from Debian packages -> 224x224 uint8 inputs + the TFLite
reference outputs (tools/convert/tflite_ref.py) for the MobileNet v2 check.

Usage:
    /usr/bin/python3 tools/eval/image_model_photos.py --upstream UPSTREAM_IMAGE_MODELS [--work DIR] [--fetch]
        --upstream  the folder holding mobilenet_v2_1.0_224_quant.tflite and imagenet_labels.txt from
                  google-coral/test_data @104342d (https://github.com/google-coral/test_data,
                  Apache-2.0); not in this repository
        --fetch   apt-get download the packages below and unpack them into DIR/pkgs
        --write-fixtures  also rewrite tests/data/image_model/ (the two CC0 photos)
        writes    DIR/model_qlinear.onnx (measured only), DIR/bins/<id>.bin (uint8 [224,224,3] RGB), DIR/photos.json (metadata, the
                  reference's uint8 probabilities and logits per photo, both with TFLite's
                  default double rounding (ref_*) and with TFLITE_SINGLE_ROUNDING (ref1_*))
    then: node tools/eval/image_model_eval.mjs [--work DIR]   (ONNX Runtime Web + the report)

DIR defaults to ~/.cache/cuefinder/image-photos. Needs python3-pil, python3-numpy, python3-onnx.

Preprocessing (the same for every variant): decode, convert to RGB, crop the central square,
resize to 224x224 with PIL's BILINEAR filter (which low-pass filters when shrinking), keep the
uint8 bytes. MobileNet's TFLite input quantization (scale 1/128, zero point 128) maps them to
[-1, 1) inside the model.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
from PIL import Image

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "convert"))
import onnx  # noqa: E402
from tflite2onnx import build_onnx_qlinear, read_tflite  # noqa: E402
from tflite_ref import Interpreter  # noqa: E402

MODEL_FILE = "mobilenet_v2_1.0_224_quant.tflite"
LABELS_FILE = "imagenet_labels.txt"
SKIMAGE = "usr/lib/python3/dist-packages/skimage/data/"

# id, Debian package, path inside it, what it shows, license (from the package's copyright
# file or, for scikit-image, the docstring of the data function)
PHOTOS = [
    ("cat", "python3-skimage", SKIMAGE + "chelsea.png", "tabby cat (Chelsea)",
     "CC0, Stefan van der Walt (skimage.data.chelsea)"),
    ("coffee", "python3-skimage", SKIMAGE + "coffee.png", "espresso cup on a saucer",
     "CC0, Rachel Michetti (skimage.data.coffee)"),
    ("rocket", "python3-skimage", SKIMAGE + "rocket.jpg", "Falcon 9 on the launch pad",
     "public domain, SpaceX (skimage.data.rocket)"),
    ("bird", "lomiri-wallpapers-20.04", "usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg",
     "nuthatch on a tree trunk", "CC-BY-SA-3.0, Lukas Baubkus"),
    ("dogs", "lomiri-wallpapers-16.04", "usr/share/backgrounds/friends_by_Aitzol_Berasategi.jpg",
     "two dogs at a wooden door", "CC-BY-4.0, Aitzol Berasategi"),
    ("mountains", "lomiri-wallpapers-16.04",
     "usr/share/backgrounds/picosdeeuropa_by_Aitzol_Berasategi.jpg",
     "Picos de Europa, mountain path", "CC-BY-4.0, Aitzol Berasategi"),
    ("ladybird", "mate-backgrounds", "usr/share/backgrounds/mate/nature/LadyBird.jpg",
     "ladybird on a leaf, flowers", "GPL-2+, Charles Barbin"),
    ("flower", "mate-backgrounds", "usr/share/backgrounds/mate/nature/YellowFlower.jpg",
     "yellow daisy-like flower", "GPL-2+, Charles Barbin"),
    ("dune", "mate-backgrounds", "usr/share/backgrounds/mate/nature/Dune.jpg",
     "dune grass in front of the sea", "GPL-2+, Marco Cogoni, Hylke Bons"),
    ("lake", "plasma-workspace-wallpapers",
     "usr/share/wallpapers/EveningGlow/contents/images/1920x1080.jpg",
     "rowing boats on a lake shore at sunset", "GPL-2+, KDE Visual Design Group"),
    ("forest", "plasma-workspace-wallpapers",
     "usr/share/wallpapers/Path/contents/images/1920x1080.jpg", "path through a pine forest",
     "GPL-2+, KDE Visual Design Group"),
]


def fetch(pkg_dir):
    os.makedirs(pkg_dir, exist_ok=True)
    debs = os.path.join(pkg_dir, "debs")
    os.makedirs(debs, exist_ok=True)
    pkgs = sorted({p[1] for p in PHOTOS})
    subprocess.run(["apt-get", "download", *pkgs], cwd=debs, check=True)
    for f in sorted(os.listdir(debs)):
        if f.endswith(".deb"):
            subprocess.run(["dpkg-deb", "-x", os.path.join(debs, f), pkg_dir], check=True)


def preprocess(path, size=224):
    im = Image.open(path).convert("RGB")
    w, h = im.size
    s = min(w, h)
    left, top = (w - s) // 2, (h - s) // 2
    im = im.crop((left, top, left + s, top + s)).resize((size, size), Image.BILINEAR)
    return np.asarray(im, np.uint8), (w, h)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--upstream", metavar="UPSTREAM_IMAGE_MODELS",
                   help=f"folder with {MODEL_FILE} and {LABELS_FILE} (google-coral/test_data @104342d, "
                        "https://github.com/google-coral/test_data); not in this repository")
    p.add_argument("--work", default=os.path.expanduser("~/.cache/cuefinder/image-photos"))
    p.add_argument("--fetch", action="store_true")
    p.add_argument("--write-fixtures", action="store_true",
                   help="rewrite tests/data/image_model/ (cat, coffee: CC0) from this run")
    args = p.parse_args(argv)
    if not args.upstream or not os.path.isfile(os.path.join(args.upstream, MODEL_FILE)):
        p.error(f"--upstream: need a folder with {MODEL_FILE} and {LABELS_FILE} "
                "(google-coral/test_data @104342d, https://github.com/google-coral/test_data)")
    model_path = os.path.join(args.upstream, MODEL_FILE)
    labels_path = os.path.join(args.upstream, LABELS_FILE)
    pkg_dir = os.path.join(args.work, "pkgs")
    if args.fetch:
        fetch(pkg_dir)
    os.makedirs(os.path.join(args.work, "bins"), exist_ok=True)
    model = read_tflite(model_path)
    # the third variant (explicit QLinearConv + com.microsoft ops) is measured, not shipped
    onnx.save(build_onnx_qlinear(model), os.path.join(args.work, "model_qlinear.onnx"))
    labels = open(labels_path).read().splitlines()
    logits_idx = next(op["inputs"][0] for op in model["operators"] if op["op"] == "SOFTMAX")
    out = []
    for pid, pkg, rel, what, lic in PHOTOS:
        src = os.path.join(pkg_dir, rel)
        if not os.path.exists(src):
            print(f"image_model_photos: {src} missing (run with --fetch)", file=sys.stderr)
            return 1
        img, (w, h) = preprocess(src)
        bin_path = os.path.join(args.work, "bins", pid + ".bin")
        img.tofile(bin_path)
        it = Interpreter(model)
        t0 = time.perf_counter()
        prob = it.run(img).reshape(-1)
        dt = time.perf_counter() - t0
        logits = it.values[logits_idx].reshape(-1)
        it1 = Interpreter(model, single_rounding=True)
        prob1 = it1.run(img).reshape(-1)
        logits1 = it1.values[logits_idx].reshape(-1)
        top = np.argsort(-prob.astype(np.int64), kind="stable")[:5]
        print(f"{pid:10s} {dt * 1000:6.0f} ms  " +
              ", ".join(f"{labels[k]} {prob[k] / 256:.3f}" for k in top))
        out.append(dict(id=pid, package=pkg, path=rel, shows=what, license=lic,
                        original_size=[w, h], bin=bin_path, ref_ms=dt * 1000,
                        ref_prob_u8=prob.tolist(), ref_logits_u8=logits.tolist(),
                        ref1_prob_u8=prob1.tolist(), ref1_logits_u8=logits1.tolist()))
    with open(os.path.join(args.work, "photos.json"), "w") as f:
        lq = model["tensors"][logits_idx]["quant"]
        json.dump(dict(model=model_path, labels=labels_path, logits_scale=float(lq["scale"][0]),
                       logits_zero_point=int(lq["zero_point"][0]), photos=out), f)
    if args.write_fixtures:
        write_fixtures(out, float(lq["scale"][0]), int(lq["zero_point"][0]))
    return 0


def write_fixtures(photos, logits_scale, logits_zero_point):
    fix_dir = os.path.join(ROOT, "tests", "data", "image_model")
    os.makedirs(fix_dir, exist_ok=True)
    exp = {"description": "TFLite reference outputs (tools/convert/tflite_ref.py) of "
                          "mobilenet_v2_1.0_224_quant.tflite for the fixture inputs; uint8, "
                          "probability = value/256, logits = (value - logits_zero_point) * "
                          "logits_scale",
           "logits_scale": logits_scale, "logits_zero_point": logits_zero_point, "fixtures": []}
    for p in photos:
        if p["id"] not in ("cat", "coffee"):
            continue
        name = p["id"] + ".rgb224.bin"
        with open(p["bin"], "rb") as f, open(os.path.join(fix_dir, name), "wb") as g:
            g.write(f.read())
        exp["fixtures"].append({
            "file": name, "source": f"{p['package']}: {p['path']}", "license": p["license"],
            "preprocessing": "RGB, central square crop, PIL BILINEAR resize to 224x224, uint8 HWC",
            "prob_u8": p["ref_prob_u8"], "logits_u8": p["ref_logits_u8"],
            "prob_u8_single_rounding": p["ref1_prob_u8"],
            "logits_u8_single_rounding": p["ref1_logits_u8"]})
    with open(os.path.join(fix_dir, "expected.json"), "w") as f:
        f.write(json.dumps(exp) + "\n")


if __name__ == "__main__":
    sys.exit(main())
