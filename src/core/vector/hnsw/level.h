// Deterministic level assignment. A node's level depends only on (seed, sequence number), not on
// a global random state, so two builds over the same rows in the same order produce the same
// graph, and the PostgreSQL layer can draw levels without keeping generator state on disk.
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>

namespace commerce::vector::hnsw {

// floor(-ln(U) / ln(m)) with U uniform in (0, 1] drawn from splitmix64(seed, sequence), capped
// at kMaxLevel: the geometric distribution of the HNSW paper with mL = 1 / ln(m).
int assign_level(std::uint64_t seed, std::uint64_t sequence, int m) noexcept;

}  // namespace commerce::vector::hnsw
