#include "core/model/model_check.h"

#include <gtest/gtest.h>

#include <string>

#include "core/common/sha256.h"

namespace {

const char kFile[] = "models/msd-musicnn-1/model.onnx";

}  // namespace

TEST(ModelCheck, MatchingDigestPassesInEitherCase) {
    const std::string bytes = "not really a model";
    const std::string actual = cf::sha256_hex(bytes.data(), bytes.size());
    std::string upper = actual;
    for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(cf::check_model_sha256(kFile, actual, actual).is_ok());
    EXPECT_TRUE(cf::check_model_sha256(kFile, upper, actual).is_ok());
}

TEST(ModelCheck, OneFlippedByteIsACorruptFileNamedInTheMessage) {
    std::string bytes(1000, 'x');
    const std::string expected = cf::sha256_hex(bytes.data(), bytes.size());
    bytes[500] ^= 1;
    const cf::Status s = cf::check_model_sha256(kFile, expected, cf::sha256_hex(bytes.data(), bytes.size()));
    ASSERT_FALSE(s.is_ok());
    EXPECT_EQ(s.code(), cf::ErrorCode::corrupt);
    EXPECT_EQ(s.message().rfind(std::string(kFile) + ": sha256 mismatch", 0), 0u) << s.message();
    EXPECT_NE(s.message().find(expected), std::string::npos) << s.message();
}

TEST(ModelCheck, AManifestWithoutAWellFormedDigestIsRefused) {
    const std::string actual = cf::sha256_hex("", 0);
    const cf::Status none = cf::check_model_sha256(kFile, "", actual);
    EXPECT_EQ(none.code(), cf::ErrorCode::invalid_argument);
    EXPECT_NE(none.message().find("records no sha256"), std::string::npos) << none.message();
    const cf::Status short_hex = cf::check_model_sha256(kFile, actual.substr(1), actual);
    EXPECT_EQ(short_hex.code(), cf::ErrorCode::invalid_argument);
    std::string bad = actual;
    bad[0] = 'g';
    EXPECT_EQ(cf::check_model_sha256(kFile, bad, actual).code(), cf::ErrorCode::invalid_argument);
}
