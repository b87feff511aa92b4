#!/usr/bin/env bash
# Converts the Essentia MusiCNN TF.js models (UPSTREAM_AUDIO_MODELS: a folder outside the repository,
# one sub-folder per model; the script says where to get them) to models/<name>/model.onnx plus
# models/<name>/manifest.json, and copies the model license. Reproducible: running it twice writes
# the same bytes. Needs Debian's python3-onnx and python3-numpy (use /usr/bin/python3).
#   bash tools/convert/convert_models.sh UPSTREAM_AUDIO_MODELS [--only NAME] [--out DIR] [--fold-affine-matmul]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec /usr/bin/python3 "$here/convert_models.py" "$@"
