// Tests of the USE-lite SentencePiece tokenizer against the reference JS tokenizer's ids.
// Fixture: tests/data/text/use_lite_tokens.tsv, written by
//   node tools/convert/check_text_parity.mjs --write-fixture
// (reference: @energetic-ai/embeddings 0.2.0 Tokenizer.encode on 293 varied sentences, and the
// NFKC form the reference computes with String.prototype.normalize).
// Vocabulary: models/use-lite/vocab.txt (bash tools/convert/convert_text_model.sh).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/text/nfkc.h"
#include "core/text/sentencepiece.h"
#include "test_util.h"

namespace {

using cf::text::SentencePieceTokenizer;

std::string vocab_path() { return cf::test::test_data_dir() + "/../../models/use-lite/vocab.txt"; }

std::string from_hex(const std::string& h) {
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(char(std::stoi(h.substr(i, 2), nullptr, 16)));
    return out;
}

struct Case {
    std::string raw, nfkc;
    std::vector<int32_t> ids;
};

std::vector<Case> read_fixture() {
    std::vector<uint8_t> bytes = cf::test::read_bytes(cf::test::test_data_dir() + "/text/use_lite_tokens.tsv");
    std::string text(bytes.begin(), bytes.end());
    std::vector<Case> cases;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.empty() || line[0] == '#') continue;
        const size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
        Case c{from_hex(line.substr(0, t1)), from_hex(line.substr(t1 + 1, t2 - t1 - 1)), {}};
        const std::string ids = line.substr(t2 + 1);
        for (size_t i = 0; i < ids.size();) {
            size_t j = ids.find(' ', i);
            if (j == std::string::npos) j = ids.size();
            if (j > i) c.ids.push_back(std::stoi(ids.substr(i, j - i)));
            i = j + 1;
        }
        cases.push_back(std::move(c));
    }
    return cases;
}

const SentencePieceTokenizer* use_lite() {
    static cf::Result<SentencePieceTokenizer> tok = SentencePieceTokenizer::load(vocab_path());
    return tok ? &*tok : nullptr;
}

std::vector<int32_t> encode(const SentencePieceTokenizer& tok, const std::string& s) {
    auto r = tok.encode(s);
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    return r ? *r : std::vector<int32_t>{};
}

// A small vocabulary for the algorithm's corner cases: ids 0..5 reserved as in USE-lite.
SentencePieceTokenizer toy(const std::string& pieces) {
    auto r = SentencePieceTokenizer::from_vocab_text("\xEF\xBF\xBD\t0\n<s>\t0\n</s>\t0\nx1\t0\nx2\t0\nx3\t0\n" + pieces);
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    return std::move(*r);
}

}  // namespace

TEST(SentencePieceTokenizer, MatchesReferenceIdsOnAllFixtureSentences) {
    const SentencePieceTokenizer* tok = use_lite();
    if (!tok) GTEST_SKIP() << "no " << vocab_path() << " (run tools/convert/convert_text_model.sh)";
    const std::vector<Case> cases = read_fixture();
    ASSERT_GE(cases.size(), 250u);
    size_t n_tokens = 0;
    for (const Case& c : cases) {
        EXPECT_EQ(encode(*tok, c.raw), c.ids) << "sentence '" << c.raw << "'";
        n_tokens += c.ids.size();
    }
    EXPECT_GT(n_tokens, 3000u);
}

TEST(SentencePieceTokenizer, NfkcMatchesJsOnFixtureSentences) {
    const std::vector<Case> cases = read_fixture();
    ASSERT_GE(cases.size(), 250u);
    for (const Case& c : cases) {
        auto n = cf::text::nfkc_utf8(c.raw);
        ASSERT_TRUE(n.is_ok()) << n.status().message();
        EXPECT_EQ(*n, c.nfkc) << "sentence '" << c.raw << "'";
    }
}

TEST(SentencePieceTokenizer, WithoutNfkcOptionTheCallerNormalises) {
    cf::text::TokenizerOptions options;
    options.apply_nfkc = false;
    auto tok = SentencePieceTokenizer::load(vocab_path(), options);
    if (!tok) GTEST_SKIP() << "no " << vocab_path();
    for (const Case& c : read_fixture()) EXPECT_EQ(encode(*tok, c.nfkc), c.ids) << "sentence '" << c.raw << "'";
}

