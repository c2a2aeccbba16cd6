// The explicit x86-64 distance kernels (AVX-512F and AVX2+FMA) behind distance.h. Each keeps
// several independent accumulators, so consecutive FMAs do not wait on each other's latency,
// reads the tail with a masked load rather than a scalar loop, and sums the lanes once at the
// end with a tree of shuffles. The compiler-vectorised loops these replace summed the sixteen
// lanes one by one through the stack: a chain of dependent adds per call, about a tenth of an
// HNSW scan's kernel time. Compiled with per-function target attributes, so the file builds for
// the baseline ISA and distance.cpp calls these only where the CPU has the instructions.
#include "core/vector/distance_kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define PGC_DISTANCE_X86 1
#include <immintrin.h>

#include <cstring>
#endif

namespace commerce::vector::kernels {

#ifdef PGC_DISTANCE_X86

namespace {

// GCC's AVX-512 headers build some values from _mm512_undefined_ps(), which its flow analysis
// reports as maybe-uninitialised once inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define PGC_AVX512 __attribute__((target("avx512f")))
#define PGC_AVX2 __attribute__((target("avx2,fma,f16c")))

// --- AVX-512F: 16 lanes, two accumulators (32 floats) in the main loop. ----------------------
// Four measured the same within noise at 128 to 784 dimensions: the loop is bound by its two
// loads per FMA, not by the FMA latency.

PGC_AVX512 inline __mmask16 mask16(std::size_t remaining) {
  return static_cast<__mmask16>((1u << remaining) - 1u);
}

PGC_AVX512 inline __m512 l2_step(__m512 acc, const float *a, const float *b) {
  const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a), _mm512_loadu_ps(b));
  return _mm512_fmadd_ps(d, d, acc);
}

PGC_AVX512 float l2_squared_avx512(const float *a, const float *b, std::size_t n) noexcept {
  __m512 s0 = _mm512_setzero_ps(), s1 = s0;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = l2_step(s0, a + i, b + i);
    s1 = l2_step(s1, a + i + 16, b + i + 16);
  }
  for (; i + 16 <= n; i += 16) s0 = l2_step(s0, a + i, b + i);
  if (i < n) {
    const __mmask16 m = mask16(n - i);
    const __m512 d =
        _mm512_sub_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));
    s1 = _mm512_fmadd_ps(d, d, s1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

PGC_AVX512 inline __m512 dot_step(__m512 acc, const float *a, const float *b) {
  return _mm512_fmadd_ps(_mm512_loadu_ps(a), _mm512_loadu_ps(b), acc);
}

PGC_AVX512 float inner_product_avx512(const float *a, const float *b, std::size_t n) noexcept {
  __m512 s0 = _mm512_setzero_ps(), s1 = s0;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = dot_step(s0, a + i, b + i);
    s1 = dot_step(s1, a + i + 16, b + i + 16);
  }
  for (; i + 16 <= n; i += 16) s0 = dot_step(s0, a + i, b + i);
  if (i < n) {
    const __mmask16 m = mask16(n - i);
    s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), s1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

PGC_AVX512 inline __m512 l1_step(__m512 acc, const float *a, const float *b) {
  return _mm512_add_ps(acc, _mm512_abs_ps(_mm512_sub_ps(_mm512_loadu_ps(a), _mm512_loadu_ps(b))));
}

PGC_AVX512 float l1_avx512(const float *a, const float *b, std::size_t n) noexcept {
  __m512 s0 = _mm512_setzero_ps(), s1 = s0;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = l1_step(s0, a + i, b + i);
    s1 = l1_step(s1, a + i + 16, b + i + 16);
  }
  for (; i + 16 <= n; i += 16) s0 = l1_step(s0, a + i, b + i);
  if (i < n) {
    const __mmask16 m = mask16(n - i);
    const __m512 d =
        _mm512_sub_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));
    s1 = _mm512_add_ps(s1, _mm512_abs_ps(d));
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

PGC_AVX512 float norm_squared_avx512(const float *a, std::size_t n) noexcept {
  return inner_product_avx512(a, a, n);
}

// Each float widened to double before squaring: two accumulators of 8 doubles per 16 floats.
PGC_AVX512 inline void widen_square(__m512 v, __m512d &lo, __m512d &hi) {
  const __m512d x = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
  const __m512d y =
      _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
  lo = _mm512_fmadd_pd(x, x, lo);
  hi = _mm512_fmadd_pd(y, y, hi);
}

