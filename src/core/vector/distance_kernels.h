// The instruction-set variants behind the distance functions of distance.h: one KernelSet per
// path (AVX-512, AVX2+FMA, portable), the list of those this CPU can run, and the one chosen for
// the process. Only distance.cpp and the unit tests (which check every path) use this header.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace commerce::vector::kernels {

// The three sums of a cosine distance, gathered in one pass.
struct CosineSums {
  float dot, norm_a, norm_b;
};

struct KernelSet {
  const char *name;
  float (*l2_squared)(const float *a, const float *b, std::size_t n) noexcept;
  float (*inner_product)(const float *a, const float *b, std::size_t n) noexcept;
  float (*l1)(const float *a, const float *b, std::size_t n) noexcept;
  float (*norm_squared)(const float *a, std::size_t n) noexcept;
  double (*norm_squared_double)(const float *a, std::size_t n) noexcept;
  CosineSums (*cosine_sums)(const float *a, const float *b, std::size_t n) noexcept;
  // `b` as binary16 bit patterns.
  float (*l2_squared_half)(const float *a, const std::uint16_t *b, std::size_t n) noexcept;
  float (*inner_product_half)(const float *a, const std::uint16_t *b, std::size_t n) noexcept;
};

// Plain loops that GCC vectorises for the baseline instruction set: any CPU.
extern const KernelSet kPortable;

// Explicit x86-64 kernels: independent accumulators (32 floats in flight per loop step), a tree
// reduction, masked loads for the tail.
// nullptr where the compiler cannot build them (not x86-64, or neither GCC nor Clang).
extern const KernelSet *const kAvx2;    // AVX2 + FMA + F16C (Haswell, Zen)
extern const KernelSet *const kAvx512;  // AVX-512F (Skylake-SP, Ice Lake, Zen 4)

// The sets this CPU can run, slowest first; the last is the one in use.
std::span<const KernelSet *const> supported();

// The set every distance function of distance.h calls, chosen once when the library loads.
const KernelSet &active();

}  // namespace commerce::vector::kernels
