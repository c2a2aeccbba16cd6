// The training input shared by every recommender model: one chronological sequence of dense item
// indices (0 .. num_items-1) per user or session, stored as one flat array with offsets (CSR) so
// that a million events cost two allocations. The PostgreSQL layer maps product ids to dense
// indices; the core never sees product ids.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace commerce::recs {

class SequenceSet {
 public:
  explicit SequenceSet(std::size_t num_items) : num_items_(num_items) {}

  // Appends one sequence, oldest item first. Throws 22023 for an item outside [0, num_items).
  void add(std::span<const std::int32_t> items);

  std::size_t num_items() const noexcept { return num_items_; }
  std::size_t size() const noexcept { return offsets_.size() - 1; }
  std::size_t num_events() const noexcept { return items_.size(); }
  std::span<const std::int32_t> operator[](std::size_t s) const noexcept {
    return {items_.data() + offsets_[s], offsets_[s + 1] - offsets_[s]};
  }

 private:
  std::size_t num_items_;
  std::vector<std::size_t> offsets_{0};
  std::vector<std::int32_t> items_;
};

// Weights for a history, oldest first: the newest item weighs 1 and each step back multiplies the
// weight by `decay` (1 = plain bag of items, the classic EASE input).
std::vector<float> recency_weights(std::size_t length, float decay);

}  // namespace commerce::recs
