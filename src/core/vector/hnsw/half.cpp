#include "core/vector/hnsw/half.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PGC_HALF_X86 1
#include <immintrin.h>
#endif

namespace commerce::vector::hnsw {

namespace {

static_assert(sizeof(_Float16) == sizeof(Half));

float half_value(Half h) {
  _Float16 f;
  std::memcpy(&f, &h, sizeof f);
  return static_cast<float>(f);
}

// Portable kernels. GCC does not vectorise the conversion, hence the x86 ones below.
float l2_squared_scalar(const float *q, const Half *v, std::size_t n) {
  float sum = 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    const float d = q[i] - half_value(v[i]);
    sum += d * d;
  }
  return sum;
}

float inner_product_scalar(const float *q, const Half *v, std::size_t n) {
  float sum = 0.0f;
  for (std::size_t i = 0; i < n; ++i) sum += q[i] * half_value(v[i]);
  return sum;
}

#ifdef PGC_HALF_X86
// GCC 12's AVX-512 intrinsics start from _mm512_undefined_ps(), which -Wuninitialized flags
// (GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// AVX-512: sixteen halves converted per instruction (vcvtph2ps).
__attribute__((target("avx512f"))) float l2_squared_avx512(const float *q, const Half *v,
                                                           std::size_t n) {
  __m512 acc = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 h = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(v + i)));
    const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(q + i), h);
    acc = _mm512_fmadd_ps(d, d, acc);
  }
  return _mm512_reduce_add_ps(acc) + l2_squared_scalar(q + i, v + i, n - i);
}

__attribute__((target("avx512f"))) float inner_product_avx512(const float *q, const Half *v,
                                                              std::size_t n) {
  __m512 acc = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 h = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(v + i)));
    acc = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), h, acc);
  }
  return _mm512_reduce_add_ps(acc) + inner_product_scalar(q + i, v + i, n - i);
}
#pragma GCC diagnostic pop

__attribute__((target("avx2,fma,f16c"))) float sum_avx2(__m256 acc) {
  const __m128 four = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  const __m128 two = _mm_add_ps(four, _mm_movehl_ps(four, four));
  return _mm_cvtss_f32(_mm_add_ss(two, _mm_shuffle_ps(two, two, 1)));
}

// AVX2 with F16C: eight halves per conversion.
__attribute__((target("avx2,fma,f16c"))) float l2_squared_avx2(const float *q, const Half *v,
                                                               std::size_t n) {
  __m256 acc = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 h = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(v + i)));
    const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(q + i), h);
    acc = _mm256_fmadd_ps(d, d, acc);
  }
  return sum_avx2(acc) + l2_squared_scalar(q + i, v + i, n - i);
}

__attribute__((target("avx2,fma,f16c"))) float inner_product_avx2(const float *q, const Half *v,
                                                                  std::size_t n) {
  __m256 acc = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 h = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(v + i)));
    acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), h, acc);
  }
  return sum_avx2(acc) + inner_product_scalar(q + i, v + i, n - i);
}
#endif

using Kernel = float (*)(const float *, const Half *, std::size_t);

struct Kernels {
  Kernel l2;
  Kernel dot;
};

// Chosen once per process from the CPU's features.
Kernels pick_kernels() {
#ifdef PGC_HALF_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {l2_squared_avx512, inner_product_avx512};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
      __builtin_cpu_supports("f16c"))
    return {l2_squared_avx2, inner_product_avx2};
#endif
  return {l2_squared_scalar, inner_product_scalar};
}

const Kernels kernels = pick_kernels();

}  // namespace

bool fits_half(const float *in, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    if (!(std::fabs(in[i]) <= kHalfMax)) return false;
  }
  return true;
}

void to_half(const float *in, Half *out, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    const _Float16 h = static_cast<_Float16>(in[i]);
    std::memcpy(&out[i], &h, sizeof h);
  }
}

void from_half(const Half *in, float *out, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) out[i] = half_value(in[i]);
}

float graph_distance(Metric metric, const float *query, const Half *v, std::size_t n) noexcept {
  switch (metric) {
    case Metric::kL2:
      return kernels.l2(query, v, n);
    case Metric::kCosine:
      return 1.0f - kernels.dot(query, v, n);
    case Metric::kInnerProduct:
      return -kernels.dot(query, v, n);
  }
  return 0.0f;
}

double exact_lower_bound(Metric metric, float graph, float query_norm, float v_norm,
                         std::size_t n) noexcept {
  const double dims = static_cast<double>(n);
  // Norm of (float vector - half copy), doubled: 2^-11 relative and 2^-25 absolute per value.
  const double rounding = std::ldexp(static_cast<double>(v_norm), -10) + std::sqrt(dims) * 0x1p-24;
  // Float sums over n terms (and, for cosine, the normalisation to unit length), doubled.
  const double sums = dims * 0x1p-23;
  switch (metric) {
    case Metric::kL2: {
      const double distance = std::sqrt(std::max(0.0, static_cast<double>(graph)));
      return distance - rounding - distance * sums;
    }
    case Metric::kCosine:
    case Metric::kInnerProduct: {
      const double q = static_cast<double>(query_norm);
      // Cosine's unit vectors were rounded to float once more; n * 2^-23 >= 2 * 2^-24 covers it.
      return static_cast<double>(graph) - q * rounding - sums * q * static_cast<double>(v_norm);
    }
  }
  return -HUGE_VAL;
}

}  // namespace commerce::vector::hnsw
