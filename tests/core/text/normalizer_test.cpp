// Case and accent folding on their own, including the scripts accent folding must not damage.
#include "core/text/normalizer.h"

#include <gtest/gtest.h>

namespace commerce::text {
namespace {

TEST(Normalizer, FoldCaseIsNfkcCasefold) {
  EXPECT_EQ(fold_case("HeLLo"), "hello");
  EXPECT_EQ(fold_case("ＡＢＣ１２３"), "abc123");
  EXPECT_EQ(fold_case("ﬃ"), "ffi");
  EXPECT_EQ(fold_case("ΣΊΣΥΦΟΣ"), "σίσυφοσ");
  EXPECT_EQ(fold_case(""), "");
}

TEST(Normalizer, AsciiFastPathAgreesWithIcu) {
  // Every ASCII character, alone and inside a word, folds as NFKC_Casefold would.
  for (int c = 1; c < 128; ++c) {
    const std::string ascii(1, static_cast<char>(c));
    const std::string expected =
        c >= 'A' && c <= 'Z' ? std::string(1, static_cast<char>(c + 32)) : ascii;
    EXPECT_EQ(fold_case(ascii), expected) << c;
    EXPECT_EQ(fold_case(ascii + "é"), fold_case(expected + "é")) << c;  // the ICU path
  }
}

TEST(Normalizer, FoldAccentsRemovesLatinDiacritics) {
  EXPECT_EQ(fold_accents("crème brûlée"), "creme brulee");
  EXPECT_EQ(fold_accents("naïve Ångström"), "naive Angstrom");
  EXPECT_EQ(fold_accents("plain ascii"), "plain ascii");
}

TEST(Normalizer, FoldAccentsKeepsThaiAndJapaneseMarks) {
  EXPECT_EQ(fold_accents("กระเป๋า"), "กระเป๋า");
  EXPECT_EQ(fold_accents("ガラス"), "ガラス");  // dakuten is not a Latin diacritic
}

}  // namespace
}  // namespace commerce::text
