#include "core/vector/hnsw/metric.h"

#include <cmath>

#include "core/vector/distance.h"

namespace commerce::vector::hnsw {

float graph_distance(Metric metric, const float *a, const float *b, std::size_t n) noexcept {
  return graph_distance_from(
      metric, [&] { return l2_squared_distance(a, b, n); }, [&] { return inner_product(a, b, n); });
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
