// The query syntax: OR by default, +required, -excluded, "phrases", and items the analyzer splits.
#include "core/text/bm25/query.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace commerce::text::bm25 {
namespace {

std::string parsed(std::string_view text, const char *analyzer = "english") {
  return describe(parse_query(text, cached_analyzer(analyzer)));
}

TEST(Bm25Query, WordsAreOptionalAndAnalysed) {
  EXPECT_EQ(parsed("Running Shoes"), "run shoe");
}

TEST(Bm25Query, RequiredExcludedAndPhrases) {
  EXPECT_EQ(parsed("+leather -suede boots"), "+leather -sued boot");
  EXPECT_EQ(parsed("\"noise cancelling\" headphones"), "\"nois cancel\" headphon");
  EXPECT_EQ(parsed("+\"red wine\""), "+\"red wine\"");
}

TEST(Bm25Query, PhraseOffsetsSkipStopWords) {
  const Query q = parse_query("\"wing in a slipstream\"", cached_analyzer("english"));
  ASSERT_EQ(q.clauses.size(), 1u);
  EXPECT_EQ(q.clauses[0].alternatives[0].offsets, (std::vector<std::uint32_t>{0, 3}));
}

TEST(Bm25Query, ModelNumbersGiveJoinedAndPartTerms) {
  EXPECT_EQ(parsed("WH-1000XM4"), "wh1000xm4 wh 1000xm4");
  // Required: the joined term, or the parts as a phrase.
  EXPECT_EQ(parsed("+WH-1000XM4"), "+(wh1000xm4 | \"wh 1000xm4\")");
}

TEST(Bm25Query, UnspacedThaiIsSplitIntoOptionalWords) {
  const Query q = parse_query("กระเป๋าเป้", cached_analyzer("thai"));
  EXPECT_EQ(q.clauses.size(), 2u);
  const Query required = parse_query("+กระเป๋าเป้", cached_analyzer("thai"));
  ASSERT_EQ(required.clauses.size(), 1u);
  EXPECT_TRUE(required.clauses[0].alternatives[0].is_phrase());
}

TEST(Bm25Query, StopWordsPunctuationAndLoneSignsVanish) {
  EXPECT_EQ(parsed("the of , + -"), "");
  EXPECT_TRUE(parse_query("", cached_analyzer("english")).clauses.empty());
}

TEST(Bm25Query, InchMarkInsideAWordIsNotAPhrase) {
  EXPECT_EQ(parsed("1/2\" pipe"), "1/2 1 2 pipe");
}

TEST(Bm25Query, UnterminatedPhraseIsMalformed) {
  try {
    parse_query("\"noise cancelling", cached_analyzer("english"));
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_STREQ(e.sqlstate(), "22P02");
  }
}

}  // namespace
}  // namespace commerce::text::bm25
