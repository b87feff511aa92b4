// Native builds have no model runtime (Debian has no ONNX Runtime package): the core and its tests
// run natively, the models run in ONNX Runtime Web (WASM builds, src/platform/web/ort_embedder.cpp).
#include "platform/embedder.h"

namespace cf::platform {

namespace {

class UnavailableEmbedder final : public Embedder {
public:
    void run(ModelRequest request, ModelCallback done) override {
        done(Status(ErrorCode::unsupported_format,
                    "model " + request.model + ": no inference runtime in native builds (models run in ONNX Runtime Web; use the WASM build)"));
    }
};

}  // namespace

std::unique_ptr<Embedder> make_embedder() { return std::make_unique<UnavailableEmbedder>(); }
bool embedder_available() { return false; }

}  // namespace cf::platform
