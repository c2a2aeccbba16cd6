#include "core/vector/distance.h"

#include <cmath>
#include <limits>

// GCC's function multi-versioning: one clone per listed ISA plus a default, chosen once by an
// ifunc resolver when the module is loaded. x86-64-v3 is AVX2+FMA (Haswell, Zen), v4 adds AVX-512.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PGC_KERNEL __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define PGC_KERNEL
#endif

namespace commerce::vector {

PGC_KERNEL float l2_squared_distance(const float *a, const float *b, std::size_t n) noexcept {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) {
    const float d = a[i] - b[i];
    sum += d * d;
  }
  return sum;
}

PGC_KERNEL float inner_product(const float *a, const float *b, std::size_t n) noexcept {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

PGC_KERNEL float l1_distance(const float *a, const float *b, std::size_t n) noexcept {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) sum += std::fabs(a[i] - b[i]);
  return sum;
}

PGC_KERNEL float norm_squared(const float *a, std::size_t n) noexcept {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) sum += a[i] * a[i];
  return sum;
}

PGC_KERNEL double norm(const float *a, std::size_t n) noexcept {
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) sum += static_cast<double>(a[i]) * a[i];
  return std::sqrt(sum);
}

PGC_KERNEL double cosine_distance(const float *a, const float *b, std::size_t n) noexcept {
  float dot = 0.0f, na = 0.0f, nb = 0.0f;
#pragma omp simd reduction(+ : dot, na, nb)
  for (std::size_t i = 0; i < n; ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const double denom = std::sqrt(static_cast<double>(na) * static_cast<double>(nb));
  if (denom == 0.0) return std::numeric_limits<double>::quiet_NaN();
  double similarity = static_cast<double>(dot) / denom;
  // Rounding can push |cos| a hair past 1; clamp so the distance stays within [0, 2].
  if (similarity > 1.0) similarity = 1.0;
  if (similarity < -1.0) similarity = -1.0;
  return 1.0 - similarity;
}

namespace reference {

double l2_squared_distance(const float *a, const float *b, std::size_t n) noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    sum += d * d;
  }
  return sum;
}

double inner_product(const float *a, const float *b, std::size_t n) noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

double l1_distance(const float *a, const float *b, std::size_t n) noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += std::fabs(static_cast<double>(a[i]) - b[i]);
  return sum;
}

double cosine_distance(const float *a, const float *b, std::size_t n) noexcept {
  double dot = 0.0, na = 0.0, nb = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  const double denom = std::sqrt(na * nb);
  if (denom == 0.0) return std::numeric_limits<double>::quiet_NaN();
  return 1.0 - std::fmax(-1.0, std::fmin(1.0, dot / denom));
}

}  // namespace reference
}  // namespace commerce::vector
