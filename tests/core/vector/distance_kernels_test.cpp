// Every kernel set this CPU can run (AVX-512, AVX2+FMA, portable), on float and binary16 vectors,
// against the scalar references, for every length from 1 to 1000 and for pointers at every float
// offset from a cache line.
#include "core/vector/distance_kernels.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/vector/distance.h"

namespace commerce::vector::kernels {
namespace {

constexpr std::size_t kMaxLength = 1000;

// Room for an offset of up to 15 floats and a NaN guard after the vector: a kernel that read past
// n (or before 0) and used the value would return NaN.
struct Buffer {
  std::vector<float> storage;
  float *data;
  Buffer(std::size_t n, std::size_t offset)
      : storage(n + 64, std::numeric_limits<float>::quiet_NaN()), data(nullptr) {
    auto address = reinterpret_cast<std::uintptr_t>(storage.data());
    const std::size_t to_line = (64 - address % 64) % 64 / sizeof(float);
    data = storage.data() + to_line + offset;
  }
};

std::string label(const KernelSet &set, std::size_t n, std::size_t offset_a, std::size_t offset_b) {
  return std::string(set.name) + " n=" + std::to_string(n) +
         " offsets=" + std::to_string(offset_a) + "," + std::to_string(offset_b);
}

// Small non-zero integers, with a - b never zero: every product and partial sum up to n = 1000
// is an integer below 2^24, so every kernel must return the reference exactly, whatever order it
// adds in, and a lane dropped or counted twice changes the result.
void fill_integers(float *a, float *b, std::size_t n, std::mt19937 &rng) {
  std::uniform_int_distribution<int> value(-8, 7), step(1, 3);
  for (std::size_t i = 0; i < n; ++i) {
    const int x = value(rng);
    a[i] = static_cast<float>(x >= 0 ? x + 1 : x);
    b[i] = a[i] + static_cast<float>(step(rng));
  }
}

void expect_exact(const KernelSet &set, const float *a, const float *b, std::size_t n,
                  const std::string &where) {
  EXPECT_EQ(set.l2_squared(a, b, n), reference::l2_squared_distance(a, b, n)) << where;
  EXPECT_EQ(set.inner_product(a, b, n), reference::inner_product(a, b, n)) << where;
  EXPECT_EQ(set.l1(a, b, n), reference::l1_distance(a, b, n)) << where;
  EXPECT_EQ(set.norm_squared(a, n), reference::inner_product(a, a, n)) << where;
  EXPECT_EQ(set.norm_squared_double(b, n), reference::inner_product(b, b, n)) << where;
  const CosineSums s = set.cosine_sums(a, b, n);
  EXPECT_EQ(s.dot, reference::inner_product(a, b, n)) << where;
  EXPECT_EQ(s.norm_a, reference::inner_product(a, a, n)) << where;
  EXPECT_EQ(s.norm_b, reference::inner_product(b, b, n)) << where;
  // The same b stored as binary16 (small integers are exact halves), at an offset of its own
  // from a cache line, with a NaN guard after it.
  std::vector<std::uint16_t> storage(n + 64, 0x7e00);
  std::uint16_t *halves = storage.data() + n % 32;
  for (std::size_t i = 0; i < n; ++i) {
    const _Float16 h = static_cast<_Float16>(b[i]);
    std::memcpy(&halves[i], &h, sizeof h);
  }
  EXPECT_EQ(set.l2_squared_half(a, halves, n), reference::l2_squared_distance(a, b, n)) << where;
  EXPECT_EQ(set.inner_product_half(a, halves, n), reference::inner_product(a, b, n)) << where;
}

TEST(DistanceKernels, EverySetIsExactOnIntegersForEveryLengthAndOffset) {
  std::mt19937 rng(7);
  for (const KernelSet *set : supported()) {
    for (std::size_t n = 1; n <= kMaxLength; ++n) {
      // Offsets 0..3 for every length; the other alignments on a sample of lengths.
      for (std::size_t offset_a = 0; offset_a < 16; ++offset_a) {
        const std::size_t offset_b = (offset_a * 7 + 3) % 16;
        if (offset_a >= 4 && n % 37 != 0 && n > 70) continue;
        Buffer a(n, offset_a), b(n, offset_b);
        fill_integers(a.data, b.data, n, rng);
        expect_exact(*set, a.data, b.data, n, label(*set, n, offset_a, offset_b));
      }
    }
  }
}

// Random normals: float rounding, so a bound rather than equality. Each sum of n terms of
// magnitude t_i computed in float, in any order, is within n * FLT_EPSILON * sum(|t_i|) of the
// exact value; the kernels, with several accumulators and a tree, are far inside it.
double bound(std::size_t n, double magnitude) {
  return static_cast<double>(n) * FLT_EPSILON * magnitude + 1e-30;
}

TEST(DistanceKernels, EverySetIsWithinRoundingOnRandomVectors) {
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (const KernelSet *set : supported()) {
    for (std::size_t n = 1; n <= kMaxLength; ++n) {
      const std::size_t offset_a = n % 16, offset_b = (n / 16) % 16;
      Buffer a(n, offset_a), b(n, offset_b);
      for (std::size_t i = 0; i < n; ++i) a.data[i] = normal(rng), b.data[i] = normal(rng);
      const float *x = a.data, *y = b.data;
      double abs_dot = 0, l1 = 0;
      for (std::size_t i = 0; i < n; ++i) {
        abs_dot += std::fabs(static_cast<double>(x[i]) * y[i]);
        l1 += std::fabs(static_cast<double>(x[i]) - y[i]);
      }
      const std::string where = label(*set, n, offset_a, offset_b);
      const double l2 = reference::l2_squared_distance(x, y, n);
      const double xx = reference::inner_product(x, x, n), yy = reference::inner_product(y, y, n);
      // The difference a - b is itself rounded once: twice the bound for the squared terms.
      EXPECT_NEAR(set->l2_squared(x, y, n), l2, 2 * bound(n + 2, l2)) << where;
      EXPECT_NEAR(set->inner_product(x, y, n), reference::inner_product(x, y, n), bound(n, abs_dot))
          << where;
      EXPECT_NEAR(set->l1(x, y, n), reference::l1_distance(x, y, n), bound(n + 1, l1)) << where;
      EXPECT_NEAR(set->norm_squared(x, n), xx, bound(n, xx)) << where;
      EXPECT_NEAR(set->norm_squared_double(y, n), yy, 1e-12 * yy) << where;
      const CosineSums s = set->cosine_sums(x, y, n);
      EXPECT_NEAR(s.dot, reference::inner_product(x, y, n), bound(n, abs_dot)) << where;
      EXPECT_NEAR(s.norm_a, xx, bound(n, xx)) << where;
      EXPECT_NEAR(s.norm_b, yy, bound(n, yy)) << where;
    }
  }
}

TEST(DistanceKernels, ZeroLengthIsZero) {
  const float a[] = {1.0f}, b[] = {2.0f};
  for (const KernelSet *set : supported()) {
    EXPECT_EQ(set->l2_squared(a, b, 0), 0.0f) << set->name;
    EXPECT_EQ(set->inner_product(a, b, 0), 0.0f) << set->name;
    EXPECT_EQ(set->l1(a, b, 0), 0.0f) << set->name;
    EXPECT_EQ(set->norm_squared_double(a, 0), 0.0) << set->name;
  }
}

// The double norm must not overflow where float squares would.
TEST(DistanceKernels, NormSquaredDoubleDoesNotOverflow) {
  std::vector<float> a(37, 3e30f);
  const double expected = 37.0 * static_cast<double>(a[0]) * static_cast<double>(a[0]);
  for (const KernelSet *set : supported()) {
    EXPECT_NEAR(set->norm_squared_double(a.data(), a.size()), expected, 1e-12 * expected)
        << set->name;
  }
}

// The functions of distance.h run the most capable set the CPU supports.
TEST(DistanceKernels, TheFastestSupportedSetIsActive) {
  const auto sets = supported();
  ASSERT_FALSE(sets.empty());
  EXPECT_EQ(&active(), sets.back());
  EXPECT_EQ(sets.front(), &kPortable);
  std::cout << "[          ] distance kernels: " << active().name << " (of " << sets.size()
            << " supported)\n";
}

}  // namespace
}  // namespace commerce::vector::kernels
