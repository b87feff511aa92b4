// cuefinder core — sentences → 512-d embeddings on the device (Universal Sentence Encoder lite).
//
//   auto tok = cf::text::SentencePieceTokenizer::from_vocab_text(vocab_text);   // models/use-lite/vocab.txt
//   cf::semantic::TextEncoder encoder(embedder, std::move(*tok));
//   encoder.encode({"calm piano", "rainy evening"}, [](cf::Result<std::vector<float>> e) {
//       // e->size() == 2 * 512: one unit vector per sentence, in order
//   });
//
// Tokenises in the core (core/text/sentencepiece.h), runs the model through the Embedder seam with
// its two int32 inputs ("indices" [n_tokens × 2], "values" [n_tokens]) and returns row-major unit
// vectors. Sentences are batched into one model run; a sentence without tokens is refused up front
// (the graph gives it no meaningful row).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/model/embedder.h"
#include "core/text/sentencepiece.h"

namespace cf::semantic {

inline constexpr size_t kTextDim = 512;

class TextEncoder {
public:
    using Callback = std::function<void(Result<std::vector<float>>)>;

    /// `model`: the folder name of the sentence encoder under models/.
    TextEncoder(Embedder& embedder, text::SentencePieceTokenizer tokenizer, std::string model = "use-lite");

    /// Embeds `sentences` (n × kTextDim floats, unit rows, input order). `done` is called exactly once.
    /// Errors (invalid_argument, naming the sentence): no sentences, an empty or token-less sentence,
    /// invalid UTF-8, a sentence over the tokenizer's length limit. Model errors pass through.
    void encode(std::vector<std::string> sentences, Callback done);

    const text::SentencePieceTokenizer& tokenizer() const { return tokenizer_; }

private:
    Embedder& embedder_;
    text::SentencePieceTokenizer tokenizer_;
    std::string model_;
};

/// Normalised mean of `rows` (n × dim, row-major) → dim floats; all-zero when the mean is zero.
std::vector<float> normalized_mean(const float* rows, size_t n, size_t dim, const float* weights = nullptr);

}  // namespace cf::semantic
