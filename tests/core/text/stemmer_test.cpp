// The Snowball stemmers through libstemmer, and the checked-in stop-word lists.
#include "core/text/stemmer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"
#include "core/text/analyzer.h"
#include "core/text/stopwords.h"

namespace commerce::text {
namespace {

TEST(Stemmer, EnglishIsSnowballPorter2) {
  Stemmer english("english");
  EXPECT_EQ(english.stem("running"), "run");
  EXPECT_EQ(english.stem("generously"), "generous");  // Porter2, not the original Porter
  EXPECT_EQ(english.stem("aerodynamics"), "aerodynam");
  EXPECT_EQ(english.stem(""), "");
}

TEST(Stemmer, OtherLanguagesWorkOnUtf8) {
  EXPECT_EQ(Stemmer("german").stem("häuser"), "haus");
  EXPECT_EQ(Stemmer("russian").stem("книги"), "книг");
}

TEST(Stemmer, EveryAnalyzerLanguageExists) {
  const auto available = Stemmer::languages();
  for (const auto &config : analyzers()) {
    if (config.stem_language.empty()) continue;
    EXPECT_NE(std::find(available.begin(), available.end(), config.stem_language), available.end())
        << config.stem_language;
  }
}

TEST(Stemmer, UnknownLanguageIsAParameterError) {
  try {
    Stemmer("klingon");
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_STREQ(e.sqlstate(), "22023");
  }
}

TEST(StopWords, ListsExistForEveryAnalyzerThatUsesOne) {
  for (const auto &config : analyzers()) {
    if (config.stop_language.empty()) continue;
    const StopList *list = stop_list(config.stop_language);
    ASSERT_NE(list, nullptr) << config.stop_language;
    EXPECT_GT(list->size(), 20u) << config.stop_language;
  }
  EXPECT_EQ(stop_list("klingon"), nullptr);
  EXPECT_TRUE(stop_list("english")->contains("the"));
  EXPECT_FALSE(stop_list("english")->contains("shoe"));
  EXPECT_TRUE(stop_list("thai")->contains("และ"));
}

}  // namespace
}  // namespace commerce::text
