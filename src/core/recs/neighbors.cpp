// NeighborLists: truncation of a row to its heaviest entries, and weighted accumulation.
#include "core/recs/neighbors.h"

#include <algorithm>

namespace commerce::recs {

void NeighborLists::add_row(std::vector<Neighbor> candidates, std::size_t keep) {
  std::erase_if(candidates, [](const Neighbor &n) { return !(n.weight > 0.0f); });
  const auto heavier = [](const Neighbor &a, const Neighbor &b) {
    return a.weight != b.weight ? a.weight > b.weight : a.item < b.item;
  };
  const std::size_t kept = std::min(keep, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(kept),
                    candidates.end(), heavier);
  entries_.insert(entries_.end(), candidates.begin(),
                  candidates.begin() + static_cast<std::ptrdiff_t>(kept));
  offsets_.push_back(entries_.size());
}

void NeighborLists::accumulate(std::span<const std::int32_t> items, std::span<const float> weights,
                               std::span<float> scores) const {
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto item = static_cast<std::size_t>(items[i]);
    if (item >= rows()) continue;
    for (const Neighbor &n : (*this)[item])
      scores[static_cast<std::size_t>(n.item)] += weights[i] * n.weight;
  }
}

}  // namespace commerce::recs
