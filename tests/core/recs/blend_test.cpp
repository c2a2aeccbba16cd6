#include "core/recs/blend.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace commerce::recs {
namespace {

const BlendedItem *find(const std::vector<BlendedItem> &rows, std::int64_t item) {
  for (const BlendedItem &r : rows) {
    if (r.item == item) return &r;
  }
  return nullptr;
}

// History 10 (newest) then 20. Collaborative lists: 10 -> {1: 0.5, 2: 0.25}, 20 -> {1: 1.0};
// with decay 0.5 item 1 scores 0.5 + 0.5 * 1.0 = 1.0 and item 2 0.25, so scaled 1 and 0.25.
// Transition of 10 -> {3: 0.8} (depth 1: 20's transition list {4: 0.9} is too old).
TEST(Blend, ScalesWeightsAndExplainsByHand) {
  const std::vector<std::int64_t> history = {10, 20};
  const std::vector<std::int64_t> c10 = {1, 2}, c20 = {1}, t10 = {3}, t20 = {4};
  const std::vector<float> w10 = {0.5f, 0.25f}, w20 = {1.0f}, tw10 = {0.8f}, tw20 = {0.9f};
  const std::vector<HistoryList> lists = {
      {10, false, c10, w10}, {20, false, c20, w20}, {10, true, t10, tw10}, {20, true, t20, tw20}};
  const std::vector<std::int64_t> pop_items = {2, 5};
  const std::vector<float> pop_scores = {4.0f, 2.0f};
  BlendParams params;
  params.history = history;
  params.weights = {1.0f, 0.5f, 0.1f, 0.0f};
  params.history_decay = 0.5;
  params.transition_depth = 1;
  params.candidates = 10;
  const auto rows = blend_history(lists, {pop_items, pop_scores}, {}, params);
  ASSERT_EQ(rows.size(), 4u);  // 1, 2, 3, 5; never 4
  EXPECT_EQ(find(rows, 4), nullptr);
  const BlendedItem *one = find(rows, 1);
  ASSERT_NE(one, nullptr);
  EXPECT_FLOAT_EQ(one->part[0], 1.0f);
  EXPECT_FLOAT_EQ(one->base, 1.0f);
  // Both history items gave item 1 a contribution of 0.5: the tie goes to the newer one.
  EXPECT_TRUE(one->has_from[0]);
  EXPECT_EQ(one->from[0], 10);
  EXPECT_FALSE(one->has_from[1]);
  const BlendedItem *two = find(rows, 2);
  EXPECT_FLOAT_EQ(two->part[0], 0.25f);
  EXPECT_FLOAT_EQ(two->part[2], 1.0f);
  EXPECT_FLOAT_EQ(two->base, 0.25f + 0.1f);
  const BlendedItem *three = find(rows, 3);
  EXPECT_FLOAT_EQ(three->part[1], 1.0f);
  EXPECT_EQ(three->from[1], 10);
  EXPECT_FLOAT_EQ(three->base, 0.5f);
  EXPECT_FLOAT_EQ(find(rows, 5)->base, 0.05f);
  // Best first.
  EXPECT_EQ(rows[0].item, 1);
  EXPECT_EQ(rows[1].item, 3);
  EXPECT_EQ(rows[2].item, 2);
  EXPECT_EQ(rows[3].item, 5);
}

TEST(Blend, ExcludesKeepsTheBestAndBreaksTiesByItem) {
  std::vector<std::int64_t> items;
  std::vector<float> scores;
  for (std::int64_t i = 100; i > 0; --i) {
    items.push_back(i);
    scores.push_back(i <= 50 ? 1.0f : 2.0f);  // 51..100 tie above 1..50
  }
  const std::vector<std::int64_t> excluded = {51, 7};
  BlendParams params;
  params.excluded = excluded;
  params.weights = {1.0f, 1.0f, 1.0f, 1.0f};
  params.candidates = 60;
  const auto rows = blend_history({}, {items, scores}, {}, params);
  ASSERT_EQ(rows.size(), 60u);
  EXPECT_EQ(rows[0].item, 52);  // 51 excluded; ties ascending by item
  EXPECT_EQ(rows[48].item, 100);
  EXPECT_EQ(rows[49].item, 1);
  EXPECT_EQ(rows[55].item, 8);  // 7 excluded
  EXPECT_FLOAT_EQ(rows[49].base, 0.5f);
  EXPECT_FALSE(rows[0].has_from[0]);
  params.candidates = 0;
  EXPECT_TRUE(blend_history({}, {items, scores}, {}, params).empty());
}

TEST(Blend, AnEmptyHistoryWithoutPopularityGivesNothing) {
  BlendParams params;
  EXPECT_TRUE(blend_history({}, {}, {}, params).empty());
}

}  // namespace
}  // namespace commerce::recs
