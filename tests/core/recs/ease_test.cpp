#include "core/recs/ease.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/error.h"
#include "make_sequence_set.h"

namespace commerce::recs {
namespace {

// X = [1 1; 1 0], lambda = 1: G + I = [3 1; 1 2], P = [2 -1; -1 3] / 5,
// B(0,1) = -P(0,1) / P(1,1) = 1/3 and B(1,0) = -P(1,0) / P(0,0) = 1/2.
TEST(Ease, TwoItemsByHand) {
  const auto set = make_set(2, {{0, 1}, {0}});
  EaseParams params;
  params.lambda = 1.0f;
  CancelCheck cancel;
  const EaseModel model = train_ease(set, params, cancel);
  const auto &w = model.weights();  // column h = row h of B
  EXPECT_FLOAT_EQ(w(0, 0), 0.0f);
  EXPECT_FLOAT_EQ(w(1, 1), 0.0f);
  EXPECT_NEAR(w(1, 0), 1.0 / 3, 1e-6);  // B(0, 1)
  EXPECT_NEAR(w(0, 1), 1.0 / 2, 1e-6);  // B(1, 0)
}

TEST(Ease, RepeatsAndOrderDoNotMatter) {
  CancelCheck cancel;
  EaseParams params;
  const auto a = train_ease(make_set(3, {{0, 1, 0, 1}, {2, 1}}), params, cancel);
  const auto b = train_ease(make_set(3, {{1, 0}, {1, 2}}), params, cancel);
  EXPECT_TRUE(a.weights().isApprox(b.weights()));
}

// Against the textbook formula in double precision on random data.
TEST(Ease, MatchesClosedFormOnRandomData) {
  const int n = 150;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> item(0, n - 1);
  SequenceSet set(n);
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(400, n);
  for (int u = 0; u < 400; ++u) {
    std::vector<std::int32_t> s;
    for (int k = 0; k < 6; ++k) {
      s.push_back(item(rng));
      x(u, s.back()) = 1.0;
    }
    set.add(s);
  }
  EaseParams params;
  params.lambda = 10.0f;
  CancelCheck cancel;
  const auto model = train_ease(set, params, cancel);
  Eigen::MatrixXd g = x.transpose() * x;
  g.diagonal().array() += 10.0;
  const Eigen::MatrixXd p = g.inverse();
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const double b = i == j ? 0.0 : -p(i, j) / p(j, j);
      ASSERT_NEAR(model.weights()(j, i), b, 1e-4) << i << "," << j;
    }
  }
}

TEST(Ease, ScoresAreTheWeightedSumOfHistoryRows) {
  CancelCheck cancel;
  EaseParams params;
  params.lambda = 1.0f;
  const auto model = train_ease(make_set(2, {{0, 1}, {0}}), params, cancel);
  std::vector<float> scores(2, 0.0f);
  const std::vector<std::int32_t> history = {0};
  const std::vector<float> weights = {2.0f};
  model.accumulate(history, weights, scores);
  EXPECT_FLOAT_EQ(scores[0], 0.0f);
  EXPECT_NEAR(scores[1], 2.0 / 3, 1e-6);
}

TEST(Ease, NeighbourListsKeepTheLargestPositiveWeights) {
  CancelCheck cancel;
  EaseParams params;
  params.lambda = 1.0f;
  const auto lists = train_ease(make_set(2, {{0, 1}, {0}}), params, cancel).to_neighbors(5, cancel);
  ASSERT_EQ(lists.rows(), 2u);
  ASSERT_EQ(lists[0].size(), 1u);
  EXPECT_EQ(lists[0][0].item, 1);
  EXPECT_NEAR(lists[0][0].weight, 1.0 / 3, 1e-6);
}

TEST(Ease, ItemCountOverBudgetIsALimitError) {
  const auto set = make_set(1000, {{0, 999}});
  EaseParams params;
  params.max_bytes = ease_bytes_needed(1000) - 1;
  CancelCheck cancel;
  try {
    train_ease(set, params, cancel);
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_STREQ(e.sqlstate(), "54000");
    EXPECT_NE(std::string(e.what()).find("1000 items"), std::string::npos) << e.what();
    EXPECT_FALSE(e.hint().empty());
  }
}

TEST(Ease, RejectsBadLambda) {
  CancelCheck cancel;
  for (const float lambda : {0.0f, -1.0f, std::numeric_limits<float>::quiet_NaN(),
                             std::numeric_limits<float>::infinity()}) {
    EaseParams params;
    params.lambda = lambda;
    try {
      train_ease(make_set(2, {{0, 1}}), params, cancel);
      FAIL() << "expected an error for " << lambda;
    } catch (const Error &e) {
      EXPECT_STREQ(e.sqlstate(), "22023");
    }
  }
}

}  // namespace
}  // namespace commerce::recs
