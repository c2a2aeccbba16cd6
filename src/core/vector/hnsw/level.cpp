#include "core/vector/hnsw/level.h"

#include <algorithm>
#include <cmath>

#include "core/vector/hnsw/params.h"

namespace commerce::vector::hnsw {

namespace {

std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

int assign_level(std::uint64_t seed, std::uint64_t sequence, int m) noexcept {
  const std::uint64_t bits = splitmix64(splitmix64(seed) ^ sequence);
  // 53 random bits, shifted into (0, 1]: never 0, so the logarithm is finite.
  const double u = (static_cast<double>(bits >> 11) + 1.0) * 0x1.0p-53;
  const double level = -std::log(u) / std::log(static_cast<double>(m));
  return std::min(static_cast<int>(level), kMaxLevel);
}

}  // namespace commerce::vector::hnsw