PGC_AVX512 double norm_squared_double_avx512(const float *a, std::size_t n) noexcept {
  __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    widen_square(_mm512_loadu_ps(a + i), s0, s1);
    widen_square(_mm512_loadu_ps(a + i + 16), s2, s3);
  }
  for (; i + 16 <= n; i += 16) widen_square(_mm512_loadu_ps(a + i), s0, s1);
  if (i < n) widen_square(_mm512_maskz_loadu_ps(mask16(n - i), a + i), s2, s3);
  return _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3)));
}

PGC_AVX512 CosineSums cosine_sums_avx512(const float *a, const float *b, std::size_t n) noexcept {
  __m512 dot0 = _mm512_setzero_ps(), dot1 = dot0, na0 = dot0, na1 = dot0, nb0 = dot0, nb1 = dot0;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 x0 = _mm512_loadu_ps(a + i), y0 = _mm512_loadu_ps(b + i);
    const __m512 x1 = _mm512_loadu_ps(a + i + 16), y1 = _mm512_loadu_ps(b + i + 16);
    dot0 = _mm512_fmadd_ps(x0, y0, dot0);
    na0 = _mm512_fmadd_ps(x0, x0, na0);
    nb0 = _mm512_fmadd_ps(y0, y0, nb0);
    dot1 = _mm512_fmadd_ps(x1, y1, dot1);
    na1 = _mm512_fmadd_ps(x1, x1, na1);
    nb1 = _mm512_fmadd_ps(y1, y1, nb1);
  }
  for (; i < n; i += 16) {
    // The last step is masked (all lanes set while 16 or more remain).
    const __mmask16 m = n - i >= 16 ? static_cast<__mmask16>(0xFFFF) : mask16(n - i);
    const __m512 x = _mm512_maskz_loadu_ps(m, a + i), y = _mm512_maskz_loadu_ps(m, b + i);
    dot0 = _mm512_fmadd_ps(x, y, dot0);
    na0 = _mm512_fmadd_ps(x, x, na0);
    nb0 = _mm512_fmadd_ps(y, y, nb0);
  }
  return {_mm512_reduce_add_ps(_mm512_add_ps(dot0, dot1)),
          _mm512_reduce_add_ps(_mm512_add_ps(na0, na1)),
          _mm512_reduce_add_ps(_mm512_add_ps(nb0, nb1))};
}

// Binary16 vectors: sixteen halves converted per vcvtph2ps. The tail's halves are copied into a
// zeroed block (AVX-512F has no masked 16-bit load) and the query's read with a mask, so the lanes
// past n add zero.
PGC_AVX512 inline __m512 halves16(const std::uint16_t *b) {
  return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(b)));
}

PGC_AVX512 inline __m512 tail_halves16(const std::uint16_t *b, std::size_t remaining) {
  std::uint16_t block[16] = {};
  std::memcpy(block, b, remaining * sizeof(std::uint16_t));
  return halves16(block);
}

PGC_AVX512 float l2_squared_half_avx512(const float *a, const std::uint16_t *b,
                                        std::size_t n) noexcept {
  __m512 s0 = _mm512_setzero_ps(), s1 = s0;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), halves16(b + i));
    const __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16), halves16(b + i + 16));
    s0 = _mm512_fmadd_ps(d0, d0, s0);
    s1 = _mm512_fmadd_ps(d1, d1, s1);
  }
  for (; i < n; i += 16) {
    const std::size_t left = n - i;
    const __m512 d = left >= 16 ? _mm512_sub_ps(_mm512_loadu_ps(a + i), halves16(b + i))
                                : _mm512_sub_ps(_mm512_maskz_loadu_ps(mask16(left), a + i),
                                                tail_halves16(b + i, left));
    s0 = _mm512_fmadd_ps(d, d, s0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

PGC_AVX512 float inner_product_half_avx512(const float *a, const std::uint16_t *b,
                                           std::size_t n) noexcept {
  __m512 s0 = _mm512_setzero_ps(), s1 = s0;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), halves16(b + i), s0);
    s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), halves16(b + i + 16), s1);
  }
  for (; i < n; i += 16) {
    const std::size_t left = n - i;
    s0 = left >= 16 ? _mm512_fmadd_ps(_mm512_loadu_ps(a + i), halves16(b + i), s0)
                    : _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask16(left), a + i),
                                      tail_halves16(b + i, left), s0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

