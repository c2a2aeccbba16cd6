// Sparse item-to-item weights, the one model shape every recommender here is served from: for
// each item, its strongest neighbours with a weight, sorted by weight (descending). EASE's dense
// matrix, co-occurrence and transitions are all truncated to this form; it is what the database
// stores (one row per item and neighbour) and what scoring walks.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace commerce::recs {

struct Neighbor {
  std::int32_t item;
  float weight;
};

class NeighborLists {
 public:
  NeighborLists() = default;
  explicit NeighborLists(std::size_t num_items) : num_items_(num_items) {}

  // Appends the list of the next item (items are added in index order, 0 first). Keeps the
  // `keep` heaviest entries of `candidates` with a positive weight, sorted heaviest first.
  void add_row(std::vector<Neighbor> candidates, std::size_t keep);

  std::size_t num_items() const noexcept { return num_items_; }
  std::size_t rows() const noexcept { return offsets_.size() - 1; }
  std::size_t num_entries() const noexcept { return entries_.size(); }
  std::span<const Neighbor> operator[](std::size_t item) const noexcept {
    return {entries_.data() + offsets_[item], offsets_[item + 1] - offsets_[item]};
  }

  // scores[j] += sum over i of weights[i] * w(items[i], j).
  void accumulate(std::span<const std::int32_t> items, std::span<const float> weights,
                  std::span<float> scores) const;

 private:
  std::size_t num_items_ = 0;
  std::vector<std::size_t> offsets_{0};
  std::vector<Neighbor> entries_;
};

}  // namespace commerce::recs
