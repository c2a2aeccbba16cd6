#include "core/recs/diversify.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/error.h"

namespace commerce::recs {
namespace {

// Items 0 and 1 share a category, 2 is alone: with lambda 0.5, after picking 0 (relevance 1),
// 1 scores 0.5 * 0.9 - 0.5 * 1 = -0.05 and 2 scores 0.5 * 0.5 = 0.25, so 2 comes second.
TEST(Mmr, PrefersADifferentCategoryByHand) {
  const std::vector<Scored> candidates = {{10, 1.0f}, {11, 0.9f}, {12, 0.5f}};
  const std::vector<int> category = {0, 0, 1};
  const auto same = [&](std::size_t a, std::size_t b) {
    return category[a] == category[b] ? 1.0f : 0.0f;
  };
  const auto diverse = diversify_mmr(candidates, 3, 0.5f, same);
  ASSERT_EQ(diverse.size(), 3u);
  EXPECT_EQ(diverse[0].item, 10);
  EXPECT_EQ(diverse[1].item, 12);
  EXPECT_EQ(diverse[2].item, 11);
  EXPECT_FLOAT_EQ(diverse[1].score, 0.5f);  // scores are passed through unchanged
  const auto unchanged = diversify_mmr(candidates, 2, 1.0f, same);
  ASSERT_EQ(unchanged.size(), 2u);
  EXPECT_EQ(unchanged[1].item, 11);
}

TEST(Mmr, RejectsLambdaOutsideTheUnitInterval) {
  const std::vector<Scored> candidates = {{1, 1.0f}};
  const auto none = [](std::size_t, std::size_t) { return 0.0f; };
  EXPECT_THROW(diversify_mmr(candidates, 1, 1.5f, none), Error);
  EXPECT_THROW(diversify_mmr(candidates, 1, -0.1f, none), Error);
  EXPECT_TRUE(diversify_mmr(candidates, 0, 0.5f, none).empty());
}

}  // namespace
}  // namespace commerce::recs
