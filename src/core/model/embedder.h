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

struct ModelRequest {
    std::string model;                 ///< folder name under models/, e.g. "msd-musicnn-1"
    std::vector<float> input;          ///< row-major input (the model's "mel" input)
    std::vector<int64_t> input_shape;  ///< e.g. {n_patches, 187, 96}
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
