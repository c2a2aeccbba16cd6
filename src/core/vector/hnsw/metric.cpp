#include "core/vector/hnsw/metric.h"

#include <cmath>

#include "core/vector/distance.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PGC_GRAPH_X86 1
#include <immintrin.h>
#endif

namespace commerce::vector::hnsw {

namespace {

#ifdef PGC_GRAPH_X86
// The graph's own AVX-512 kernels. The shared ones (core/vector/distance.cpp) are vectorised by
// the compiler, which sums the sixteen lanes one by one through the stack at the end: a chain
// of sixteen dependent adds per distance, measured at about a tenth of the kernel's time in a
// scan. Here two accumulators and a tree reduction.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx512f"))) float l2_squared_avx512(const float *a, const float *b,
                                                           std::size_t n) {
  __m512 acc0 = _mm512_setzero_ps();
  __m512 acc1 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    const __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
    acc0 = _mm512_fmadd_ps(d0, d0, acc0);
    acc1 = _mm512_fmadd_ps(d1, d1, acc1);
  }
  if (i + 16 <= n) {
    const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    acc0 = _mm512_fmadd_ps(d, d, acc0);
    i += 16;
  }
  float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
  for (; i < n; ++i) {
    const float d = a[i] - b[i];
    sum += d * d;
  }
  return sum;
}

__attribute__((target("avx512f"))) float inner_product_avx512(const float *a, const float *b,
                                                              std::size_t n) {
  __m512 acc0 = _mm512_setzero_ps();
  __m512 acc1 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc0);
    acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), acc1);
  }
  if (i + 16 <= n) {
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc0);
    i += 16;
  }
  float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}
#pragma GCC diagnostic pop
#endif

float l2_shared(const float *a, const float *b, std::size_t n) noexcept {
  return l2_squared_distance(a, b, n);
}
float inner_product_shared(const float *a, const float *b, std::size_t n) noexcept {
  return inner_product(a, b, n);
}

struct Kernels {
  float (*l2)(const float *, const float *, std::size_t);
  float (*dot)(const float *, const float *, std::size_t);
};

// Chosen once per process: AVX-512 here, else the shared kernels (which have their own AVX2
// clone).
Kernels pick_kernels() {
#ifdef PGC_GRAPH_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {l2_squared_avx512, inner_product_avx512};
#endif
  return {l2_shared, inner_product_shared};
}

const Kernels kernels = pick_kernels();

}  // namespace

float graph_distance(Metric metric, const float *a, const float *b, std::size_t n) noexcept {
  switch (metric) {
    case Metric::kL2:
      return kernels.l2(a, b, n);
    case Metric::kCosine:
      return 1.0f - kernels.dot(a, b, n);
    case Metric::kInnerProduct:
      return -kernels.dot(a, b, n);
  }
  return 0.0f;
}

bool prepare_vector(Metric metric, std::span<const float> in, std::span<float> out) noexcept {
  if (metric != Metric::kCosine) {
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = in[i];
    return true;
  }
  const double length = norm(in.data(), in.size());
  if (!(length > 0.0) || !std::isfinite(length)) return false;
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = static_cast<float>(in[i] / length);
  return true;
}

}  // namespace commerce::vector::hnsw
