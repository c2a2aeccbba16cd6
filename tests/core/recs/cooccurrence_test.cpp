#include "core/recs/cooccurrence.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "make_sequence_set.h"
#include "core/recs/transitions.h"

namespace commerce::recs {
namespace {

// Item counts c0 = 3, c1 = 2, c2 = 2; pairs c01 = 2, c02 = 2, c12 = 1.
TEST(Cooccurrence, CosineByHand) {
  CancelCheck cancel;
  const auto lists = train_cooccurrence(make_set(3, {{0, 1}, {0, 1, 2}, {2, 0, 2}}), {}, cancel);
  ASSERT_EQ(lists[0].size(), 2u);
  EXPECT_EQ(lists[0][0].item, 1);  // tie with item 2: lower index first
  EXPECT_NEAR(lists[0][0].weight, 2 / std::sqrt(6.0), 1e-6);
  EXPECT_NEAR(lists[0][1].weight, 2 / std::sqrt(6.0), 1e-6);
  ASSERT_EQ(lists[1].size(), 2u);
  EXPECT_EQ(lists[1][1].item, 2);
  EXPECT_NEAR(lists[1][1].weight, 0.5, 1e-6);
}

TEST(Cooccurrence, KeepAndHistoryCap) {
  CancelCheck cancel;
  CooccurrenceParams params;
  params.keep = 1;
  params.max_history = 2;  // {0, 1, 2} pairs up as {1, 2} only
  const auto lists = train_cooccurrence(make_set(3, {{0, 1, 2}}), params, cancel);
  EXPECT_EQ(lists[0].size(), 0u);
  ASSERT_EQ(lists[1].size(), 1u);
  EXPECT_EQ(lists[1][0].item, 2);
  EXPECT_FLOAT_EQ(lists[1][0].weight, 1.0f);
}

// From 0: next is 1 twice and 2 once, smoothing 1, so 2/4 and 1/4; from 1: 2 once, 1/2.
TEST(Transitions, NextItemProbabilitiesByHand) {
  CancelCheck cancel;
  const auto lists = train_transitions(make_set(3, {{0, 1, 2}, {0, 1}, {0, 2}}), {}, cancel);
  ASSERT_EQ(lists[0].size(), 2u);
  EXPECT_EQ(lists[0][0].item, 1);
  EXPECT_FLOAT_EQ(lists[0][0].weight, 0.5f);
  EXPECT_FLOAT_EQ(lists[0][1].weight, 0.25f);
  ASSERT_EQ(lists[1].size(), 1u);
  EXPECT_FLOAT_EQ(lists[1][0].weight, 0.5f);
  EXPECT_EQ(lists[2].size(), 0u);
}

// Window 2 with decay 0.5 adds 0 -> 2 at weight 0.5 from {0, 1, 2}: row 0 totals 1.5 + 0 smoothing.
TEST(Transitions, WindowCountsLaterItemsWithDecay) {
  CancelCheck cancel;
  TransitionParams params;
  params.window = 2;
  params.smoothing = 0.0f;
  const auto lists = train_transitions(make_set(3, {{0, 1, 2}}), params, cancel);
  ASSERT_EQ(lists[0].size(), 2u);
  EXPECT_NEAR(lists[0][0].weight, 1 / 1.5, 1e-6);
  EXPECT_NEAR(lists[0][1].weight, 0.5 / 1.5, 1e-6);
}

TEST(Transitions, RejectsBadParameters) {
  CancelCheck cancel;
  TransitionParams params;
  params.window = 0;
  EXPECT_THROW(train_transitions(make_set(2, {{0, 1}}), params, cancel), Error);
  params.window = 1;
  params.window_decay = 1.5f;
  EXPECT_THROW(train_transitions(make_set(2, {{0, 1}}), params, cancel), Error);
}

}  // namespace
}  // namespace commerce::recs
