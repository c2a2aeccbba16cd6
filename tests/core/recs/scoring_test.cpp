#include "core/recs/scoring.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace commerce::recs {
namespace {

TEST(TopK, BestFirstWithExclusionsAndTies) {
  const std::vector<float> scores = {0.5f, 0.9f, 0.9f, 0.1f, std::nanf("")};
  const std::vector<std::int32_t> exclude = {1};
  const auto top = top_k(scores, 2, exclude);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].item, 2);
  EXPECT_EQ(top[1].item, 0);
  const auto all = top_k(scores, 10, {});
  ASSERT_EQ(all.size(), 4u);  // the NaN never ranks
  EXPECT_EQ(all[0].item, 1);  // equal scores: lower index first
  EXPECT_EQ(all[1].item, 2);
  EXPECT_TRUE(top_k(scores, 0, {}).empty());
}

TEST(ScaleToUnitMax, DividesByTheLargestPositiveValue) {
  std::vector<float> s = {2.0f, -4.0f, 4.0f};
  scale_to_unit_max(s);
  EXPECT_FLOAT_EQ(s[0], 0.5f);
  EXPECT_FLOAT_EQ(s[1], -1.0f);
  EXPECT_FLOAT_EQ(s[2], 1.0f);
  std::vector<float> negative = {-1.0f, -2.0f};
  scale_to_unit_max(negative);
  EXPECT_FLOAT_EQ(negative[1], -2.0f);
}

// Co-occurrence from the whole (recency-weighted) history, transitions from the newest item:
// each source is scaled to a maximum of 1 before its weight applies.
TEST(ScoreHistory, BlendsScaledSources) {
  NeighborLists cooc(3), trans(3);
  cooc.add_row({{2, 4.0f}}, 10);  // 0 -> 2
  cooc.add_row({{0, 2.0f}}, 10);  // 1 -> 0
  cooc.add_row({}, 10);
  trans.add_row({}, 10);
  trans.add_row({{2, 0.1f}}, 10);  // 1 -> 2
  trans.add_row({}, 10);
  const std::vector<float> popularity = {3.0f, 1.0f, 0.0f};
  ScoringSources sources;
  sources.cooccurrence = &cooc;
  sources.transitions = &trans;
  sources.popularity = popularity;
  ScoringParams params;
  params.collaborative_weight = 0.0f;
  params.cooccurrence_weight = 1.0f;
  params.transition_weight = 2.0f;
  params.popularity_weight = 0.3f;
  params.history_decay = 0.5f;
  const std::vector<std::int32_t> history = {0, 1};  // weights 0.5, 1
  std::vector<float> scores(3);
  ScoringScratch scratch;
  score_history(sources, params, history, scores, scratch);
  // co-occurrence raw: item0 = 2, item2 = 2 -> scaled 1, 1; transitions: item2 = 1;
  // popularity scaled: 1, 1/3, 0.
  EXPECT_FLOAT_EQ(scores[0], 1.0f + 0.3f);
  EXPECT_FLOAT_EQ(scores[1], 0.1f);
  EXPECT_FLOAT_EQ(scores[2], 1.0f + 2.0f);
}

TEST(ScoreHistory, EmptyHistoryFallsBackToPopularity) {
  const std::vector<float> popularity = {1.0f, 4.0f};
  ScoringSources sources;
  sources.popularity = popularity;
  ScoringParams params;
  params.transition_weight = 1.0f;
  params.popularity_weight = 1.0f;
  std::vector<float> scores(2);
  ScoringScratch scratch;
  score_history(sources, params, {}, scores, scratch);
  EXPECT_FLOAT_EQ(scores[0], 0.25f);
  EXPECT_FLOAT_EQ(scores[1], 1.0f);
}

}  // namespace
}  // namespace commerce::recs
