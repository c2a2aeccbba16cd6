// The analyzer pipeline: normalisation, segmentation of unspaced scripts, stop words, stemming and
// model-number handling, through the named analyzers a DBA can pick.
#include "core/text/analyzer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"

namespace commerce::text {
namespace {

std::vector<std::string> terms(const std::string &analyzer, std::string_view text) {
  std::vector<std::string> out;
  for (const Token &t : cached_analyzer(analyzer).analyze(text)) out.push_back(t.term);
  return out;
}

bool has(const std::vector<std::string> &v, const std::string &term) {
  return std::find(v.begin(), v.end(), term) != v.end();
}

TEST(Analyzer, EnglishStemsDropsStopWordsAndFoldsAccents) {
  EXPECT_EQ(terms("english", "The Runners were RUNNING to the café"),
            (std::vector<std::string>{"runner", "run", "cafe"}));
}

TEST(Analyzer, SimpleOnlyFoldsCase) {
  EXPECT_EQ(terms("simple", "The Runners café"),
            (std::vector<std::string>{"the", "runners", "café"}));
}

TEST(Analyzer, NfkcFoldsFullWidthLigaturesAndSharpS) {
  EXPECT_EQ(terms("simple", "ＳＯＮＹ ﬁne Straße"),
            (std::vector<std::string>{"sony", "fine", "strasse"}));
}

TEST(Analyzer, StopWordsKeepTheirPosition) {
  const auto tokens = cached_analyzer("english").analyze("wing in a slipstream");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].position, 0u);
  EXPECT_EQ(tokens[1].position, 3u);
}

TEST(Analyzer, OffsetsPointIntoTheOriginalText) {
  const std::string text = "Größe: Ｌ Jacke";
  for (const Token &t : cached_analyzer("german").analyze(text)) {
    ASSERT_LE(t.end, text.size());
    EXPECT_LT(t.begin, t.end);
  }
  const auto tokens = cached_analyzer("simple").analyze(text);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(text.substr(tokens[2].begin, tokens[2].end - tokens[2].begin), "Jacke");
  EXPECT_EQ(tokens[1].term, "l");
}

TEST(Analyzer, ModelNumbersYieldJoinedAndPartTerms) {
  const auto t = terms("english", "Sony WH-1000XM4 headphones");
  EXPECT_TRUE(has(t, "wh1000xm4"));
  EXPECT_TRUE(has(t, "wh"));
  EXPECT_TRUE(has(t, "1000xm4"));
  // Typed without the hyphen, or in full width, the joined term is the same.
  EXPECT_TRUE(has(terms("english", "wh1000xm4"), "wh1000xm4"));
  EXPECT_TRUE(has(terms("english", "ＷＨ－１０００ＸＭ４"), "wh1000xm4"));
}

TEST(Analyzer, NumbersWithUnitsAndFractionsStayFindable) {
  const auto t = terms("english", "4K TV with 1/2\" pipe, 2.5mm jack");
  EXPECT_TRUE(has(t, "4k"));
  EXPECT_TRUE(has(t, "1/2"));
  EXPECT_TRUE(has(t, "2.5mm"));
  EXPECT_FALSE(has(t, "12"));  // 1/2 is not twelve
}

TEST(Analyzer, OneLetterCompoundsAreJoined) {
  EXPECT_TRUE(has(terms("english", "T-shirt"), "tshirt"));
  // Ordinary hyphenated prose is not glued together.
  EXPECT_FALSE(has(terms("english", "state-of-the-art"), "stateoftheart"));
}

TEST(Analyzer, JoinedTermsDoNotCountTowardsLength) {
  const auto tokens = cached_analyzer("simple").analyze("WH-1000XM4");
  EXPECT_EQ(tokens.size(), 3u);
  EXPECT_EQ(Analyzer::length(tokens), 2u);
  EXPECT_TRUE(tokens[0].joined);  // joined term first, at its first part's position
  EXPECT_EQ(tokens[0].position, tokens[1].position);
}

