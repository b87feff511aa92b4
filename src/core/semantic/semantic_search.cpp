#include "core/semantic/semantic_search.h"

#include <cmath>
#include <unordered_map>
#include <utility>

namespace cf::semantic {

std::vector<float> catalog_concept_values(const Catalog& catalog, const std::vector<Concept>& concepts) {
    const size_t n = catalog.size(), c = concepts.size();
    std::vector<float> values(n * c, std::nanf(""));
    std::unordered_map<std::string, size_t> tagp;
    for (size_t i = 0; i < catalog.tag_labels().size(); ++i) tagp[catalog.tag_labels()[i]] = i;
    std::vector<float> probs(catalog.tag_labels().size());
    for (uint32_t t = 0; t < n; ++t) {
        const TrackMeta& m = catalog.tracks()[t];
        if (!probs.empty()) catalog.tag_probs(t, probs.data());
        float* row = values.data() + size_t(t) * c;
        for (size_t j = 0; j < c; ++j) {
            const Concept& k = concepts[j];
            if (k.set == "mood") {
                for (size_t mi = 0; mi < kNumMoods; ++mi)
                    if (k.label == kMoodNames[mi]) row[j] = m.moods[mi];
            } else if (auto it = tagp.find(k.key()); it != tagp.end()) {
                row[j] = probs[it->second];
            } else if (k.set == "msd" && !m.top_tags.empty()) {
                row[j] = 0.0f;  // not among the track's top tags
                for (const TagScore& s : m.top_tags)
                    if (s.label == k.label) row[j] = s.prob;
            }
        }
    }
    return values;
}

std::vector<float> item_concept_values(const std::vector<Concept>& concepts,
                                       const std::function<float(const std::string&, const std::string&)>& lookup) {
    std::vector<float> out(concepts.size());
    for (size_t j = 0; j < concepts.size(); ++j) out[j] = lookup(concepts[j].set, concepts[j].label);
    return out;
}

SemanticSearch::SemanticSearch(Embedder& embedder, text::SentencePieceTokenizer tokenizer, TextMatcherOptions options)
    : encoder_(embedder, std::move(tokenizer)), options_(options), alive_(std::make_shared<int>(0)) {}

SemanticSearch::~SemanticSearch() = default;

const TextMatcher& SemanticSearch::matcher() const {
    CF_ASSERT(matcher_.has_value());
    return *matcher_;
}

void SemanticSearch::embed_concepts(std::vector<Concept> concepts, std::function<void(Status)> then) {
    bool same = concepts.size() == concepts_.size() && !concept_embeddings_.empty();
    for (size_t i = 0; same && i < concepts.size(); ++i) same = concepts[i].words == concepts_[i].words;
    if (same) {
        then(Status::ok());
        return;
    }
    std::vector<std::string> sentences;
    std::vector<size_t> first;  // per concept: its first sentence
    for (const Concept& c : concepts) {
        first.push_back(sentences.size());
        for (std::string& p : concept_prompts(c)) sentences.push_back(std::move(p));
    }
    first.push_back(sentences.size());
    std::weak_ptr<int> alive = alive_;
    encoder_.encode(std::move(sentences), [this, alive, concepts = std::move(concepts), first, then = std::move(then)](
                                              Result<std::vector<float>> e) mutable {
        if (alive.expired()) return;
        if (!e) {
            then(Status(e.status().code(), "text model: embedding the audio models' tags: " + e.status().message()));
            return;
        }
        concept_embeddings_.clear();
        for (size_t j = 0; j + 1 < first.size(); ++j) {
            const std::vector<float> m = normalized_mean(e->data() + first[j] * kTextDim, first[j + 1] - first[j], kTextDim);
            concept_embeddings_.insert(concept_embeddings_.end(), m.begin(), m.end());
        }
        concepts_ = std::move(concepts);
        then(Status::ok());
    });
}

void SemanticSearch::attach(const Catalog& catalog, std::vector<Concept> concepts, std::function<void(Status)> done) {
    std::vector<float> values = catalog_concept_values(catalog, concepts);
    // The analysis's own embeddings (the space's input), not the similarity space: the projection maps
    // them to words (a learned space lowers zero-shot ROC-AUC, docs/benchmarks/zeroshot.md).
    std::vector<float> audio;
    audio.reserve(catalog.size() * catalog.input_dim());
    for (uint32_t t = 0; t < catalog.size(); ++t) {
        const std::vector<float> e = catalog.input_embedding(t);
        audio.insert(audio.end(), e.begin(), e.end());
    }
    attach_values(std::move(concepts), std::move(values), catalog.size(), std::move(audio), catalog.input_dim(), std::move(done));
}

void SemanticSearch::attach_values(std::vector<Concept> concepts, std::vector<float> values, size_t n_tracks,
                                   std::vector<float> audio, size_t audio_dim, std::function<void(Status)> done) {
    matcher_.reset();
    std::weak_ptr<int> alive = alive_;
    embed_concepts(concepts, [this, alive, values = std::move(values), n_tracks, audio = std::move(audio), audio_dim,
                              done = std::move(done)](Status s) mutable {
        if (alive.expired()) return;
        if (!s) {
            done(s);
            return;
        }
        auto m = TextMatcher::build(concepts_, concept_embeddings_, std::move(values), n_tracks, std::move(audio), audio_dim, options_);
        if (!m) {
            done(m.status());
            return;
        }
        matcher_.emplace(std::move(*m));
        done(Status::ok());
    });
}

void SemanticSearch::embed(std::vector<std::string> texts, TextEncoder::Callback done) {
    for (const std::string& t : texts)
        if (t.find_first_not_of(" \t\r\n") == std::string::npos) {
            done(Status(ErrorCode::invalid_argument, "text query is empty: type some words"));
            return;
        }
    std::vector<std::string> sentences;
    std::vector<size_t> first;
    for (const std::string& t : texts) {
        first.push_back(sentences.size());
        for (std::string& p : query_prompts(t)) sentences.push_back(std::move(p));
    }
    first.push_back(sentences.size());
    std::weak_ptr<int> alive = alive_;
    encoder_.encode(std::move(sentences), [alive, first, done = std::move(done)](Result<std::vector<float>> e) {
        if (alive.expired()) return;
        if (!e) {
            done(e.status());
            return;
        }
        std::vector<float> out;
        for (size_t j = 0; j + 1 < first.size(); ++j) {
            const std::vector<float> m = normalized_mean(e->data() + first[j] * kTextDim, first[j + 1] - first[j], kTextDim);
            out.insert(out.end(), m.begin(), m.end());
        }
        done(std::move(out));
    });
}

}  // namespace cf::semantic
