// The parameters of an HNSW graph and their limits. The SQL layer (reloptions) and the in-memory
// builder both validate through here, so the bounds and the error text are the same everywhere.
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>

namespace commerce::vector::hnsw {

inline constexpr int kMinM = 2;
inline constexpr int kMaxM = 100;
inline constexpr int kDefaultM = 16;
inline constexpr int kMinEfConstruction = 4;
inline constexpr int kMaxEfConstruction = 1000;
inline constexpr int kDefaultEfConstruction = 64;
inline constexpr int kMinEfSearch = 1;
inline constexpr int kMaxEfSearch = 1000;
inline constexpr int kDefaultEfSearch = 40;
// Levels above this are never drawn: with m >= 2 the chance of reaching it is below 2^-32.
inline constexpr int kMaxLevel = 31;

struct Params {
  int m = kDefaultM;                             // links per node on upper layers; 2m on layer 0
  int ef_construction = kDefaultEfConstruction;  // candidate list size while inserting
  std::uint64_t seed = 0x5eed;                   // level assignment stream
  int max_level = kMaxLevel;                     // levels drawn above this are capped

  int max_links(int level) const { return level == 0 ? 2 * m : m; }
};

// Throws 22023 with a hint when m or ef_construction is out of bounds, or ef_construction < 2m
// (the candidate list could not even fill one node's layer-0 links).
void validate(const Params &params);

}  // namespace commerce::vector::hnsw
