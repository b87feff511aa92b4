#include "core/common/sha256.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

std::string hex_of(const std::string& s) { return cf::sha256_hex(s.data(), s.size()); }

}  // namespace

// ref: the FIPS 180-2 / NIST CSRC "SHA256.pdf" examples: one block, two blocks, a million 'a'.
TEST(Sha256, NistVectors) {
    EXPECT_EQ(hex_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(hex_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(hex_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                     "mnopqrstnopqrstu"),
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    EXPECT_EQ(hex_of(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Lengths around the padding boundaries (55/56: the length fits in the last block or needs another;
// 63/64/119/120: a block fills exactly). Expected values from Python's hashlib.sha256(b'a' * n).
TEST(Sha256, PaddingBoundaries) {
    const std::pair<size_t, const char*> cases[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
        {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
    };
    for (const auto& [n, expected] : cases) EXPECT_EQ(hex_of(std::string(n, 'a')), expected) << "n = " << n;
}

// Streaming: every way of cutting the input in two (and byte by byte) gives the one-buffer digest.
// Expected value from Python's hashlib.sha256(bytes(range(256)) * 3).
TEST(Sha256, SplitUpdatesMatchOneBuffer) {
    std::vector<uint8_t> data;
    for (int r = 0; r < 3; ++r)
        for (int i = 0; i < 256; ++i) data.push_back(uint8_t(i));
    const std::string expected = "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363";
    ASSERT_EQ(cf::sha256_hex(data.data(), data.size()), expected);
    for (size_t cut = 0; cut <= data.size(); ++cut) {
        cf::Sha256 h;
        h.update(data.data(), cut);
        h.update(data.data() + cut, data.size() - cut);
        ASSERT_EQ(h.hex_digest(), expected) << "cut at " << cut;
    }
    cf::Sha256 bytewise;
    for (const uint8_t b : data) bytewise.update(&b, 1);
    EXPECT_EQ(bytewise.hex_digest(), expected);
}
