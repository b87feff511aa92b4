#include "core/semantic/image_query.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/image/image_ops.h"

namespace cf::semantic {

ModelRequest image_model_request(const Image& image, const std::string& model) {
    Image square = to_model_input(image, 224);
    CF_ASSERT(square.width_px == 224 && square.height_px == 224);
    ModelRequest r;
    r.model = model;
    r.inputs.push_back({"image", ModelInput::Type::uint8, {}, {}, std::move(square.rgb), {1, 224, 224, 3}});
    r.outputs = {"probabilities"};
    return r;
}

Result<std::vector<ImageClass>> top_image_classes(const ModelOutputs& outputs, const std::vector<std::string>& labels, size_t k) {
    auto it = outputs.find("probabilities");
    if (it == outputs.end()) return Status(ErrorCode::io, "image model: no \"probabilities\" output");
    const std::vector<float>& p = it->second.values;
    if (p.size() != labels.size() || p.empty())
        return Status(ErrorCode::io, "image model: " + std::to_string(p.size()) + " class probabilities for " +
                                         std::to_string(labels.size()) + " labels");
    std::vector<size_t> idx(p.size() - 1);
    std::iota(idx.begin(), idx.end(), size_t(1));  // class 0 is "background"
    const size_t m = std::min(k, idx.size());
    std::partial_sort(idx.begin(), idx.begin() + ptrdiff_t(m), idx.end(), [&](size_t a, size_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
    std::vector<ImageClass> out;
    for (size_t i = 0; i < m; ++i) out.push_back({labels[idx[i]], imagenet_words(labels[idx[i]]), std::isfinite(p[idx[i]]) ? p[idx[i]] : 0.0f});
    return out;
}

std::vector<ConceptWeight> feel_weights(const std::vector<Concept>& concepts, const ColourFeel& feel) {
    std::vector<ConceptWeight> out;
    float largest = 0;
    for (uint32_t j = 0; j < concepts.size(); ++j) {
        if (concepts[j].set != "mood") continue;
        for (size_t m = 0; m < kColourMoodNames.size(); ++m)
            if (concepts[j].label == kColourMoodNames[m]) {
                const float w = feel.moods[m] - 0.5f;
                out.push_back({j, w, 0.0f});
                largest = std::max(largest, std::fabs(w));
            }
    }
    if (!(largest > 1e-3f)) return {};
    for (ConceptWeight& w : out) w.weight /= largest;
    return out;
}

std::string image_explanation(const std::vector<ImageClass>& classes, const ColourFeel& feel) {
    std::string sees;
    size_t n = 0;
    for (const ImageClass& c : classes) {
        if (c.prob < 0.05f || n == 3) continue;
        sees += (n++ ? ", " : "") + c.words;
    }
    std::string out;
    if (!sees.empty()) out = "sees: " + sees;
    if (!feel.description.empty()) out += (out.empty() ? "" : "; ") + std::string("feels: ") + feel.description;
    return out;
}

}  // namespace cf::semantic
