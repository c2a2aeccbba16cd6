#include "core/recs/spd_inverse.h"

#include <gtest/gtest.h>

#include <random>

#include "core/error.h"

namespace commerce::recs {
namespace {

TEST(SpdInverse, TwoByTwoByHand) {
  Eigen::MatrixXf m(2, 2);
  m << 2, 1, 1, 2;  // inverse is [2 -1; -1 2] / 3
  CancelCheck cancel;
  invert_spd_in_place(m, cancel);
  EXPECT_NEAR(m(0, 0), 2.0 / 3, 1e-6);
  EXPECT_NEAR(m(0, 1), -1.0 / 3, 1e-6);
  EXPECT_NEAR(m(1, 0), -1.0 / 3, 1e-6);
  EXPECT_NEAR(m(1, 1), 2.0 / 3, 1e-6);
}

// 700 exceeds both the recursion leaf (64) and two Cholesky panels (256), so every blocked path
// runs; the result must match a double-precision inverse.
TEST(SpdInverse, MatchesDoublePrecisionInverseOnBlockedSizes) {
  for (const int n : {1, 63, 65, 257, 700}) {
    std::mt19937 rng(static_cast<unsigned>(n));
    std::normal_distribution<double> normal;
    Eigen::MatrixXd a(n, n / 2 + 1);
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = normal(rng);
    Eigen::MatrixXd spd = a * a.transpose();
    spd.diagonal().array() += 5.0;
    Eigen::MatrixXf m = spd.cast<float>();
    m.triangularView<Eigen::StrictlyUpper>().setConstant(1e9f);  // only the lower half is read
    CancelCheck cancel;
    invert_spd_in_place(m, cancel);
    const Eigen::MatrixXd expected = spd.inverse();
    EXPECT_LT((m.cast<double>() - expected).cwiseAbs().maxCoeff(),
              1e-4 * expected.cwiseAbs().maxCoeff())
        << "n=" << n;
  }
}

TEST(SpdInverse, RejectsMatrixThatIsNotPositiveDefinite) {
  Eigen::MatrixXf m(2, 2);
  m << 1, 2, 2, 1;
  CancelCheck cancel;
  try {
    invert_spd_in_place(m, cancel);
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_STREQ(e.sqlstate(), "22023");
  }
}

TEST(SpdInverse, HonoursCancel) {
  Eigen::MatrixXf m = Eigen::MatrixXf::Identity(600, 600);
  CancelCheck cancel([] { return true; }, 1);
  EXPECT_THROW(invert_spd_in_place(m, cancel), Cancelled);
}

}  // namespace
}  // namespace commerce::recs
