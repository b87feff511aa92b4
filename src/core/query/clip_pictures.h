// cuefinder core — a clip's shots → picture queries: each chosen shot's keyframe through the image
// model and the text matcher (prepare_picture), one after another, into ClipReading::shots[i].picture.
// The one pipeline the CLI binding (suggest_api.cpp) and the app session (video_model.cpp) use.
//
//   auto clip = std::make_shared<cf::query::ClipReading>(cf::query::clip_reading(analysis.shots));
//   cf::query::read_shot_pictures(clip, analysis.keyframes, labels, embedder, search, {},
//                                 [&] { return request == current; },
//                                 [&](cf::Status s) { if (s) rank(*clip); else show(s.message()); });
//
// Which shots: at most max_shots, the longest first (a 40-shot trailer classifies its 12 longest; the
// ranking weighs shots by length, so short ones matter least). `done` is called once, unless
// still_wanted answers false between steps (then the chain stops quietly). `clip` is shared, the keyframes
// are moved in; `labels`, `embedder` and `search` must outlive the chain while still_wanted is true.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/image/image.h"
#include "core/query/picture_query.h"
#include "core/query/soundtrack.h"

namespace cf::query {

struct ShotPictureOptions {
    PictureOptions picture;
    size_t max_shots = 12;  ///< shots classified, the longest first (1..1000)
};

/// The shots read_shot_pictures classifies, longest first (ties: earlier first), at most max_shots.
std::vector<size_t> shots_to_classify(const ClipReading& clip, size_t max_shots);

/// Errors through `done`: keyframes not one per shot, an empty keyframe, the model's errors (named
/// "shot N (12.3 s)").
void read_shot_pictures(std::shared_ptr<ClipReading> clip, std::vector<Image> keyframes,
                        const std::vector<std::string>& labels, Embedder& embedder, semantic::SemanticSearch& search,
                        const ShotPictureOptions& options, std::function<bool()> still_wanted,
                        std::function<void(Status)> done);

}  // namespace cf::query
