// SentencePiece unigram tokenizer (USE-lite) — see sentencepiece.h for the reference and quirks.
#include "core/text/sentencepiece.h"

#include "core/common/utf8.h"

#include "core/text/nfkc.h"
#include "core/io/byte_source.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace cf::text {
namespace {

constexpr uint32_t kSpace = 0x20;
constexpr uint32_t kSeparator = 0x2581;  // "▁"

std::string line_label(size_t line_idx) { return "line " + std::to_string(line_idx + 1); }

}  // namespace

int32_t SentencePieceTokenizer::child(int32_t node, uint32_t codepoint) const {
    auto it = edges_.find((uint64_t(node) << 21) | codepoint);
    return it == edges_.end() ? -1 : it->second;
}

const std::string& SentencePieceTokenizer::piece(int32_t id) const {
    CF_ASSERT(id >= 0 && size_t(id) < pieces_.size());
    return pieces_[size_t(id)];
}

double SentencePieceTokenizer::score(int32_t id) const {
    CF_ASSERT(id >= 0 && size_t(id) < scores_.size());
    return scores_[size_t(id)];
}

Result<SentencePieceTokenizer> SentencePieceTokenizer::from_vocab_text(std::string_view text,
                                                                       const TokenizerOptions& options) {
    if (options.n_reserved_ids < 1) {
        return Status(ErrorCode::invalid_argument, "TokenizerOptions.n_reserved_ids must be >= 1 (id 0 is "
                      "the unknown piece), got " + std::to_string(options.n_reserved_ids));
    }
    SentencePieceTokenizer tok;
    tok.options_ = options;
    size_t pos = 0;
    std::vector<uint32_t> cps;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        const size_t line_idx = tok.pieces_.size();
        const size_t tab = line.rfind('\t');
        if (tab == std::string_view::npos) {
            return Status(ErrorCode::corrupt, "vocab " + line_label(line_idx) + ": no TAB between piece and score");
        }
        const std::string score_text(line.substr(tab + 1));
        char* score_end = nullptr;
        errno = 0;
        const double score = std::strtod(score_text.c_str(), &score_end);
        if (score_text.empty() || *score_end != '\0' || errno == ERANGE) {
            return Status(ErrorCode::corrupt, "vocab " + line_label(line_idx) + ": bad score '" + score_text + "'");
        }
        const std::string_view piece = line.substr(0, tab);
        cps.clear();
        if (decode_utf8(piece, cps) >= 0) {
            return Status(ErrorCode::corrupt, "vocab " + line_label(line_idx) + ": piece is not valid UTF-8");
        }
        int32_t utf16 = 0;
        for (uint32_t cp : cps) utf16 += cp >= 0x10000 ? 2 : 1;
        tok.pieces_.emplace_back(piece);
        tok.scores_.push_back(score);
        tok.utf16_lengths_.push_back(utf16);
    }
    if (tok.pieces_.size() <= size_t(options.n_reserved_ids)) {
        return Status(ErrorCode::empty, "vocab has " + std::to_string(tok.pieces_.size()) +
                      " pieces, no more than the " + std::to_string(options.n_reserved_ids) + " reserved ids");
    }
    // encode() steps back over an unknown character by the unknown piece's length (the reference's
    // quirk): an empty one would never step (found by tools/fuzz/fuzz_tokenizer: a hang).
    if (tok.utf16_lengths_[kUnknownId] == 0) {
        return Status(ErrorCode::corrupt, "vocab " + line_label(0) + ": the unknown piece (id 0) is empty");
    }
    // Trie over code points; a later duplicate piece overwrites the earlier one's score and id
    // (the reference inserts in id order into the same node).
    tok.nodes_.push_back({});
    for (size_t id = size_t(options.n_reserved_ids); id < tok.pieces_.size(); ++id) {
        cps.clear();
        (void)decode_utf8(tok.pieces_[id], cps);
        if (cps.empty()) continue;  // the reference inserts nothing for an empty piece
        int32_t node = 0;
        for (uint32_t cp : cps) {
            int32_t next = tok.child(node, cp);
            if (next < 0) {
                next = int32_t(tok.nodes_.size());
                tok.nodes_.push_back({});
                tok.edges_.emplace((uint64_t(node) << 21) | cp, next);
            }
            node = next;
        }
        tok.nodes_[size_t(node)] = {true, tok.scores_[id], int32_t(id)};
    }
    return tok;
}

