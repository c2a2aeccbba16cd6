// Distance kernels over float32 vectors: the hot loop of exact scans, HNSW search and ranking.
//
// Each kernel exists twice. The production version is written so that GCC vectorises it (an
// OpenMP SIMD reduction lets the compiler reorder the float sum across lanes) and is compiled for
// several instruction sets, picked at load time by the dynamic linker (target_clones), so one
// Debian binary uses AVX-512 or AVX2+FMA where the CPU has them and SSE2 elsewhere. The reference
// version is a plain sequential loop that accumulates in double: the unit tests compare the two
// and the benchmark reports the speed-up over a scalar loop. Callers check that lengths match.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>

namespace commerce::vector {

float l2_squared_distance(const float *a, const float *b, std::size_t n) noexcept;
float inner_product(const float *a, const float *b, std::size_t n) noexcept;
float l1_distance(const float *a, const float *b, std::size_t n) noexcept;
float norm_squared(const float *a, std::size_t n) noexcept;

// Euclidean length accumulated in double, so that large elements do not overflow float.
double norm(const float *a, std::size_t n) noexcept;

// 1 - cos(a, b), computed in one pass. NaN when either vector has zero norm (the angle is
// undefined); NaN sorts after every number in PostgreSQL, so such rows rank last.
double cosine_distance(const float *a, const float *b, std::size_t n) noexcept;

// Scalar references: sequential, double accumulation. For tests and as the benchmark baseline.
namespace reference {
double l2_squared_distance(const float *a, const float *b, std::size_t n) noexcept;
double inner_product(const float *a, const float *b, std::size_t n) noexcept;
double l1_distance(const float *a, const float *b, std::size_t n) noexcept;
double cosine_distance(const float *a, const float *b, std::size_t n) noexcept;
}  // namespace reference

}  // namespace commerce::vector
