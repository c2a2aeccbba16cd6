#include "core/vector/hnsw/half.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/vector/distance.h"

namespace commerce::vector::hnsw {

static_assert(sizeof(_Float16) == sizeof(Half));

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
  for (std::size_t i = 0; i < n; ++i) out[i] = half_to_float(in[i]);
}

float graph_distance(Metric metric, const float *query, const Half *v, std::size_t n) noexcept {
  return graph_distance_from(
      metric, [&] { return l2_squared_distance_half(query, v, n); },
      [&] { return inner_product_half(query, v, n); });
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
