// cuefinder core — SentencePiece (unigram) tokenizer of the Universal Sentence Encoder lite, and
// the sparse model input built from its token ids.
//
//   auto tok = cf::text::SentencePieceTokenizer::load("models/use-lite/vocab.txt");
//   if (!tok) { report(tok.status().message()); return; }
//   cf::Result<std::vector<int32_t>> ids = tok->encode("calm piano for a rainy evening");
//   cf::text::SparseTokenBatch batch = cf::text::make_sparse_batch({*ids});
//   // -> ONNX inputs "indices" int32 [batch.n_tokens(), 2] = batch.indices,
//   //                "values"  int32 [batch.n_tokens()]    = batch.values;
//   //    output "embedding" float32 [batch.n_output_rows, 512].
//
// ref: @energetic-ai/embeddings 0.2.0 lib/tokenizer.ts + lib/trie.ts (Apache-2.0; the same
// algorithm as tfjs-models/universal-sentence-encoder's Tokenizer), re-implemented here so that
// encode() returns the same ids as the reference JS for the same text, quirks included:
//   * preprocessing: NFKC (core/text/nfkc.h), then prefix U+2581 ("▁") and replace every U+0020
//     with U+2581; no lowercasing; the empty string gives no tokens;
//   * lattice over code points: at each start, every vocabulary piece (ids >= 6) that is a prefix
//     of the rest, in increasing length; when none is, one 1-code-point "unknown" edge (id 0,
//     score 0);
//   * Viterbi in JS double arithmetic: ends ascending, starts ascending, an edge wins when the
//     best score at its end is still exactly 0 (JS's "unset") or when its score is >= the best
//     (later edges win ties);
//   * backtracking steps back by the UTF-16 length of the chosen piece's text (the JS string
//     length), and runs of consecutive unknown ids collapse into one id 0.
// NFKC uses Unicode 14.0 tables; a JS engine with newer Unicode data can differ only on
// characters assigned later (see nfkc.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/common/status.h"

namespace cf::text {

struct TokenizerOptions {
    int32_t n_reserved_ids = 6;              ///< ids below this never match (<unk>, <s>, </s>, extras)
    size_t max_input_codepoints = 1u << 16;  ///< longer input (before or after NFKC) -> ErrorCode::too_large
    bool apply_nfkc = true;                  ///< false: the caller passes NFKC text already
};

class SentencePieceTokenizer {
public:
    static constexpr int32_t kUnknownId = 0;

    /// Parses vocab text: one "piece<TAB>score" line per id (id = 0-based line index), UTF-8,
    /// '\n' line ends, score a decimal double. Errors name the line.
    static Result<SentencePieceTokenizer> from_vocab_text(std::string_view vocab_text,
                                                          const TokenizerOptions& options = {});
    /// Reads and parses a vocab file (models/use-lite/vocab.txt).
    static Result<SentencePieceTokenizer> load(const std::string& vocab_path,
                                               const TokenizerOptions& options = {});

    /// Token ids of UTF-8 text (NFKC-normalised here unless options.apply_nfkc is false).
    /// Errors: invalid UTF-8 (names the byte offset), more than options.max_input_codepoints
    /// code points. Time and memory are linear in the input length (times the longest piece,
    /// 16 code points in USE-lite).
    Result<std::vector<int32_t>> encode(std::string_view utf8) const;

    size_t n_pieces() const { return pieces_.size(); }
    const std::string& piece(int32_t id) const;   ///< CF_ASSERTs 0 <= id < n_pieces()
    double score(int32_t id) const;               ///< CF_ASSERTs 0 <= id < n_pieces()

private:
    struct TrieNode {
        bool is_end = false;
        double score = 0.0;
        int32_t id = 0;
    };
    int32_t child(int32_t node, uint32_t codepoint) const;

    std::vector<std::string> pieces_;
    std::vector<double> scores_;
    std::vector<int32_t> utf16_lengths_;             ///< JS .length of each piece
    std::vector<TrieNode> nodes_;                    ///< nodes_[0] = root
    std::unordered_map<uint64_t, int32_t> edges_;    ///< (node << 21 | codepoint) -> child node
    TokenizerOptions options_;
};

/// The encoder's sparse input for a batch of sentences, as the reference embed() builds it.
struct SparseTokenBatch {
    std::vector<int32_t> indices;  ///< [n_tokens × 2] row-major: (sentence index, position)
    std::vector<int32_t> values;   ///< [n_tokens] token ids
    /// Rows of the model output: 1 + the last sentence index with at least one token (the graph
    /// sizes its batch from the indices, so trailing token-less sentences get no row; a
    /// token-less sentence before that gets a row that is not a meaningful embedding). 0 when no
    /// sentence has tokens: do not run the model then (the graph needs n_tokens >= 1).
    int32_t n_output_rows = 0;
    size_t n_tokens() const { return values.size(); }
};

/// Builds the sparse input. Tokens at positions >= max_positions are left out: the graph drops
/// them itself (ClipToMaxLength, 128 in USE-lite), so the output is the same and the input
/// stays small for huge text.
SparseTokenBatch make_sparse_batch(const std::vector<std::vector<int32_t>>& token_ids,
                                   int32_t max_positions = 128);

}  // namespace cf::text
