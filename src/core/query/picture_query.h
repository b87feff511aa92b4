// cuefinder core — a picture → a query: decode, the image model's classes, their words through the
// text matcher ("sees") and the colours' moods ("feels"). One helper for the app, the CLI and (next)
// video shots; the result goes into MixedQuery::picture (query_engine.h).
//
//   cf::query::prepare_picture(*cf::decode_image(bytes, "beach.jpg"), "beach.jpg", image_labels, embedder,
//                              semantic_search, {}, /*still_wanted=*/[&] { return request == current; },
//                              [&](cf::Result<cf::query::PictureQuery> p) {
//                                  if (!p) return show_error(p.status().message());
//                                  query.picture = std::move(*p);  // p->explanation(): "sees: …; feels: …"
//                              });
//
// Asynchronous like SemanticSearch: two model runs (the image model, then the sentence encoder on the
// class words); `done` is called exactly once (at once for an immediate error), unless `still_wanted`
// answers false between the steps: then the chain stops quietly (a newer picture replaced this one,
// or the caller is gone). `search` and `embedder` must outlive the chain while still_wanted is true.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/image/image.h"
#include "core/model/embedder.h"
#include "core/query/query_engine.h"
#include "core/semantic/semantic_search.h"

namespace cf::query {

struct PictureOptions {
    semantic::TextMethod method = semantic::TextMethod::ensemble;  ///< how "sees" is prepared
    size_t n_classes = 3;              ///< image classes whose words are embedded
    /// Each class's words weigh max(prob, this) in the "sees" embedding (a class of probability 0 still
    /// counts a little, so three near-zero classes still make a direction).
    float min_class_weight = 1e-6f;
};

using PictureCallback = std::function<void(Result<PictureQuery>)>;

/// Prepares `image` (already decoded) as a picture query named `name`. `labels`: the image model's
/// class lines (models/mobilenet-v2/labels.txt). Errors: no labels, the text matcher not ready, the
/// model's and the encoder's errors (as they come: the caller adds the picture's name).
void prepare_picture(const Image& image, std::string name, const std::vector<std::string>& labels, Embedder& embedder,
                     semantic::SemanticSearch& search, const PictureOptions& options, std::function<bool()> still_wanted,
                     PictureCallback done);

/// The same from the file's bytes: a decoding error is reported through `done` at once.
void prepare_picture(std::span<const uint8_t> bytes, std::string name, const std::vector<std::string>& labels,
                     Embedder& embedder, semantic::SemanticSearch& search, const PictureOptions& options,
                     std::function<bool()> still_wanted, PictureCallback done);

}  // namespace cf::query
