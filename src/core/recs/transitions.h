// The sequence-aware signal: item-to-next-item transitions. Within each chronological sequence,
// item i followed by item j (at distance d <= window) counts decay^(d-1); each item's row is then
// normalised into an estimate of P(next = j | current = i) with additive smoothing, so an item
// seen once does not claim certainty. Scoring walks the rows of the newest few history items.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>

#include "core/cancel.h"
#include "core/recs/neighbors.h"
#include "core/recs/sequences.h"

namespace commerce::recs {

struct TransitionParams {
  std::size_t keep = 100;     // next items kept per item
  std::size_t window = 1;     // how many following items count as "next"
  float window_decay = 0.5f;  // weight of the item at distance d: window_decay^(d-1)
  float smoothing = 1.0f;     // added to each row's total before normalising
};

// Throws 22023 for a zero window or a decay or smoothing outside their ranges.
NeighborLists train_transitions(const SequenceSet &sequences, const TransitionParams &params,
                                CancelCheck &cancel);

}  // namespace commerce::recs
