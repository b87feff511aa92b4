#include <gtest/gtest.h>

#include "core/common/csv.h"

using cf::csv_field;

TEST(CsvField, PlainTextAndNumbersUnchanged) {
    EXPECT_EQ(csv_field("Battle Epic"), "Battle Epic");
    EXPECT_EQ(csv_field("Åsa – ünïcode"), "Åsa – ünïcode");
    EXPECT_EQ(csv_field(""), "");
    EXPECT_EQ(csv_field("-14.2"), "-14.2");
    EXPECT_EQ(csv_field("+3"), "+3");
    EXPECT_EQ(csv_field("1.5e-3"), "1.5e-3");
}

TEST(CsvField, QuotesCommasQuotesAndNewlines) {
    EXPECT_EQ(csv_field("Hello, world"), "\"Hello, world\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
}

TEST(CsvField, FormulasShowAsText) {
    EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    EXPECT_EQ(csv_field("=1+1"), "'=1+1");
    EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(csv_field("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
    EXPECT_EQ(csv_field("-2+3"), "'-2+3");
    EXPECT_EQ(csv_field("\tx"), "'\tx");
    EXPECT_EQ(csv_field("-"), "'-");
}
