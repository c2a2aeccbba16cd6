#include "core/vector/embedding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"

namespace commerce::vector {
namespace {

// Runs `f` and returns the SQLSTATE of the commerce::Error it throws ("" if none).
template <typename F>
std::string sqlstate_of(F f) {
  try {
    f();
  } catch (const Error &e) {
    return e.sqlstate();
  }
  return "";
}

TEST(ParseEmbeddingText, ReadsNumbersWithWhitespaceAndSigns) {
  EXPECT_EQ(parse_embedding_text("[1,2,3]"), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(parse_embedding_text("  [ 1.5 , -2e1,+3 ]  "),
            (std::vector<float>{1.5f, -20.0f, 3.0f}));
  EXPECT_EQ(parse_embedding_text("[0.1]"), (std::vector<float>{0.1f}));
}

TEST(ParseEmbeddingText, UnderflowRoundsToZero) {
  EXPECT_EQ(parse_embedding_text("[1e-400]"), (std::vector<float>{0.0f}));
}

TEST(ParseEmbeddingText, MalformedTextIs22P02) {
  for (const char *text : {"", "1,2", "[1,2", "1,2]", "[1,,2]", "[1,2,]", "[a]", "[1 2]", "[1]x",
                           "[[1]]", "[0x10]", "[1e]"}) {
    EXPECT_EQ(sqlstate_of([&] { parse_embedding_text(text); }), "22P02") << text;
  }
}

TEST(ParseEmbeddingText, EmptyIs22023) {
  EXPECT_EQ(sqlstate_of([] { parse_embedding_text("[]"); }), "22023");
  EXPECT_EQ(sqlstate_of([] { parse_embedding_text("[  ]"); }), "22023");
}

TEST(ParseEmbeddingText, NonFiniteAndOverflowAre22003) {
  for (const char *text :
       {"[NaN]", "[nan]", "[Infinity]", "[-inf]", "[1e39]", "[-1e300]", "[1e999]"}) {
    EXPECT_EQ(sqlstate_of([&] { parse_embedding_text(text); }), "22003") << text;
  }
}

TEST(ParseEmbeddingText, TooManyDimensionsIs54000) {
  std::string text = "[0";
  for (std::size_t i = 1; i < kMaxDimensions; ++i) text += ",0";
  EXPECT_EQ(parse_embedding_text(text + "]").size(), kMaxDimensions);
  EXPECT_EQ(sqlstate_of([&] { parse_embedding_text(text + ",0]"); }), "54000");
}

TEST(FormatEmbeddingText, ShortestRoundTrip) {
  const std::vector<float> values = {1.0f, 0.1f, -2.5f, 1e-5f, 3.4028235e38f};
  const std::string text = format_embedding_text(values);
  EXPECT_EQ(text, "[1,0.1,-2.5,1e-05,3.4028235e+38]");
  EXPECT_EQ(parse_embedding_text(text), values);
}

TEST(CheckFinite, NamesTheElement) {
  const std::vector<float> values = {1.0f, std::numeric_limits<float>::quiet_NaN()};
  try {
    check_finite(values);
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_STREQ(e.sqlstate(), "22003");
    EXPECT_EQ(e.detail(), "element 2");
  }
}

TEST(Arithmetic, ElementWise) {
  const std::vector<float> a = {1, 2, 3}, b = {4, 5, 6};
  std::vector<float> out(3);
  add(a, b, out);
  EXPECT_EQ(out, (std::vector<float>{5, 7, 9}));
  subtract(a, b, out);
  EXPECT_EQ(out, (std::vector<float>{-3, -3, -3}));
  multiply(a, b, out);
  EXPECT_EQ(out, (std::vector<float>{4, 10, 18}));
}

TEST(Arithmetic, OverflowIs22003AndMismatchIs22026) {
  const std::vector<float> big = {3e38f}, one = {1.0f}, two = {1.0f, 2.0f};
  std::vector<float> out(1);
  EXPECT_EQ(sqlstate_of([&] { add(big, big, out); }), "22003");
  EXPECT_EQ(sqlstate_of([&] { multiply(big, big, out); }), "22003");
  EXPECT_EQ(sqlstate_of([&] { add(one, two, out); }), "22026");
}

TEST(L2Normalize, UnitLengthAndZeroStaysZero) {
  const std::vector<float> a = {3, 4}, zero = {0, 0};
  std::vector<float> out(2);
  l2_normalize(a, out);
  EXPECT_FLOAT_EQ(out[0], 0.6f);
  EXPECT_FLOAT_EQ(out[1], 0.8f);
  l2_normalize(zero, out);
  EXPECT_EQ(out, zero);
}

TEST(DimensionCount, Limits) {
  EXPECT_EQ(sqlstate_of([] { check_dimension_count(0); }), "22023");
  EXPECT_EQ(sqlstate_of([] { check_dimension_count(1); }), "");
  EXPECT_EQ(sqlstate_of([] { check_dimension_count(kMaxDimensions); }), "");
  EXPECT_EQ(sqlstate_of([] { check_dimension_count(kMaxDimensions + 1); }), "54000");
}

}  // namespace
}  // namespace commerce::vector