TEST(Analyzer, DigitsAreNeitherStemmedNorStopped) {
  EXPECT_EQ(terms("english", "series 2000s"), (std::vector<std::string>{"seri", "2000s"}));
}

TEST(Analyzer, ThaiIsSegmentedIntoWords) {
  // "wireless headphones, new model, and backpack"
  const auto t = terms("thai", "หูฟังไร้สาย รุ่นใหม่ และ กระเป๋าเป้สะพายหลัง");
  EXPECT_TRUE(has(t, "สาย"));
  EXPECT_TRUE(has(t, "ใหม่"));
  EXPECT_TRUE(has(t, "กระเป๋า"));
  EXPECT_TRUE(has(t, "สะพาย"));
  EXPECT_FALSE(has(t, "และ"));  // Thai stop word
}

TEST(Analyzer, ThaiMarksSurviveAccentFolding) {
  // The icu analyzer folds accents; Thai vowels and tone marks are combining marks too.
  EXPECT_TRUE(has(terms("icu", "กระเป๋าเป้"), "กระเป๋า"));
}

TEST(Analyzer, ChineseIsSegmentedIntoWords) {
  const auto simplified = terms("icu", "OPPO A75 手机壳 羊毛保暖袜");
  EXPECT_TRUE(has(simplified, "oppo"));
  EXPECT_TRUE(has(simplified, "a75"));
  EXPECT_TRUE(has(simplified, "手机"));
  EXPECT_TRUE(has(simplified, "羊毛"));
  const auto traditional = terms("icu", "【PolarStar】美麗諾羊毛保暖襪『淺灰』P18634");
  EXPECT_TRUE(has(traditional, "polarstar"));
  EXPECT_TRUE(has(traditional, "保暖"));
  EXPECT_TRUE(has(traditional, "p18634"));
}

TEST(Analyzer, JapaneseIsSegmentedIntoWords) {
  const auto t = terms("icu", "ソニー ワイヤレスヘッドホン 黒色の革靴");
  EXPECT_TRUE(has(t, "ソニー"));
  EXPECT_TRUE(has(t, "ヘッドホン"));
  EXPECT_TRUE(has(t, "革靴"));
  EXPECT_TRUE(has(t, "黒色"));
}

TEST(Analyzer, PunctuationSymbolsAndEmptyTextGiveNoTerms) {
  EXPECT_TRUE(terms("english", "").empty());
  EXPECT_TRUE(terms("english", " ,.;!? — 😀 ").empty());
}

TEST(Analyzer, OverlongWordsAreDropped) {
  EXPECT_EQ(terms("simple", std::string(kMaxTermBytes + 1, 'a') + " ok"),
            (std::vector<std::string>{"ok"}));
}

TEST(Analyzer, InvalidUtf8DoesNotThrow) {
  EXPECT_NO_THROW(terms("english", std::string("ab\xff\xfe cd", 7)));
}

TEST(Analyzer, NamedAnalyzersIncludeTheRequiredOnes) {
  for (const char *name : {"english", "simple", "thai", "icu", "french", "german"})
    EXPECT_TRUE(find_analyzer(name).has_value()) << name;
  EXPECT_FALSE(find_analyzer("klingon").has_value());
}

TEST(Analyzer, UnknownAnalyzerIsAParameterError) {
  try {
    cached_analyzer("klingon");
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_STREQ(e.sqlstate(), "22023");
    EXPECT_NE(std::string(e.what()).find("klingon"), std::string::npos);
  }
}

TEST(Analyzer, FrenchStemsAfterStopWordsThenFoldsAccents) {
  EXPECT_EQ(terms("french", "des chaussures élégantes"),
            (std::vector<std::string>{"chaussur", "eleg"}));
}

}  // namespace
}  // namespace commerce::text
