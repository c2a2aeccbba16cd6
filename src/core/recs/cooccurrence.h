// Item-item co-occurrence: how often two items appear in the same user's or session's history,
// normalised by cosine, c(i,j) / sqrt(c(i) c(j)), so that popular items do not neighbour
// everything. Memory grows with the events (the pairs inside each history), not with items^2,
// which makes it the model for catalogues too large for EASE; it also powers similar_items and,
// trained on purchases only, bought_together.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>

#include "core/cancel.h"
#include "core/recs/neighbors.h"
#include "core/recs/sequences.h"

namespace commerce::recs {

struct CooccurrenceParams {
  std::size_t keep = 100;  // neighbours kept per item
  // Only the newest max_history items of a sequence pair up: bounds the work of a long history
  // (quadratic in its length) and favours recent tastes.
  std::size_t max_history = 200;
};

NeighborLists train_cooccurrence(const SequenceSet &sequences, const CooccurrenceParams &params,
                                 CancelCheck &cancel);

}  // namespace commerce::recs
