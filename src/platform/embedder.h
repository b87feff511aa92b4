// Platform seam: the Embedder that runs models on this platform. One implementation per platform,
// picked by CMake: src/platform/web/ort_embedder.cpp (ONNX Runtime Web, in Node and browsers) and
// src/platform/native/embedder.cpp (native builds have no inference runtime: every run() answers
// ErrorCode::unsupported_format with a message saying so; native tests use their own Embedder).
#pragma once

#include <memory>

#include "core/model/embedder.h"

namespace cf::platform {

std::unique_ptr<Embedder> make_embedder();

/// True when make_embedder() can run models here.
bool embedder_available();

}  // namespace cf::platform
