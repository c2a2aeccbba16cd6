#include "core/recs/neighbors.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/error.h"
#include "core/recs/sequences.h"

namespace commerce::recs {
namespace {

TEST(NeighborLists, KeepsHeaviestPositiveEntriesSorted) {
  NeighborLists lists(4);
  lists.add_row({{1, 0.2f}, {2, 0.9f}, {3, -0.5f}, {0, 0.0f}}, 5);
  lists.add_row({{0, 0.3f}, {2, 0.3f}, {3, 0.7f}}, 2);
  ASSERT_EQ(lists.rows(), 2u);
  ASSERT_EQ(lists[0].size(), 2u);  // the negative and the zero weight are dropped
  EXPECT_EQ(lists[0][0].item, 2);
  EXPECT_EQ(lists[0][1].item, 1);
  ASSERT_EQ(lists[1].size(), 2u);  // ties go to the lower index
  EXPECT_EQ(lists[1][0].item, 3);
  EXPECT_EQ(lists[1][1].item, 0);
}

TEST(NeighborLists, AccumulatesWeightedRowsAndSkipsUnknownItems) {
  NeighborLists lists(3);
  lists.add_row({{1, 0.5f}}, 10);
  lists.add_row({{2, 1.0f}, {0, 0.25f}}, 10);
  std::vector<float> scores(3, 0.0f);
  const std::vector<std::int32_t> items = {0, 1, 7};
  const std::vector<float> weights = {2.0f, 1.0f, 100.0f};
  lists.accumulate(items, weights, scores);
  EXPECT_FLOAT_EQ(scores[0], 0.25f);
  EXPECT_FLOAT_EQ(scores[1], 1.0f);
  EXPECT_FLOAT_EQ(scores[2], 1.0f);
}

TEST(SequenceSet, RejectsItemsOutsideTheCatalogue) {
  SequenceSet set(3);
  const std::vector<std::int32_t> good = {0, 2}, bad = {1, 3};
  set.add(good);
  EXPECT_THROW(set.add(bad), Error);
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0][1], 2);
}

TEST(SequenceSet, RecencyWeightsHalveEachStepBack) {
  const auto w = recency_weights(3, 0.5f);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_FLOAT_EQ(w[0], 0.25f);
  EXPECT_FLOAT_EQ(w[1], 0.5f);
  EXPECT_FLOAT_EQ(w[2], 1.0f);
}

}  // namespace
}  // namespace commerce::recs
