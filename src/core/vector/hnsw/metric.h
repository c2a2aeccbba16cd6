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

// Copies `in` to `out` in the form the metric compares: unit length for cosine, unchanged
// otherwise. Returns false when the vector cannot be placed (zero vector under cosine, whose
// angle is undefined): such a row is left out of the index.
bool prepare_vector(Metric metric, std::span<const float> in, std::span<float> out) noexcept;

}  // namespace commerce::vector::hnsw
