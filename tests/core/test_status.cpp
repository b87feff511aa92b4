#include "core/common/status.h"

#include <gtest/gtest.h>

TEST(Status, OkAndErrorCarryCodeAndMessage) {
    cf::Status ok = cf::Status::ok();
    EXPECT_TRUE(ok.is_ok());
    cf::Status bad(cf::ErrorCode::corrupt, "frame 3 has a bad CRC");
    EXPECT_FALSE(bad.is_ok());
    EXPECT_EQ(bad.with_context("song.flac").message(), "song.flac: frame 3 has a bad CRC");
    EXPECT_EQ(bad.with_context("song.flac").code(), cf::ErrorCode::corrupt);
}

TEST(Status, ResultHoldsValueOrError) {
    cf::Result<int> value = 7;
    ASSERT_TRUE(value.is_ok());
    EXPECT_EQ(*value, 7);
    cf::Result<int> error = cf::Status(cf::ErrorCode::truncated, "ends early");
    EXPECT_FALSE(error.is_ok());
    EXPECT_EQ(error.status().code(), cf::ErrorCode::truncated);
}
