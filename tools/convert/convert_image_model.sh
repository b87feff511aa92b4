#!/bin/bash
# Regenerates models/mobilenet-v2/ from the upstream MobileNet (reproducible bytes).
#   bash tools/convert/convert_image_model.sh UPSTREAM_IMAGE_MODELS
# UPSTREAM_IMAGE_MODELS: a folder with mobilenet_v2_1.0_224_quant.tflite, imagenet_labels.txt and
# LICENSE-coral-test-data.txt from google-coral/test_data @104342d
# (https://github.com/google-coral/test_data, Apache-2.0); not in this repository.
set -euo pipefail
usage="usage: bash tools/convert/convert_image_model.sh UPSTREAM_IMAGE_MODELS"
help="UPSTREAM_IMAGE_MODELS: a folder with mobilenet_v2_1.0_224_quant.tflite, imagenet_labels.txt and
LICENSE-coral-test-data.txt from google-coral/test_data @104342d (https://github.com/google-coral/test_data)"
if [ $# -ne 1 ]; then printf '%s\n%s\n' "$usage" "$help" >&2; exit 2; fi
S="$(cd "$1" 2>/dev/null && pwd)" || { printf '%s: no such folder\n%s\n' "$1" "$help" >&2; exit 2; }
for f in mobilenet_v2_1.0_224_quant.tflite imagenet_labels.txt LICENSE-coral-test-data.txt; do
  [ -f "$S/$f" ] || { printf '%s: no %s in it\n%s\n' "$1" "$f" "$help" >&2; exit 2; }
done
cd "$(dirname "$0")/../.."
/usr/bin/python3 tools/convert/tflite2onnx.py "$S/mobilenet_v2_1.0_224_quant.tflite" models/mobilenet-v2 \
  --labels "$S/imagenet_labels.txt" --license-file "$S/LICENSE-coral-test-data.txt" \
  --source "google-coral/test_data@104342d mobilenet_v2_1.0_224_quant.tflite" \
  --license "Apache-2.0 (google-coral/test_data)"
