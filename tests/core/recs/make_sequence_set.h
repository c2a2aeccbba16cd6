// Test helper: a SequenceSet from literal sequences, oldest item first.
#pragma once

#include <cstdint>
#include <vector>

#include "core/recs/sequences.h"

namespace commerce::recs {

inline SequenceSet make_set(std::size_t items,
                            const std::vector<std::vector<std::int32_t>> &sequences) {
  SequenceSet set(items);
  for (const auto &s : sequences) set.add(s);
  return set;
}

}  // namespace commerce::recs