Result<SentencePieceTokenizer> SentencePieceTokenizer::load(const std::string& vocab_path,
                                                            const TokenizerOptions& options) {
    // Through the byte source: a FIFO or device is refused instead of blocking; 64 MB is far above
    // any SentencePiece vocabulary (use-lite's is 0.2 MB).
    auto bytes = read_whole_file(vocab_path, int64_t(64) << 20);
    if (!bytes) return Status(bytes.status().code(), "vocab: " + bytes.status().message());
    const std::string text(bytes->begin(), bytes->end());
    auto tok = from_vocab_text(text, options);
    if (!tok) return Status(tok.status().code(), "'" + vocab_path + "': " + tok.status().message());
    return tok;
}

Result<std::vector<int32_t>> SentencePieceTokenizer::encode(std::string_view utf8) const {
    std::vector<uint32_t> raw;
    raw.reserve(utf8.size());
    const long bad = decode_utf8(utf8, raw);
    if (bad >= 0) {
        return Status(ErrorCode::invalid_argument, "text to tokenize is not valid UTF-8 at byte " + std::to_string(bad));
    }
    const auto too_large = [&](size_t n) {
        return Status(ErrorCode::too_large, "text to tokenize has " + std::to_string(n) +
                      " code points, more than TokenizerOptions.max_input_codepoints = " +
                      std::to_string(options_.max_input_codepoints));
    };
    if (raw.size() + 1 > options_.max_input_codepoints) return too_large(raw.size());
    if (options_.apply_nfkc) {
        raw = nfkc(raw);  // may grow (e.g. U+FDFA -> 18 code points)
        if (raw.size() + 1 > options_.max_input_codepoints) return too_large(raw.size());
    }
    std::vector<int32_t> ids;
    if (raw.empty()) return ids;

    std::vector<uint32_t> symbols;
    symbols.reserve(raw.size() + 1);
    symbols.push_back(kSeparator);
    for (uint32_t cp : raw) symbols.push_back(cp == kSpace ? kSeparator : cp);
    const size_t n = symbols.size();

    // Edges grouped by end position; filling them start by start keeps each group in ascending
    // start order, the order in which the reference visits them.
    struct Edge { int32_t start; int32_t id; double score; };
    std::vector<std::vector<Edge>> ending_at(n + 1);
    for (size_t start = 0; start < n; ++start) {
        bool matched = false;
        int32_t node = child(0, symbols[start]);
        for (size_t end = start + 1; node >= 0; ++end) {
            const TrieNode& tn = nodes_[size_t(node)];
            if (tn.is_end) {
                ending_at[end].push_back({int32_t(start), tn.id, tn.score});
                matched = true;
            }
            if (end == n) break;
            node = child(node, symbols[end]);
        }
        if (!matched) ending_at[start + 1].push_back({int32_t(start), kUnknownId, 0.0});
    }

    std::vector<double> best(n + 1, 0.0);
    std::vector<int32_t> word(n + 1, 0);
    for (size_t end = 1; end <= n; ++end) {
        for (const Edge& e : ending_at[end]) {
            const double s = e.score + best[size_t(e.start)];
            if (best[end] == 0.0 || s >= best[end]) {
                best[end] = s;
                word[end] = e.id;
            }
        }
    }

    std::vector<int32_t> reversed;
    for (long at = long(n); at > 0; at -= utf16_lengths_[size_t(word[size_t(at)])]) {
        CF_ASSERT(utf16_lengths_[size_t(word[size_t(at)])] > 0);  // from_vocab_text refuses an empty unknown piece
        reversed.push_back(word[size_t(at)]);
    }
    bool previous_unknown = false;
    for (int32_t id : reversed) {
        if (!(previous_unknown && id == kUnknownId)) ids.push_back(id);
        previous_unknown = id == kUnknownId;
    }
    std::reverse(ids.begin(), ids.end());
    return ids;
}

SparseTokenBatch make_sparse_batch(const std::vector<std::vector<int32_t>>& token_ids, int32_t max_positions) {
    CF_ASSERT(max_positions > 0);
    SparseTokenBatch batch;
    for (size_t s = 0; s < token_ids.size(); ++s) {
        const size_t kept = std::min(token_ids[s].size(), size_t(max_positions));
        for (size_t p = 0; p < kept; ++p) {
            batch.indices.push_back(int32_t(s));
            batch.indices.push_back(int32_t(p));
            batch.values.push_back(token_ids[s][p]);
        }
        if (kept > 0) batch.n_output_rows = int32_t(s) + 1;
    }
    return batch;
}

}  // namespace cf::text
