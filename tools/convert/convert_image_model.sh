#!/bin/bash
# Regenerates models/mobilenet-v2/ from ../shared/models/image/ (reproducible bytes).
#   bash tools/convert/convert_image_model.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
S="${CF_SHARED_DIR:-../shared}/models/image"
/usr/bin/python3 tools/convert/tflite2onnx.py "$S/mobilenet_v2_1.0_224_quant.tflite" models/mobilenet-v2 \
  --labels "$S/imagenet_labels.txt" --license-file "$S/LICENSE-coral-test-data.txt" \
  --source "google-coral/test_data@104342d mobilenet_v2_1.0_224_quant.tflite (via ../shared/models/image/)" \
  --license "Apache-2.0 (google-coral/test_data)"
