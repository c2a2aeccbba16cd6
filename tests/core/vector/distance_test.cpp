#include "core/vector/distance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace commerce::vector {
namespace {

std::vector<float> random_vector(std::size_t n, std::mt19937 &rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v) x = normal(rng);
  return v;
}

// Relative tolerance for float accumulation against the double reference: the vectorised sum
// reorders additions, so it can differ in the last bits, more so for long vectors.
void expect_close(double actual, double expected, std::size_t n) {
  const double tolerance = 1e-5 * std::sqrt(static_cast<double>(n)) * (1.0 + std::fabs(expected));
  EXPECT_NEAR(actual, expected, tolerance) << "n=" << n;
}

// Every length from 1 to 70 exercises the vector body and every remainder of the tail loop for
// all the widths (4, 8, 16 lanes); the long ones the accumulated rounding.
class KernelsMatchReference : public ::testing::TestWithParam<std::size_t> {};

TEST_P(KernelsMatchReference, AllDistances) {
  const std::size_t n = GetParam();
  std::mt19937 rng(static_cast<unsigned>(n));
  const auto a = random_vector(n, rng);
  const auto b = random_vector(n, rng);
  expect_close(l2_squared_distance(a.data(), b.data(), n),
               reference::l2_squared_distance(a.data(), b.data(), n), n);
  expect_close(inner_product(a.data(), b.data(), n),
               reference::inner_product(a.data(), b.data(), n), n);
  expect_close(l1_distance(a.data(), b.data(), n), reference::l1_distance(a.data(), b.data(), n),
               n);
  expect_close(cosine_distance(a.data(), b.data(), n),
               reference::cosine_distance(a.data(), b.data(), n), n);
  expect_close(norm(a.data(), n), std::sqrt(reference::inner_product(a.data(), a.data(), n)), n);
  expect_close(norm_squared(a.data(), n), reference::inner_product(a.data(), a.data(), n), n);
}

std::vector<std::size_t> lengths() {
  std::vector<std::size_t> out;
  for (std::size_t n = 1; n <= 70; ++n) out.push_back(n);
  for (std::size_t n : {127u, 128u, 384u, 768u, 1536u, 4099u, 16000u}) out.push_back(n);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Lengths, KernelsMatchReference, ::testing::ValuesIn(lengths()));

TEST(Distance, KnownValues) {
  const float a[] = {1, 2, 3};
  const float b[] = {4, 6, 3};
  EXPECT_FLOAT_EQ(l2_squared_distance(a, b, 3), 25.0f);
  EXPECT_FLOAT_EQ(inner_product(a, b, 3), 25.0f);
  EXPECT_FLOAT_EQ(l1_distance(a, b, 3), 7.0f);
  EXPECT_NEAR(cosine_distance(a, a, 3), 0.0, 1e-7);
}

TEST(Distance, CosineOfOppositeVectorsIsTwo) {
  const float a[] = {1, -2};
  const float b[] = {-1, 2};
  EXPECT_DOUBLE_EQ(cosine_distance(a, b, 2), 2.0);
}

TEST(Distance, CosineWithZeroVectorIsNaN) {
  const float a[] = {0, 0};
  const float b[] = {1, 2};
  EXPECT_TRUE(std::isnan(cosine_distance(a, b, 2)));
  EXPECT_TRUE(std::isnan(reference::cosine_distance(a, b, 2)));
}

TEST(Distance, CosineStaysWithinRangeForNearlyParallelVectors) {
  // Rounding can make |cos| exceed 1 by an ulp; the distance must not go negative.
  const float a[] = {0.1f, 0.2f, 0.3f};
  const float b[] = {0.1f, 0.2f, 0.3f};
  EXPECT_GE(cosine_distance(a, b, 3), 0.0);
}

TEST(Distance, NormDoesNotOverflowForLargeElements) {
  const float a[] = {3e30f, 4e30f};
  EXPECT_NEAR(norm(a, 2), 5e30, 1e24);
}

}  // namespace
}  // namespace commerce::vector
