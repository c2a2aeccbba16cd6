// Snippet selection and match marking.
#include "core/text/highlight.h"

#include <gtest/gtest.h>

namespace commerce::text {
namespace {

std::string mark(std::string_view text, std::unordered_set<std::string> terms,
                 std::size_t max_words = 0, const char *analyzer = "english") {
  HighlightOptions options;
  options.max_words = max_words;
  return highlight(text, cached_analyzer(analyzer), terms, options);
}

TEST(Highlight, MarksAnalysedMatchesInTheOriginalText) {
  EXPECT_EQ(mark("Running Shoes for trail RUNNERS", {"run", "runner"}),
            "<b>Running</b> Shoes for trail <b>RUNNERS</b>");
}

TEST(Highlight, MarksAWholeModelNumber) {
  EXPECT_EQ(mark("Sony WH-1000XM4, black", {"wh1000xm4"}), "Sony <b>WH-1000XM4</b>, black");
  // Matching one part marks only that part.
  EXPECT_EQ(mark("Sony WH-1000XM4", {"wh"}), "Sony <b>WH</b>-1000XM4");
}

TEST(Highlight, PicksTheWindowWithTheMostMatches) {
  const std::string text = "one two three four five six wool seven wool eight nine ten";
  EXPECT_EQ(mark(text, {"wool"}, 4, "simple"), "…six <b>wool</b> seven <b>wool</b>…");
  EXPECT_EQ(mark(text, {"absent"}, 3, "simple"), "one two three…");
}

TEST(Highlight, ThaiAndJapaneseWordsInsideUnspacedText) {
  EXPECT_EQ(mark("หูฟังไร้สาย", {"สาย"}, 0, "thai"), "หูฟังไร้<b>สาย</b>");
  EXPECT_EQ(mark("ワイヤレスヘッドホン", {"ヘッドホン"}, 0, "icu"), "ワイヤレス<b>ヘッドホン</b>");
}

TEST(Highlight, EmptyTextAndNoTerms) {
  EXPECT_EQ(mark("", {"x"}), "");
  EXPECT_EQ(mark("plain text", {}), "plain text");
}

}  // namespace
}  // namespace commerce::text