// --- AVX2 + FMA (+ F16C for binary16): 8 lanes, four accumulators (32 floats) in the main loop.

// Lanes below `remaining` (1..8) set: _mm256_maskload_ps neither reads nor faults on the others.
PGC_AVX2 inline __m256i mask8(std::size_t remaining) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(remaining)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

PGC_AVX2 inline float sum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

PGC_AVX2 inline double sum4(__m256d v) {
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  s = _mm_add_sd(s, _mm_unpackhi_pd(s, s));
  return _mm_cvtsd_f64(s);
}

PGC_AVX2 inline __m256 l2_step8(__m256 acc, __m256 x, __m256 y) {
  const __m256 d = _mm256_sub_ps(x, y);
  return _mm256_fmadd_ps(d, d, acc);
}

PGC_AVX2 float l2_squared_avx2(const float *a, const float *b, std::size_t n) noexcept {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = l2_step8(s0, _mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    s1 = l2_step8(s1, _mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
    s2 = l2_step8(s2, _mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));
    s3 = l2_step8(s3, _mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));
  }
  for (; i + 8 <= n; i += 8) s0 = l2_step8(s0, _mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
  if (i < n) {
    const __m256i m = mask8(n - i);
    s1 = l2_step8(s1, _mm256_maskload_ps(a + i, m), _mm256_maskload_ps(b + i, m));
  }
  return sum8(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

PGC_AVX2 float inner_product_avx2(const float *a, const float *b, std::size_t n) noexcept {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
    s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
  }
  for (; i + 8 <= n; i += 8) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  }
  if (i < n) {
    const __m256i m = mask8(n - i);
    s1 = _mm256_fmadd_ps(_mm256_maskload_ps(a + i, m), _mm256_maskload_ps(b + i, m), s1);
  }
  return sum8(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

PGC_AVX2 inline __m256 l1_step8(__m256 acc, __m256 x, __m256 y) {
  return _mm256_add_ps(acc, _mm256_andnot_ps(_mm256_set1_ps(-0.0f), _mm256_sub_ps(x, y)));
}

PGC_AVX2 float l1_avx2(const float *a, const float *b, std::size_t n) noexcept {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = l1_step8(s0, _mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    s1 = l1_step8(s1, _mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
    s2 = l1_step8(s2, _mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));
    s3 = l1_step8(s3, _mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));
  }
  for (; i + 8 <= n; i += 8) s0 = l1_step8(s0, _mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
  if (i < n) {
    const __m256i m = mask8(n - i);
    s1 = l1_step8(s1, _mm256_maskload_ps(a + i, m), _mm256_maskload_ps(b + i, m));
  }
  return sum8(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

PGC_AVX2 float norm_squared_avx2(const float *a, std::size_t n) noexcept {
  return inner_product_avx2(a, a, n);
}

// Each float widened to double before squaring: two accumulators of 4 doubles per 8 floats.
PGC_AVX2 inline void widen_square8(__m256 v, __m256d &lo, __m256d &hi) {
  const __m256d x = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
  const __m256d y = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
  lo = _mm256_fmadd_pd(x, x, lo);
  hi = _mm256_fmadd_pd(y, y, hi);
}

PGC_AVX2 double norm_squared_double_avx2(const float *a, std::size_t n) noexcept {
  __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    widen_square8(_mm256_loadu_ps(a + i), s0, s1);
    widen_square8(_mm256_loadu_ps(a + i + 8), s2, s3);
  }
  for (; i + 8 <= n; i += 8) widen_square8(_mm256_loadu_ps(a + i), s0, s1);
  if (i < n) widen_square8(_mm256_maskload_ps(a + i, mask8(n - i)), s2, s3);
  return sum4(_mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3)));
}

PGC_AVX2 CosineSums cosine_sums_avx2(const float *a, const float *b, std::size_t n) noexcept {
  __m256 dot0 = _mm256_setzero_ps(), dot1 = dot0, na0 = dot0, na1 = dot0, nb0 = dot0, nb1 = dot0;
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 x0 = _mm256_loadu_ps(a + i), y0 = _mm256_loadu_ps(b + i);
    const __m256 x1 = _mm256_loadu_ps(a + i + 8), y1 = _mm256_loadu_ps(b + i + 8);
    dot0 = _mm256_fmadd_ps(x0, y0, dot0);
    na0 = _mm256_fmadd_ps(x0, x0, na0);
    nb0 = _mm256_fmadd_ps(y0, y0, nb0);
    dot1 = _mm256_fmadd_ps(x1, y1, dot1);
    na1 = _mm256_fmadd_ps(x1, x1, na1);
    nb1 = _mm256_fmadd_ps(y1, y1, nb1);
  }
  for (; i < n; i += 8) {
    // The last step is masked (all lanes set while 8 or more remain).
    const __m256i m = mask8(n - i >= 8 ? 8 : n - i);
    const __m256 x = _mm256_maskload_ps(a + i, m), y = _mm256_maskload_ps(b + i, m);
    dot0 = _mm256_fmadd_ps(x, y, dot0);
    na0 = _mm256_fmadd_ps(x, x, na0);
    nb0 = _mm256_fmadd_ps(y, y, nb0);
  }
  return {sum8(_mm256_add_ps(dot0, dot1)), sum8(_mm256_add_ps(na0, na1)),
          sum8(_mm256_add_ps(nb0, nb1))};
}

