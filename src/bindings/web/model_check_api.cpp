// C entry points that check a model file against its manifest's sha256 before ONNX Runtime loads it
// (web/ort_bridge.mjs, checkModelBytes; linked into cuefinder_node and cuefinder_app).
// The hashing (cf::Sha256) and the verdict with its message (cf::check_model_sha256) are the core's.
//
//   _cf_sha256_begin();
//   for each chunk: HEAPU8.set(chunk, p); _cf_sha256_update(p, chunk.length);
//   if (_cf_model_check(file, expected_hex) < 0) throw new Error(UTF8ToString(_cf_error()));   // abi.h
//
// One hash at a time per module instance: JS runs begin → update… → check without yielding.
#include <emscripten.h>

#include <cstdint>
#include <string>

#include "core/common/sha256.h"
#include "core/model/model_check.h"
#include "bindings/web/abi.h"
#include "bindings/web/exports.h"

namespace {

struct CheckState {
    cf::Sha256 hash;
};

CheckState& state() {
    static CheckState s;
    return s;
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void cf_sha256_begin() { state().hash = cf::Sha256(); }

EMSCRIPTEN_KEEPALIVE void cf_sha256_update(const uint8_t* bytes, double n_bytes) {
    state().hash.update(bytes, static_cast<size_t>(n_bytes));
}

/// 0 when the bytes hashed since cf_sha256_begin match `expected_hex`; else -1 and cf_error() says why,
/// naming `file`.
EMSCRIPTEN_KEEPALIVE int cf_model_check(const char* file, const char* expected_hex) {
    const cf::Status s = cf::check_model_sha256(file, expected_hex, state().hash.hex_digest());
    return s.is_ok() ? 0 : cf::bindings::fail(s.message());
}

}  // extern "C"
