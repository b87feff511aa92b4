// cuefinder core — is this model file the one its manifest describes? Every model is checked against
// the sha256 of its manifest (models/<name>/manifest.json) before it is loaded, in Node and in the
// page; the front ends stream the bytes through cf::Sha256 and ask here (src/bindings/web/
// model_check_api.cpp, called by web/ort_bridge.mjs).
//
//   cf::Sha256 h;  h.update(bytes, n);
//   cf::Status s = cf::check_model_sha256("models/msd-musicnn-1/model.onnx", manifest_sha256, h.hex_digest());
//   if (!s) show(s.message());   // "models/msd-musicnn-1/model.onnx: sha256 mismatch: ..."
#pragma once

#include <string_view>

#include "core/common/status.h"

namespace cf {

/// ok when `actual_sha256_hex` equals `expected_sha256_hex` (hex, either case). Errors name `file`:
/// invalid_argument when the manifest records no well-formed sha256 (an unverifiable model is not
/// loaded), corrupt on a mismatch.
Status check_model_sha256(std::string_view file, std::string_view expected_sha256_hex,
                          std::string_view actual_sha256_hex);

}  // namespace cf
