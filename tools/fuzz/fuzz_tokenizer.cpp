// libFuzzer entry for the sentence encoder's text path (core/text): NFKC and the SentencePiece
// tokenizer with the shipped USE-lite vocabulary (models/use-lite/vocab.txt, read once), and the vocab
// parser itself. The last input byte picks the mode, so one corpus exercises both:
//   even: the input minus that byte is text. nfkc_utf8 must be idempotent (NFKC(NFKC(x)) = NFKC(x),
//         a stability guarantee of UAX #15) and encode() must give ids of the vocabulary with no two
//         unknown ids in a row; invalid UTF-8 must be an error in both, never a crash.
//   odd:  the input minus that byte is a vocab file; if it parses, a fixed sentence and the vocab's
//         own first pieces must encode to ids inside it.
// Errors are fine; crashes, sanitizer reports, hangs and broken promises (abort) are bugs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/nfkc.h"
#include "core/text/sentencepiece.h"

#ifndef CF_SOURCE_DIR
#error "CF_SOURCE_DIR (the repository) is set by tools/fuzz/CMakeLists.txt"
#endif

namespace {

const cf::text::SentencePieceTokenizer& use_lite() {
    static const std::optional<cf::text::SentencePieceTokenizer> tok = [] {
        auto t = cf::text::SentencePieceTokenizer::load(CF_SOURCE_DIR "/models/use-lite/vocab.txt");
        if (!t) {
            std::fprintf(stderr, "fuzz_tokenizer: %s\n", t.status().message().c_str());
            std::abort();
        }
        return std::optional<cf::text::SentencePieceTokenizer>(std::move(*t));
    }();
    return *tok;
}

void check_ids(const cf::text::SentencePieceTokenizer& tok, const std::vector<int32_t>& ids) {
    for (size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] < 0 || size_t(ids[i]) >= tok.n_pieces()) std::abort();
        if (i > 0 && ids[i] == 0 && ids[i - 1] == 0) std::abort();  // unknown runs collapse into one id
    }
    const cf::text::SparseTokenBatch batch = cf::text::make_sparse_batch({ids, {}, ids});
    if (batch.indices.size() != 2 * batch.n_tokens()) std::abort();
}

void fuzz_text(std::string_view text) {
    const auto once = cf::text::nfkc_utf8(text);
    if (once) {
        const auto twice = cf::text::nfkc_utf8(*once);
        if (!twice || *twice != *once) std::abort();
    }
    const auto ids = use_lite().encode(text);
    if (bool(ids) != bool(once) && ids.status().code() != cf::ErrorCode::too_large) std::abort();
    if (ids) check_ids(use_lite(), *ids);
}

void fuzz_vocab(std::string_view vocab) {
    auto tok = cf::text::SentencePieceTokenizer::from_vocab_text(vocab);
    if (!tok) return;
    std::string probe = "calm piano for a rainy evening ";
    for (size_t id = 0; id < tok->n_pieces() && id < 16; ++id) probe += tok->piece(int32_t(id));
    const auto ids = tok->encode(probe);
    if (ids) check_ids(*tok, *ids);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view body(reinterpret_cast<const char*>(data), size - 1);
    if (data[size - 1] & 1) fuzz_vocab(body);
    else fuzz_text(body);
    return 0;
}
