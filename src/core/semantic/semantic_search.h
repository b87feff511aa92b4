// cuefinder core — text and pictures → the catalog's music: the pieces of core/semantic wired to a
// catalog and a model runner (used by the app, `./cuefinder search --text/--image` and `tag`).
//
//   cf::semantic::SemanticSearch s(embedder, std::move(tokenizer));
//   s.attach(catalog, cf::semantic::audio_concepts(msd_labels, mtt_labels), [&](cf::Status st) { ... });
//   // once ready():
//   s.embed({"calm piano for a rainy evening"}, [&](cf::Result<std::vector<float>> q) {
//       auto p = s.matcher().prepare(*q, cf::semantic::TextMethod::ensemble);   // scores of every track
//   });
//
// attach() embeds every concept's prompts in one model run (105 concepts × 3 templates for the musicnn
// models) and fits the matcher on the catalog's concept values (its TAGP tag probabilities and moods;
// a catalog without TAGP has only its tracks' top MSD tags and moods) and embeddings.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/semantic/concepts.h"
#include "core/semantic/text_encoder.h"
#include "core/semantic/text_matcher.h"

namespace cf::semantic {

/// The catalog's concept values, size() × concepts.size(), NaN where unknown: TAGP probabilities by
/// key ("msd:rock"), else the track's top MSD tags (tags not among them: 0); moods from TrackMeta.
std::vector<float> catalog_concept_values(const Catalog& catalog, const std::vector<Concept>& concepts);

/// An analysed item's concept values: `lookup(set, label)` returns its probability or NaN.
std::vector<float> item_concept_values(const std::vector<Concept>& concepts,
                                       const std::function<float(const std::string& set, const std::string& label)>& lookup);

class SemanticSearch {
public:
    SemanticSearch(Embedder& embedder, text::SentencePieceTokenizer tokenizer, TextMatcherOptions options = {});
    ~SemanticSearch();

    /// Embeds the concepts (once; reused for later catalogs with the same concepts) and fits the
    /// matcher on `catalog` (read now, not kept). `done` is called once, later or at once.
    void attach(const Catalog& catalog, std::vector<Concept> concepts, std::function<void(Status)> done);
    /// The same from raw data (evaluations): N × C concept values, N × dim audio embeddings.
    void attach_values(std::vector<Concept> concepts, std::vector<float> values, size_t n_tracks, std::vector<float> audio,
                       size_t audio_dim, std::function<void(Status)> done);
    bool ready() const { return matcher_.has_value(); }
    const TextMatcher& matcher() const;

    /// One unit vector per text (n × kTextDim): the normalised mean of its query prompts' embeddings.
    void embed(std::vector<std::string> texts, TextEncoder::Callback done);
    TextEncoder& encoder() { return encoder_; }

private:
    void embed_concepts(std::vector<Concept> concepts, std::function<void(Status)> then);

    TextEncoder encoder_;
    TextMatcherOptions options_;
    std::vector<Concept> concepts_;           ///< whose embeddings are cached
    std::vector<float> concept_embeddings_;   ///< concepts_.size() × kTextDim
    std::optional<TextMatcher> matcher_;
    std::shared_ptr<int> alive_;              ///< callbacks check it: this object still exists
};

}  // namespace cf::semantic