// Binary16 vectors: eight halves per vcvtph2ps, the tail as in the AVX-512 kernels.
PGC_AVX2 inline __m256 halves8(const std::uint16_t *b) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(b)));
}

PGC_AVX2 inline __m256 tail_halves8(const std::uint16_t *b, std::size_t remaining) {
  std::uint16_t block[8] = {};
  std::memcpy(block, b, remaining * sizeof(std::uint16_t));
  return halves8(block);
}

PGC_AVX2 float l2_squared_half_avx2(const float *a, const std::uint16_t *b,
                                    std::size_t n) noexcept {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0;
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), halves8(b + i));
    const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), halves8(b + i + 8));
    s0 = _mm256_fmadd_ps(d0, d0, s0);
    s1 = _mm256_fmadd_ps(d1, d1, s1);
  }
  for (; i < n; i += 8) {
    const std::size_t left = n - i;
    const __m256 d = left >= 8 ? _mm256_sub_ps(_mm256_loadu_ps(a + i), halves8(b + i))
                               : _mm256_sub_ps(_mm256_maskload_ps(a + i, mask8(left)),
                                               tail_halves8(b + i, left));
    s0 = _mm256_fmadd_ps(d, d, s0);
  }
  return sum8(_mm256_add_ps(s0, s1));
}

PGC_AVX2 float inner_product_half_avx2(const float *a, const std::uint16_t *b,
                                       std::size_t n) noexcept {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0;
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), halves8(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), halves8(b + i + 8), s1);
  }
  for (; i < n; i += 8) {
    const std::size_t left = n - i;
    s0 = left >= 8 ? _mm256_fmadd_ps(_mm256_loadu_ps(a + i), halves8(b + i), s0)
                   : _mm256_fmadd_ps(_mm256_maskload_ps(a + i, mask8(left)),
                                     tail_halves8(b + i, left), s0);
  }
  return sum8(_mm256_add_ps(s0, s1));
}

#pragma GCC diagnostic pop

const KernelSet kAvx512Set{"avx512",           l2_squared_avx512,      inner_product_avx512,
                           l1_avx512,          norm_squared_avx512,    norm_squared_double_avx512,
                           cosine_sums_avx512, l2_squared_half_avx512, inner_product_half_avx512};
const KernelSet kAvx2Set{"avx2",           l2_squared_avx2,      inner_product_avx2,
                         l1_avx2,          norm_squared_avx2,    norm_squared_double_avx2,
                         cosine_sums_avx2, l2_squared_half_avx2, inner_product_half_avx2};

}  // namespace

const KernelSet *const kAvx2 = &kAvx2Set;
const KernelSet *const kAvx512 = &kAvx512Set;

#else

const KernelSet *const kAvx2 = nullptr;
const KernelSet *const kAvx512 = nullptr;

#endif

}  // namespace commerce::vector::kernels
