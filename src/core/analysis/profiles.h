// cuefinder core — named analysis profiles: what the catalog build, the app's query and
// `./cuefinder analyze` analyse, defined once here. The front ends ask for a profile by name (the app
// in C++, the Node tools through cf_analysis_profile() in src/bindings/web/analysis_api.cpp).
//
//   auto profile = cf::analysis_profile("catalog");        // Result<AnalysisProfile>
//   if (!profile) { report(profile.status().message()); return; }   // "unknown analysis profile ..."
//   std::vector<cf::AudioModel> models = cf::with_profile_caps(*profile, models_from_manifests);
//   cf::TrackAnalyzer analyzer(models, &embedder, profile->options);
//   std::string json = cf::analysis_profile_json(*profile);  // what JS sees
//
// The profiles (docs/benchmarks/windows.md measures the window choices):
//   catalog   building a catalog (many tracks under a time budget): 8 one-patch windows spread over
//             the track, whatever its length; mtt on all 8 with its "embedding" kept per window (the
//             fused similarity space, core/index/space.h), each mood model on 2 (26 model runs).
//   query     a file dropped into the app: 16 one-patch windows (a 16-column taggram, cosine ~0.998 to
//             the full-track embedding) at a bounded cost; mtt on 8, each mood model on 4.
//   (A track shorter than the windows together is analysed completely, see track_analyzer.h.)
//   detailed  `./cuefinder analyze` (and search/tag's FILE): AnalysisOptions' defaults — tracks up to
//             6 minutes analysed completely, longer ones through 16 windows; mtt and moods on 8.
//   quick     first results in seconds (a search while the full analysis runs): 4 one-patch windows
//             (12 s of audio; windows.md: cosine 0.987 mean, 0.971 worst to the full-track embedding)
//             for the embedding, mtt and each mood model on 1 of them (10 model runs,
//             against 44 for query), no tempo, no loudness.
//   catalog-extra  the catalog's 8 windows, msd and mtt on all 8, each tag model's "embedding" and
//             "embedding_linear" kept per patch (AnalysisOptions::extra_outputs): for the similarity
//             evaluation (`./cuefinder analyze --extra-embeddings`), not used by the front ends.
// Every profile: libsamplerate `best`, msd (the embedding model) on every analysed patch; tempo and
// loudness on except in quick.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/analysis/track_analyzer.h"
#include "core/common/status.h"

namespace cf {

/// How many patches each kind of model sees at most (AudioModel::max_patches; 0 = every analysed patch).
struct ModelPatchCaps {
    int embedding_model = 0;  ///< the model that gives the embedding (has_embedding: msd), and the taggram
    int tag_models = 8;       ///< the other tag models (mtt)
    int mood_models = 8;      ///< each mood / danceability model
};

struct AnalysisProfile {
    std::string name;            ///< "catalog", "query", "detailed", "quick"
    AnalysisOptions options;     ///< windows, resampler, tempo, loudness, ...
    ModelPatchCaps max_patches;  ///< per kind of model
};

/// The names of the built-in profiles, in a fixed order.
const std::vector<std::string>& analysis_profile_names();

/// The built-in profile `name`; an unknown name is an invalid_argument error that lists the known ones.
Result<AnalysisProfile> analysis_profile(std::string_view name);

/// Checks the options (validate(AnalysisOptions)) and the caps; the message names the profile, the
/// field and the value. The built-in profiles are checked once, when first looked up.
Status validate(const AnalysisProfile& profile);

/// `models` with each one's max_patches set from the profile's caps (by has_embedding, then role).
std::vector<AudioModel> with_profile_caps(const AnalysisProfile& profile, std::vector<AudioModel> models);

/// The profile as one JSON object: {"name", "full_track_max_s", "n_windows", "window_patches",
/// "max_batch_patches", "tempo", "loudness", "waveform_points", "weight_by_real_frames",
/// "resample_quality" ("fast" | "medium" | "best"), "max_patches": {"embedding", "tags", "mood"}},
/// and "extra_outputs": [...] when the profile asks for some.
std::string analysis_profile_json(const AnalysisProfile& profile);

}  // namespace cf
