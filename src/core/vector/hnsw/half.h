// Index vectors stored as IEEE binary16 (commerce_hnsw WITH (storage = float16)): conversion
// from and to float, the graph distance from a float query to a stored half vector, and how far
// below the exact distance of the float vector a distance computed on its half copy may lie, so
// that the executor can re-rank the index's answers on the table's float vectors.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <cstdint>

#include "core/vector/hnsw/metric.h"

namespace commerce::vector::hnsw {

// The bit pattern of one binary16 value, as stored on index pages.
using Half = std::uint16_t;

// The largest finite binary16 value.
inline constexpr float kHalfMax = 65504.0f;

// True when every value of `in` is finite and within +-kHalfMax (so rounds to a finite half).
bool fits_half(const float *in, std::size_t n) noexcept;

// Rounds to the nearest binary16 (ties to even). Values must fit (fits_half).
void to_half(const float *in, Half *out, std::size_t n) noexcept;
void from_half(const Half *in, float *out, std::size_t n) noexcept;

// graph_distance(metric, query, v) with v converted from half on the fly.
float graph_distance(Metric metric, const float *query, const Half *v, std::size_t n) noexcept;

// A lower bound of the SQL operator's value (<-> the L2 distance, <=> 1 - cosine similarity,
// <#> the negative inner product) between the float query and the float vector whose half copy
// `v` gives the graph distance `graph` (graph_distance above, with the query in the metric's
// prepared form): rounding to half moves each value by at most 2^-11 of itself (2^-25 near
// zero), which moves the distance by at most that error's norm (times the query's norm for the
// products), and float sums add a relative n * 2^-24. The margin here is twice that.
double exact_lower_bound(Metric metric, float graph, float query_norm, float v_norm,
                         std::size_t n) noexcept;

}  // namespace commerce::vector::hnsw
