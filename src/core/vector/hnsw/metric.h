// The distances an HNSW graph can be built for, as the graph sees them. The graph only needs an
// order, so L2 uses the squared distance and cosine works on unit vectors (prepared once at
// insert and at query time) as 1 - a.b; inner product is its negation, smaller = closer.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <span>

namespace commerce::vector::hnsw {

enum class Metric { kL2, kCosine, kInnerProduct };

float graph_distance(Metric metric, const float *a, const float *b, std::size_t n) noexcept;

// The graph distance of `metric` from the vectors' squared L2 distance or inner product, whichever
// it needs, given as functions (so that float and float16 vectors share this one mapping).
template <typename SquaredL2, typename InnerProduct>
float graph_distance_from(Metric metric, SquaredL2 &&squared_l2, InnerProduct &&inner_product) {
  switch (metric) {
    case Metric::kL2:
      return squared_l2();
    case Metric::kCosine:
      return 1.0f - inner_product();
    case Metric::kInnerProduct:
      return -inner_product();
  }
  return 0.0f;
}

// Copies `in` to `out` in the form the metric compares: unit length for cosine, unchanged
// otherwise. Returns false when the vector cannot be placed (zero vector under cosine, whose
// angle is undefined): such a row is left out of the index.
bool prepare_vector(Metric metric, std::span<const float> in, std::span<float> out) noexcept;

}  // namespace commerce::vector::hnsw
