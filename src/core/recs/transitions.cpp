// Transition counting: every (item, following item, weight) triple is emitted, sorted by source
// and target, and summed, which needs memory proportional to events x window.
#include "core/recs/transitions.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/error.h"

namespace commerce::recs {
namespace {

struct Pair {
  std::int32_t from;
  std::int32_t to;
  float weight;
};

}  // namespace

NeighborLists train_transitions(const SequenceSet &sequences, const TransitionParams &params,
                                CancelCheck &cancel) {
  if (params.window == 0 || params.window > 50 || !(params.window_decay > 0.0f) ||
      params.window_decay > 1.0f || !(params.smoothing >= 0.0f) ||
      !std::isfinite(params.smoothing)) {
    throw Error(sqlstate::kInvalidParameterValue, "invalid transition parameters",
                "Use a window between 1 and 50, a window decay in (0, 1] and a smoothing >= 0.");
  }
  std::vector<Pair> pairs;
  for (std::size_t s = 0; s < sequences.size(); ++s) {
    const auto sequence = sequences[s];
    for (std::size_t a = 0; a < sequence.size(); ++a) {
      float weight = 1.0f;
      for (std::size_t d = 1; d <= params.window && a + d < sequence.size(); ++d) {
        if (sequence[a + d] != sequence[a]) pairs.push_back({sequence[a], sequence[a + d], weight});
        weight *= params.window_decay;
      }
    }
    cancel.poll();
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair &x, const Pair &y) {
    return x.from != y.from ? x.from < y.from : x.to < y.to;
  });
  NeighborLists lists(sequences.num_items());
  std::vector<Neighbor> row;
  std::size_t p = 0;
  for (std::size_t i = 0; i < sequences.num_items(); ++i) {
    row.clear();
    double total = 0.0;
    for (; p < pairs.size() && static_cast<std::size_t>(pairs[p].from) == i; ++p) {
      if (!row.empty() && row.back().item == pairs[p].to) {
        row.back().weight += pairs[p].weight;
      } else {
        row.push_back({pairs[p].to, pairs[p].weight});
      }
      total += pairs[p].weight;
    }
    const double scale = 1.0 / (total + static_cast<double>(params.smoothing));
    for (Neighbor &n : row) n.weight = static_cast<float>(n.weight * scale);
    lists.add_row(row, params.keep);
    cancel.poll();
  }
  return lists;
}

}  // namespace commerce::recs
