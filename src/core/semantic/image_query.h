// cuefinder core — a picture as a music query: what it shows (ImageNet classes from MobileNet v2, as
// text through the bridge) and how it feels (colour statistics → moods).
//
//   cf::Image photo = *cf::decode_image(bytes, "beach.jpg");
//   embedder.run(cf::semantic::image_model_request(photo), [&](cf::Result<cf::ModelOutputs> out) {
//       auto classes = cf::semantic::top_image_classes(*out, labels, 3);    // "seashore" 0.61, ...
//       // text for the bridge: classes[i].words, weighted by classes[i].prob (SemanticSearch::embed)
//   });
//   cf::ColourFeel feel = cf::colour_feel(cf::colour_stats(cf::to_model_input(photo, 224)));
//   auto weights = cf::semantic::feel_weights(matcher.concepts(), feel);   // mood concepts ± from 0.5
//   std::string why = cf::semantic::image_explanation(*classes, feel);   // "sees: seashore, sandbar; feels: bright, calm"
#pragma once

#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/image/colour.h"
#include "core/image/image.h"
#include "core/model/embedder.h"
#include "core/semantic/concepts.h"
#include "core/semantic/text_matcher.h"

namespace cf::semantic {

struct ImageClass {
    std::string label;  ///< the ImageNet class line ("seashore, coast, seacoast, sea-coast")
    std::string words;  ///< its first name ("seashore")
    float prob = 0;
};

/// The image model's request: the picture centre-cropped and resized to 224 × 224, uint8 RGB, NHWC
/// [1, 224, 224, 3] as input "image"; output "probabilities" (models/mobilenet-v2/manifest.json).
ModelRequest image_model_request(const Image& image, const std::string& model = "mobilenet-v2");

/// The `k` most probable classes, best first. `labels` are the model's class lines (1001: "background"
/// first, never returned). Errors (io): no "probabilities" output or a size other than labels.size().
Result<std::vector<ImageClass>> top_image_classes(const ModelOutputs& outputs, const std::vector<std::string>& labels,
                                                  size_t k = 3);

/// Mood concept weights for a picture's feel: each mood concept gets feel.moods[m] − 0.5 ("more of"
/// above the middle, "less of" below), scaled so the largest |weight| is 1. Empty when the picture is
/// neutral or `concepts` has no moods.
std::vector<ConceptWeight> feel_weights(const std::vector<Concept>& concepts, const ColourFeel& feel);

/// "sees: seashore, sandbar; feels: bright, warm" (classes with prob ≥ 0.05, at most 3; the feel's
/// description). Either part is left out when empty.
std::string image_explanation(const std::vector<ImageClass>& classes, const ColourFeel& feel);

}  // namespace cf::semantic
