// Bounded edit distance, typo expansion against an index's dictionary, and synonyms.
#include "core/text/bm25/expansion.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/text/bm25/edit_distance.h"
#include "core/text/bm25/search.h"

namespace commerce::text::bm25 {
namespace {

int distance(std::string_view a, std::string_view b, int max) {
  return bounded_edit_distance(code_points(a), code_points(b), max);
}

TEST(EditDistance, CountsInsertionsDeletionsSubstitutionsAndTranspositions) {
  EXPECT_EQ(distance("headphones", "headphones", 2), 0);
  EXPECT_EQ(distance("headphones", "headphone", 2), 1);
  EXPECT_EQ(distance("headphones", "hedphones", 2), 1);
  EXPECT_EQ(distance("headphones", "haedphones", 2), 1);  // transposition
  EXPECT_EQ(distance("headphones", "headfones", 2), 2);
  EXPECT_EQ(distance("kitten", "sitting", 2), 3);  // over the bound: bound + 1
  EXPECT_EQ(distance("", "ab", 1), 2);
  EXPECT_EQ(distance("กระเป๋า", "กระเปา", 1), 1);  // code points, not bytes
}

struct Catalog {
  InvertedIndex index;
  explicit Catalog(const std::vector<std::string> &titles) {
    for (std::size_t i = 0; i < titles.size(); ++i) {
      const auto tokens = cached_analyzer("english").analyze(titles[i]);
      index.add(static_cast<std::int64_t>(i), {Field{&tokens, 1.0}});
    }
  }
  std::vector<std::int64_t> search(const std::string &text, const TypoOptions &typos,
                                   const SynonymMap *synonyms = nullptr) {
    Query q = parse_query(text, cached_analyzer("english"));
    if (synonyms != nullptr) expand_synonyms(q, *synonyms);
    expand_typos(q, index, typos);
    CancelCheck cancel;
    std::vector<std::int64_t> keys;
    for (const Hit &h : top_k(index, q, 10, Params{}, cancel)) keys.push_back(h.key);
    return keys;
  }
};

TEST(TypoExpansion, FindsWordsWithinTheEditBound) {
  Catalog c({"wireless headphones", "leather sandals", "sony wh-1000xm3", "bluetooth speaker"});
  EXPECT_EQ(c.search("wireles", {}), (std::vector<std::int64_t>{0}));  // 1 edit, 7 letters
  EXPECT_EQ(c.search("bluetoth", {}), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(c.search("sandels", {}), (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(c.search("wireles", TypoOptions{false}).empty());          // turned off
  EXPECT_EQ(c.search("headphnes", {}), (std::vector<std::int64_t>{0}));  // via its stem
}

TEST(TypoExpansion, ShortWordsAndModelNumbersMustBeExact) {
  Catalog c({"red shoe", "sony wh1000xm3"});
  EXPECT_TRUE(c.search("rad", {}).empty());
  EXPECT_TRUE(c.search("wh1000xm4", {}).empty());
}

TEST(TypoExpansion, ExactMatchesOutrankVariants) {
  Catalog c({"leather boots", "leathers"});
  const auto keys = c.search("leathers", {});
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], 1);
}

TEST(Synonyms, TwoWayAndOneWay) {
  Catalog c({"grey sofa", "leather couch", "television stand", "tv remote"});
  SynonymMap synonyms;
  synonyms.add("sofa", "couch", true, cached_analyzer("english"));
  synonyms.add("tv", "television", false, cached_analyzer("english"));
  const TypoOptions off{false};
  auto sorted = [](std::vector<std::int64_t> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(sorted(c.search("sofa", off, &synonyms)), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(sorted(c.search("couch", off, &synonyms)), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(sorted(c.search("tv", off, &synonyms)), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(sorted(c.search("television", off, &synonyms)), (std::vector<std::int64_t>{2}));
  // A required word may be met by its synonym.
  EXPECT_EQ(sorted(c.search("+couch grey", off, &synonyms)), (std::vector<std::int64_t>{0, 1}));
}

TEST(Synonyms, RejectsStopWordsAndMultiWordKeys) {
  SynonymMap synonyms;
  EXPECT_THROW(synonyms.add("the", "sofa", true, cached_analyzer("english")), Error);
  EXPECT_THROW(synonyms.add("tv set", "television", false, cached_analyzer("english")), Error);
  EXPECT_NO_THROW(synonyms.add("tv", "television set", false, cached_analyzer("english")));
  EXPECT_THROW(synonyms.add("tv", "television set", true, cached_analyzer("english")), Error);
  EXPECT_EQ(synonyms.size(), 1u);
}

}  // namespace
}  // namespace commerce::text::bm25
