// Units for float16 storage (core/vector/hnsw/half.h): rounding, range, the half distance
// kernels against the float ones, and that exact_lower_bound never exceeds the exact distance
// the SQL operators compute (on the float vectors), which the executor's re-ranking
// relies on.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/vector/distance.h"
#include "core/vector/hnsw/half.h"

namespace commerce::vector::hnsw {
namespace {

TEST(HnswHalf, RoundsWithinHalfPrecision) {
  const std::vector<float> in{0.0f, 1.0f, -2.5f, 0.1234567f, 65504.0f, -65504.0f, 1e-6f, 3.14159f};
  std::vector<Half> h(in.size());
  std::vector<float> out(in.size());
  to_half(in.data(), h.data(), in.size());
  from_half(h.data(), out.data(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    // Relative error 2^-11 for normal values, absolute 2^-25 near zero.
    EXPECT_LE(std::fabs(out[i] - in[i]), std::ldexp(std::fabs(in[i]), -11) + 0x1p-25f) << in[i];
  }
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], 1.0f);
  EXPECT_EQ(out[2], -2.5f);
  EXPECT_EQ(out[4], 65504.0f);
  EXPECT_NE(out[3], in[3]);  // not representable: rounded
}

TEST(HnswHalf, Range) {
  const float ok[] = {65504.0f, -65504.0f, 0.0f};
  const float too_big[] = {1.0f, 65520.0f};
  const float not_finite[] = {std::nanf(""), 1.0f};
  EXPECT_TRUE(fits_half(ok, 3));
  EXPECT_FALSE(fits_half(too_big, 2));
  EXPECT_FALSE(fits_half(not_finite, 2));
}

// Every length from 1 to 70 exercises the vector loops and their tails.
TEST(HnswHalf, KernelsMatchFloatDistances) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (std::size_t n = 1; n <= 70; ++n) {
    std::vector<float> q(n), v(n), rounded(n);
    std::vector<Half> h(n);
    for (std::size_t i = 0; i < n; ++i) {
      q[i] = normal(rng);
      v[i] = normal(rng);
    }
    to_half(v.data(), h.data(), n);
    from_half(h.data(), rounded.data(), n);
    for (Metric m : {Metric::kL2, Metric::kCosine, Metric::kInnerProduct}) {
      const float want = graph_distance(m, q.data(), rounded.data(), n);
      EXPECT_NEAR(graph_distance(m, q.data(), h.data(), n), want, 1e-4f * (1.0f + std::fabs(want)))
          << n;
    }
  }
}

// The operators' exact values, as src/pg/types/embedding_distance.cpp computes them.
double exact(Metric metric, const std::vector<float> &q, const std::vector<float> &v) {
  switch (metric) {
    case Metric::kL2:
      return std::sqrt(
          static_cast<double>(vector::l2_squared_distance(q.data(), v.data(), q.size())));
    case Metric::kCosine:
      return vector::cosine_distance(q.data(), v.data(), q.size());
    case Metric::kInnerProduct:
      return -static_cast<double>(vector::inner_product(q.data(), v.data(), q.size()));
  }
  return 0.0;
}

TEST(HnswHalf, LowerBoundNeverExceedsExactDistance) {
  std::mt19937 rng(11);
  for (std::size_t n : {3u, 16u, 128u, 1000u}) {
    for (float scale : {1e-3f, 1.0f, 300.0f}) {
      std::normal_distribution<float> normal(0.0f, scale);
      for (int trial = 0; trial < 200; ++trial) {
        std::vector<float> q(n), v(n);
        for (std::size_t i = 0; i < n; ++i) {
          q[i] = normal(rng);
          // Half the trials put v very near q, where rounding matters most.
          v[i] = trial % 2 == 0 ? normal(rng) : q[i] * (1.0f + 1e-4f * normal(rng) / scale);
        }
        for (Metric m : {Metric::kL2, Metric::kCosine, Metric::kInnerProduct}) {
          std::vector<float> pq(n), pv(n);
          ASSERT_TRUE(prepare_vector(m, q, pq));
          ASSERT_TRUE(prepare_vector(m, v, pv));
          std::vector<Half> h(n);
          to_half(pv.data(), h.data(), n);
          std::vector<float> rounded(n);
          from_half(h.data(), rounded.data(), n);
          double qn = 0.0, vn = 0.0;
          for (std::size_t i = 0; i < n; ++i) {
            qn += static_cast<double>(pq[i]) * pq[i];
            vn += static_cast<double>(rounded[i]) * rounded[i];
          }
          const float graph = graph_distance(m, pq.data(), h.data(), n);
          const double bound = exact_lower_bound(m, graph, static_cast<float>(std::sqrt(qn)),
                                                 static_cast<float>(std::sqrt(vn)), n);
          const double want = exact(m, q, v);
          EXPECT_LE(bound, want) << "metric " << static_cast<int>(m) << " n " << n;
          // And it is tight enough to be useful: the margin is a small fraction of the
          // vectors' scale (|v| for L2, |q||v| for the products), not of the distance itself.
          const double v_scale = std::sqrt(vn);
          const double scale_of =
              m == Metric::kL2 ? v_scale + want : std::sqrt(qn) * v_scale + 1e-3;
          EXPECT_LE(want - bound, 0.01 * scale_of)
              << "metric " << static_cast<int>(m) << " n " << n;
        }
      }
    }
  }
}

}  // namespace
}  // namespace commerce::vector::hnsw
