// cuefinder core — the model seam: running a neural network on feature patches.
//
//   cf::ModelRequest request;
//   request.model = "msd-musicnn-1";
//   request.input = std::move(patches.values);             // [n × 187 × 96]
//   request.input_shape = {int64_t(patches.n_patches), 187, 96};
//   request.outputs = {"activations", "embedding"};
//   embedder.run(std::move(request), [](cf::Result<cf::ModelOutputs> out) {
//       if (!out) { report(out.status().message()); return; }
//       const cf::ModelTensor& tags = out->at("activations");   // [n × 50]
//   });
//   // A model with named or integer inputs (the sentence encoder):
//   request.inputs = {{"indices", cf::ModelInput::Type::int32, {}, ids_2d, {}, {n, 2}}, ...};
//
// The core never runs a network itself: it hands patches to an Embedder and gets the outputs back
// later, through the callback. The browser and Node implementation (src/platform/web/) runs ONNX
// Runtime Web in its own WebAssembly instance and calls back from the JS event loop, so the caller's
// frame loop never blocks; a test implementation may call back at once. Models are identified by the
// name of their folder under models/ (models/<name>/manifest.json); any model with the same input
// contract can fill a slot (see models/README.md).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace cf {

struct ModelTensor {
    std::vector<float> values;   ///< row-major
    std::vector<int64_t> shape;  ///< e.g. {n_patches, 50}
    size_t n_rows() const { return shape.empty() ? 0 : size_t(shape[0]); }
    size_t row_size() const { return n_rows() == 0 ? 0 : values.size() / n_rows(); }
    const float* row(size_t i) const { return values.data() + i * row_size(); }
};

/// Output name → tensor.
using ModelOutputs = std::map<std::string, ModelTensor>;

/// One named input of a model with several inputs or a non-float input (the sentence encoder's
/// int32 token indices and ids, the image model's uint8 pixels). Exactly one of the value vectors
/// is used, the one `type` names.
struct ModelInput {
    enum class Type { float32, int32, uint8 };
    std::string name;                 ///< the model's input name, e.g. "indices"
    Type type = Type::float32;
    std::vector<float> f32;
    std::vector<int32_t> i32;
    std::vector<uint8_t> u8;
    std::vector<int64_t> shape;       ///< e.g. {n_tokens, 2}
    size_t size() const { return type == Type::float32 ? f32.size() : type == Type::int32 ? i32.size() : u8.size(); }
};

struct ModelRequest {
    std::string model;                 ///< folder name under models/, e.g. "msd-musicnn-1"
    std::vector<float> input;          ///< row-major input (the model's only, float input: "mel")
    std::vector<int64_t> input_shape;  ///< e.g. {n_patches, 187, 96}
    /// Named inputs instead of `input`/`input_shape` (used when non-empty).
    std::vector<ModelInput> inputs;
    std::vector<std::string> outputs;  ///< output names wanted, e.g. {"activations", "embedding"}
};

using ModelCallback = std::function<void(Result<ModelOutputs>)>;

class Embedder {
public:
    virtual ~Embedder() = default;
    /// Starts `request`; `done` is called exactly once, later or (test implementations) right away,
    /// with every requested output or an error naming the model. Never throws.
    virtual void run(ModelRequest request, ModelCallback done) = 0;
};

}  // namespace cf