TEST(SentencePieceTokenizer, KnownSequencesFromReference) {
    const SentencePieceTokenizer* tok = use_lite();
    if (!tok) GTEST_SKIP() << "no " << vocab_path();
    ASSERT_EQ(tok->n_pieces(), 8000u);
    std::map<std::string, Case> by_raw;
    for (Case& c : read_fixture()) by_raw[c.raw] = c;
    // Punctuation, digits, case, accents (composed and combining), compatibility forms, scripts
    // outside the vocabulary, emoji (astral code points), whitespace variants, empty, long.
    const char* picks[] = {
        "calm piano for a rainy evening", "Hello, world.", "1234567890", "3.14159 is pi, 2.71828 is e",
        "Aggressive METAL with screaming vocals!!!", "mIxEd CaSe TeXt", "café crème brûlée",
        "e\u0301 combining accent", "\uff26\uff55\uff4c\uff4c\uff57\uff49\uff44\uff54\uff48 \uff54\uff45\uff58\uff54",
        "\ufb01ne ligature \ufb02ow", "Привет, как дела?", "こんにちは世界", "I love this song 😍🎶",
        "🔥🔥🔥", "👍🏽 thumbs", "tab\tseparated\twords", "line one\nline two", "", " ",
        "  leading and trailing spaces  ", "$100 or €85 or £70 or ¥1000", "<html>&amp;</html>",
    };
    for (const char* p : picks) {
        auto it = by_raw.find(p);
        ASSERT_NE(it, by_raw.end()) << "fixture lacks '" << p << "'";
        EXPECT_EQ(encode(*tok, it->second.raw), it->second.ids) << "sentence '" << p << "'";
    }
    EXPECT_TRUE(encode(*tok, "").empty());
    // "▁the" is a single piece; a leading space becomes its own "▁" before it.
    const std::vector<int32_t> the = encode(*tok, "the");
    ASSERT_EQ(the.size(), 1u);
    EXPECT_EQ(tok->piece(the[0]), "\u2581the");
    // Emoji are outside the vocabulary: a run of unknown code points collapses to one id 0.
    const std::vector<int32_t> fire = by_raw.at("🔥🔥🔥").ids;
    EXPECT_EQ(std::count(fire.begin(), fire.end(), 0), 1);
}

TEST(SentencePieceTokenizer, LongInputMatchesReferenceAndWorkIsBounded) {
    const SentencePieceTokenizer* tok = use_lite();
    if (!tok) GTEST_SKIP() << "no " << vocab_path();
    for (Case& c : read_fixture()) {
        if (c.raw.size() >= 300) {
            EXPECT_EQ(encode(*tok, c.raw), c.ids) << "long sentence";
        }
    }
    // 60k code points run (linear work); beyond max_input_codepoints the call refuses at once.
    std::string big;
    while (big.size() < 60000) big += "calm piano ";
    EXPECT_GT(encode(*tok, big).size(), 10000u);
    std::string huge(1 << 20, 'a');
    auto r = tok->encode(huge);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), cf::ErrorCode::too_large);
    EXPECT_NE(r.status().message().find("max_input_codepoints"), std::string::npos);
}

// Expected ids in the toy-vocabulary tests below were produced by the reference JS
// (EmbeddingsModel({vocabulary: reserved.concat(pieces)}).tokenizer.encode(text)).
TEST(SentencePieceTokenizer, ReproducesReferenceViterbiQuirks) {
    // Pieces: 6 "▁a" -1, 7 "b" -1, 8 "▁ab" -1.5, 9 "a" -0.5. A position no edge ends at keeps
    // best = 0, which the reference treats as a real score of 0: the path through it
    // ("▁" unknown, "a", "b": 0 - 0.5 - 1) ties with and then beats "▁ab" (-1.5).
    SentencePieceTokenizer tok = toy("\xE2\x96\x81" "a\t-1\nb\t-1\n\xE2\x96\x81" "ab\t-1.5\na\t-0.5\n");
    EXPECT_EQ(encode(tok, "ab"), (std::vector<int32_t>{0, 9, 7}));
    // Without "a": the 1-code-point unknown edge over "a" scores 0 and beats "▁a" (-1) at
    // position 2; at position 3 "b" (-1 + 0) beats "▁ab" (-2), and "▁", "a" come out as one
    // merged unknown.
    SentencePieceTokenizer tie = toy("\xE2\x96\x81" "a\t-1\nb\t-1\n\xE2\x96\x81" "ab\t-2\n");
    EXPECT_EQ(encode(tie, "ab"), (std::vector<int32_t>{0, 7}));
    // Exact tie at position 3 (-1.5 via "▁ab" vs -1 + -0.5 via "a" then "b"): the later edge wins.
    SentencePieceTokenizer exact = toy("\xE2\x96\x81" "ab\t-1.5\nb\t-1\na\t-0.5\n");
    EXPECT_EQ(encode(exact, "ab"), (std::vector<int32_t>{0, 8, 7}));
    // A clean tie with every position reachable: "▁"+"ab" and "▁"+"a"+"b" both score -1.75;
    // at position 3 the edge from start 2 ("b") is visited last and wins.
    SentencePieceTokenizer clean = toy("\xE2\x96\x81\t-0.25\nab\t-1.5\nb\t-1\na\t-0.5\n");
    EXPECT_EQ(encode(clean, "ab"), (std::vector<int32_t>{6, 9, 8}));
}

