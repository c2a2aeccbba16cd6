// Distance kernels over float32 vectors (and, for the HNSW index's float16 storage, float32
// against binary16): the hot loop of exact scans, the SQL operators, HNSW graph search and
// ranking. One implementation for all of them.
//
// Each function calls one of several kernel sets (distance_kernels.h): explicit AVX-512 and
// AVX2+FMA(+F16C) kernels with several accumulators and a tree reduction, and a portable loop the
// compiler vectorises for the baseline ISA. The set is chosen once per process from the CPU, so
// one Debian binary uses AVX-512 or AVX2 where the CPU has them. The reference versions are plain
// sequential loops that accumulate in double: the unit tests compare every set against them and
// the benchmark reports the speed-up over a scalar loop. Callers check that lengths match.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace commerce::vector {

float l2_squared_distance(const float *a, const float *b, std::size_t n) noexcept;
float inner_product(const float *a, const float *b, std::size_t n) noexcept;
float l1_distance(const float *a, const float *b, std::size_t n) noexcept;
float norm_squared(const float *a, std::size_t n) noexcept;

// The same two with `b` stored as IEEE binary16 bit patterns (commerce_hnsw WITH (storage =
// float16)), converted on the fly: half the bytes read per vector.
float l2_squared_distance_half(const float *a, const std::uint16_t *b, std::size_t n) noexcept;
float inner_product_half(const float *a, const std::uint16_t *b, std::size_t n) noexcept;

// The float value of one binary16 bit pattern.
inline float half_to_float(std::uint16_t bits) noexcept {
  _Float16 h;
  std::memcpy(&h, &bits, sizeof h);
  return static_cast<float>(h);
}

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
