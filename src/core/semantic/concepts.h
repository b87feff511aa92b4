// cuefinder core — the words of the audio models: what each tag and mood means as text.
//
//   std::vector<cf::semantic::Concept> c = cf::semantic::audio_concepts(msd_labels, mtt_labels);
//   // c[i].set == "msd", c[i].label == "00s", c[i].words == "2000s"
//   std::vector<std::string> prompts = cf::semantic::concept_prompts(c[i]);   // sentences to embed
//   std::vector<std::string> q = cf::semantic::query_prompts("calm piano for a rainy evening");
//
// A concept is one output of an audio model (an MSD or MTT tag, or one of the five mood models):
// the text bridge (core/semantic/text_matcher.h) compares a query's sentence embedding with the
// embedding of each concept's words. Labels are cleaned into words a sentence encoder understands
// ("00s" → "2000s", "rnb" → "rhythm and blues"); the negated MTT tags ("no vocals", "no voice") are
// sent as "instrumental" because a sentence encoder puts "no vocals" next to "vocals".
// The prompt templates were chosen on the labelled set (docs/benchmarks/zeroshot.md).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cf::semantic {

struct Concept {
    std::string set;    ///< "msd", "mtt" or "mood"
    std::string label;  ///< the model's label, e.g. "female vocalists", or the mood name "relaxed"
    std::string words;  ///< what is embedded, e.g. "female vocals"
    /// "msd:rock" — the key the catalog's tag section uses (core/catalog/catalog.h).
    std::string key() const { return set + ":" + label; }
};

/// The words for a model label (see the table in concepts.cpp); unknown labels are lower-cased.
std::string concept_words(std::string_view set, std::string_view label);

/// MSD labels, then MTT labels, then the five moods (core/catalog/catalog.h kMoodNames), in order.
std::vector<Concept> audio_concepts(std::span<const std::string> msd_labels, std::span<const std::string> mtt_labels);

/// The sentences embedded for a concept; its embedding is their normalised mean.
std::vector<std::string> concept_prompts(const Concept& c);
/// The sentences embedded for a free-text query (whitespace-trimmed); same averaging.
std::vector<std::string> query_prompts(std::string_view text);

/// An ImageNet class line ("seashore, coast, seacoast, sea-coast") → its first name ("seashore").
std::string imagenet_words(std::string_view label);

/// Splits "piano, waltz , rainy evening" at commas into trimmed, non-empty labels (at most
/// `max_labels`; the rest are dropped).
std::vector<std::string> split_labels(std::string_view text, size_t max_labels = 32);

}  // namespace cf::semantic
