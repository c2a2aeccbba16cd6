// Stage 1 scoring of one history against the trained models, and top-k selection.
//
// Each source scores every item; before blending, a source's scores are divided by their largest
// value for this history, so that a blend weight means the same for every user whatever the
// source's natural scale (EASE weights, transition probabilities, cosines differ by orders of
// magnitude). Popularity enters with a small weight: it orders the long tail of items that no
// history signal reaches, and it is the whole answer for a history with no known items.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/recs/ease.h"
#include "core/recs/neighbors.h"

namespace commerce::recs {

struct Scored {
  std::int32_t item;
  float score;
};

// The trained models a history is scored against; absent ones are null / empty.
struct ScoringSources {
  const EaseModel *ease_dense = nullptr;         // exact EASE (benchmarks, small catalogues)
  const NeighborLists *collaborative = nullptr;  // EASE truncated to neighbour lists
  const NeighborLists *transitions = nullptr;
  const NeighborLists *cooccurrence = nullptr;
  std::span<const float> popularity;  // one value per item, or empty
};

struct ScoringParams {
  float history_decay = 1.0f;        // recency weighting of the history for EASE / co-occurrence
  std::size_t transition_depth = 1;  // how many of the newest items the transition model follows
  float transition_decay = 0.5f;     // weight of the d-th newest item: transition_decay^(d-1)
  float collaborative_weight = 1.0f;
  float transition_weight = 0.0f;
  float cooccurrence_weight = 0.0f;
  float popularity_weight = 0.0f;
};

// Scratch buffers reused across histories so that scoring allocates nothing per call.
struct ScoringScratch {
  std::vector<float> source;
  std::vector<float> weights;
};

// Fills `scores` (one slot per item) with the blended score of `history` (oldest first).
void score_history(const ScoringSources &sources, const ScoringParams &params,
                   std::span<const std::int32_t> history, std::span<float> scores,
                   ScoringScratch &scratch);

// Divides by the largest value when it is positive (a no-op otherwise).
void scale_to_unit_max(std::span<float> scores);

// The k best items by score (ties: lower index first), never an item of `exclude`.
std::vector<Scored> top_k(std::span<const float> scores, std::size_t k,
                          std::span<const std::int32_t> exclude);

}  // namespace commerce::recs
