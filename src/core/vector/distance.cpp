// The public distance functions: each calls the kernel set chosen once for this CPU
// (distance_kernels.h), plus the portable set and the scalar references.
#include "core/vector/distance.h"

#include <array>
#include <cmath>
#include <limits>

#include "core/vector/distance_kernels.h"

namespace commerce::vector {

namespace kernels {

namespace {

// The portable set: loops GCC vectorises for the baseline ISA (the OpenMP SIMD reduction lets it
// reorder the float sum across lanes).
float l2_squared_portable(const float *a, const float *b, std::size_t n) noexcept {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) {
    const float d = a[i] - b[i];
    sum += d * d;
  }
  return sum;
}

float inner_product_portable(const float *a, const float *b, std::size_t n) noexcept {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float l1_portable(const float *a, const float *b, std::size_t n) noexcept {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) sum += std::fabs(a[i] - b[i]);
  return sum;
}

float norm_squared_portable(const float *a, std::size_t n) noexcept {
  return inner_product_portable(a, a, n);
}

double norm_squared_double_portable(const float *a, std::size_t n) noexcept {
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) sum += static_cast<double>(a[i]) * a[i];
  return sum;
}

CosineSums cosine_sums_portable(const float *a, const float *b, std::size_t n) noexcept {
  float dot = 0.0f, na = 0.0f, nb = 0.0f;
#pragma omp simd reduction(+ : dot, na, nb)
  for (std::size_t i = 0; i < n; ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return {dot, na, nb};
}

// GCC does not vectorise the half conversion; the x86 sets convert eight or sixteen at a time.
float l2_squared_half_portable(const float *a, const std::uint16_t *b, std::size_t n) noexcept {
  float sum = 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    const float d = a[i] - half_to_float(b[i]);
    sum += d * d;
  }
  return sum;
}

float inner_product_half_portable(const float *a, const std::uint16_t *b, std::size_t n) noexcept {
  float sum = 0.0f;
  for (std::size_t i = 0; i < n; ++i) sum += a[i] * half_to_float(b[i]);
  return sum;
}

struct Supported {
  std::array<const KernelSet *, 3> sets{};
  std::size_t count = 0;
};

Supported detect() {
  Supported s;
  s.sets[s.count++] = &kPortable;
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (kAvx2 != nullptr && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
      __builtin_cpu_supports("f16c")) {
    s.sets[s.count++] = kAvx2;
  }
  if (kAvx512 != nullptr && __builtin_cpu_supports("avx512f")) s.sets[s.count++] = kAvx512;
#endif
  return s;
}

// Detected while the library loads, before any query runs; nothing calls a distance function
// from a static initialiser.
const Supported supported_sets = detect();
const KernelSet &active_set = *supported_sets.sets[supported_sets.count - 1];

}  // namespace

const KernelSet kPortable{
    "portable",           l2_squared_portable,      inner_product_portable,
    l1_portable,          norm_squared_portable,    norm_squared_double_portable,
    cosine_sums_portable, l2_squared_half_portable, inner_product_half_portable};

std::span<const KernelSet *const> supported() {
  return {supported_sets.sets.data(), supported_sets.count};
}

const KernelSet &active() {
  return active_set;
}

}  // namespace kernels

float l2_squared_distance(const float *a, const float *b, std::size_t n) noexcept {
  return kernels::active_set.l2_squared(a, b, n);
}

float inner_product(const float *a, const float *b, std::size_t n) noexcept {
  return kernels::active_set.inner_product(a, b, n);
}

float l2_squared_distance_half(const float *a, const std::uint16_t *b, std::size_t n) noexcept {
  return kernels::active_set.l2_squared_half(a, b, n);
}

float inner_product_half(const float *a, const std::uint16_t *b, std::size_t n) noexcept {
  return kernels::active_set.inner_product_half(a, b, n);
}

float l1_distance(const float *a, const float *b, std::size_t n) noexcept {
  return kernels::active_set.l1(a, b, n);
}

float norm_squared(const float *a, std::size_t n) noexcept {
  return kernels::active_set.norm_squared(a, n);
}

double norm(const float *a, std::size_t n) noexcept {
  return std::sqrt(kernels::active_set.norm_squared_double(a, n));
}

double cosine_distance(const float *a, const float *b, std::size_t n) noexcept {
  const kernels::CosineSums s = kernels::active_set.cosine_sums(a, b, n);
  const double denom = std::sqrt(static_cast<double>(s.norm_a) * static_cast<double>(s.norm_b));
  if (denom == 0.0) return std::numeric_limits<double>::quiet_NaN();
  double similarity = static_cast<double>(s.dot) / denom;
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
