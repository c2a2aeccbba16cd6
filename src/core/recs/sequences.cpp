// SequenceSet storage and the recency weighting of a history.
#include "core/recs/sequences.h"

#include <string>

#include "core/error.h"

namespace commerce::recs {

void SequenceSet::add(std::span<const std::int32_t> items) {
  for (const std::int32_t item : items) {
    if (item < 0 || static_cast<std::size_t>(item) >= num_items_) {
      throw Error(sqlstate::kInvalidParameterValue, "item index out of range",
                  "Map items to dense indices below the item count before training.",
                  "index " + std::to_string(item) + ", item count " + std::to_string(num_items_));
    }
  }
  items_.insert(items_.end(), items.begin(), items.end());
  offsets_.push_back(items_.size());
}

std::vector<float> recency_weights(std::size_t length, float decay) {
  std::vector<float> weights(length);
  float w = 1.0f;
  for (std::size_t i = length; i-- > 0;) {
    weights[i] = w;
    w *= decay;
  }
  return weights;
}

}  // namespace commerce::recs