TEST(SentencePieceTokenizer, UnknownRunsCollapseAndReservedIdsNeverMatch) {
    // "<s>" is reserved (id 1), so the text "<s>" is all unknown except pieces we add.
    SentencePieceTokenizer tok = toy("\xE2\x96\x81\t-2\ns\t-1\n");
    // "▁" known (6), "<" unknown, "s" known (7), ">" unknown.
    EXPECT_EQ(encode(tok, "<s>"), (std::vector<int32_t>{6, 0, 7, 0}));
    // Consecutive unknowns merge into one 0.
    EXPECT_EQ(encode(tok, "<<>>s"), (std::vector<int32_t>{6, 0, 7}));
    // Spaces become "▁".
    EXPECT_EQ(encode(tok, "s s"), (std::vector<int32_t>{6, 7, 6, 7}));
}

TEST(SentencePieceTokenizer, LaterDuplicatePieceOverwritesEarlierOne) {
    SentencePieceTokenizer tok = toy("\xE2\x96\x81\t-1\nq\t-1\nq\t-3\n");
    EXPECT_EQ(encode(tok, "q"), (std::vector<int32_t>{6, 8}));
    EXPECT_DOUBLE_EQ(tok.score(8), -3.0);
}

TEST(SentencePieceTokenizer, RejectsBadInputWithMessages) {
    SentencePieceTokenizer tok = toy("a\t-1\n");
    auto r = tok.encode(std::string("ok \xC3\x28", 5));
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), cf::ErrorCode::invalid_argument);
    EXPECT_NE(r.status().message().find("byte 3"), std::string::npos) << r.status().message();
    EXPECT_FALSE(tok.encode("\xED\xA0\x80").is_ok());  // UTF-8-encoded surrogate

    auto no_tab = SentencePieceTokenizer::from_vocab_text("a 1\n");
    ASSERT_FALSE(no_tab.is_ok());
    EXPECT_NE(no_tab.status().message().find("line 1"), std::string::npos);
    auto bad_score = SentencePieceTokenizer::from_vocab_text("x\t0\nb\tnope\n");
    ASSERT_FALSE(bad_score.is_ok());
    EXPECT_NE(bad_score.status().message().find("line 2"), std::string::npos);
    EXPECT_EQ(SentencePieceTokenizer::from_vocab_text("a\t0\n").status().code(), cf::ErrorCode::empty);
    // An empty unknown piece made encode() loop forever on any unknown character (fuzz_tokenizer).
    auto empty_unknown = SentencePieceTokenizer::from_vocab_text("\t0\n<s>\t0\n</s>\t0\nx1\t0\nx2\t0\nx3\t0\na\t-1\n");
    ASSERT_FALSE(empty_unknown.is_ok());
    EXPECT_EQ(empty_unknown.status().code(), cf::ErrorCode::corrupt);
    EXPECT_EQ(empty_unknown.status().message(), "vocab line 1: the unknown piece (id 0) is empty");
    EXPECT_EQ(SentencePieceTokenizer::load("/nonexistent/vocab.txt").status().code(), cf::ErrorCode::not_found);
}

// Inputs that once broke tools/fuzz/fuzz_tokenizer (tests/data/fuzz_regressions/fuzz_tokenizer-*), through
// the target's calls: an odd last byte means the rest is a vocab file, an even one that it is text.
TEST(SentencePieceTokenizer, FuzzRegressionsEndWithAResultOrAnError) {
    size_t n_files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(cf::test::test_data_dir() + "/fuzz_regressions")) {
        if (entry.path().filename().string().rfind("fuzz_tokenizer-", 0) != 0) continue;
        SCOPED_TRACE(entry.path().filename().string());
        ++n_files;
        const std::vector<uint8_t> bytes = cf::test::read_bytes(entry.path().string());
        ASSERT_FALSE(bytes.empty());
        const std::string body(bytes.begin(), bytes.end() - 1);
        if (bytes.back() & 1) {
            auto tok = SentencePieceTokenizer::from_vocab_text(body);
            if (tok) (void)tok->encode("calm piano for a rainy evening \xE2\x98\x83");  // ends with an unknown character
        } else if (const SentencePieceTokenizer* tok = use_lite()) {
            (void)tok->encode(body);
        }
    }
    EXPECT_GE(n_files, 1u) << "tests/data/fuzz_regressions/ lost its tokenizer inputs";
}

TEST(SparseTokenBatch, LayoutClippingAndOutputRows) {
    const std::vector<std::vector<int32_t>> ids = {{5, 6}, {}, {7}, {}};
    cf::text::SparseTokenBatch b = cf::text::make_sparse_batch(ids);
    EXPECT_EQ(b.indices, (std::vector<int32_t>{0, 0, 0, 1, 2, 0}));
    EXPECT_EQ(b.values, (std::vector<int32_t>{5, 6, 7}));
    EXPECT_EQ(b.n_tokens(), 3u);
    EXPECT_EQ(b.n_output_rows, 3);  // the trailing empty sentence gets no output row

    std::vector<int32_t> long_ids(300, 9);
    cf::text::SparseTokenBatch c = cf::text::make_sparse_batch({long_ids}, 128);
    EXPECT_EQ(c.n_tokens(), 128u);
    EXPECT_EQ(c.indices[2 * 127 + 1], 127);
    EXPECT_EQ(cf::text::make_sparse_batch({{}, {}}).n_output_rows, 0);
}
