// Co-occurrence counting through an item -> sequences index, one dense accumulator row at a time.
#include "core/recs/cooccurrence.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace commerce::recs {

NeighborLists train_cooccurrence(const SequenceSet &sequences, const CooccurrenceParams &params,
                                 CancelCheck &cancel) {
  const std::size_t n = sequences.num_items();
  // Distinct items of each sequence (its newest max_history), and the inverted index.
  std::vector<std::vector<std::int32_t>> sets(sequences.size());
  std::vector<std::vector<std::uint32_t>> containing(n);
  for (std::size_t s = 0; s < sequences.size(); ++s) {
    const auto sequence = sequences[s];
    const std::size_t skip =
        sequence.size() > params.max_history ? sequence.size() - params.max_history : 0;
    sets[s].assign(sequence.begin() + static_cast<std::ptrdiff_t>(skip), sequence.end());
    std::sort(sets[s].begin(), sets[s].end());
    sets[s].erase(std::unique(sets[s].begin(), sets[s].end()), sets[s].end());
    for (const std::int32_t item : sets[s])
      containing[static_cast<std::size_t>(item)].push_back(static_cast<std::uint32_t>(s));
    cancel.poll();
  }
  std::vector<float> counts(n, 0.0f);
  std::vector<std::int32_t> touched;
  std::vector<Neighbor> row;
  NeighborLists lists(n);
  for (std::size_t i = 0; i < n; ++i) {
    touched.clear();
    for (const std::uint32_t s : containing[i]) {
      for (const std::int32_t j : sets[s]) {
        if (static_cast<std::size_t>(j) == i) continue;
        if (counts[static_cast<std::size_t>(j)] == 0.0f) touched.push_back(j);
        counts[static_cast<std::size_t>(j)] += 1.0f;
      }
    }
    row.clear();
    const double ci = static_cast<double>(containing[i].size());
    for (const std::int32_t j : touched) {
      const double cj = static_cast<double>(containing[static_cast<std::size_t>(j)].size());
      row.push_back(
          {j, static_cast<float>(counts[static_cast<std::size_t>(j)] / std::sqrt(ci * cj))});
      counts[static_cast<std::size_t>(j)] = 0.0f;
    }
    lists.add_row(row, params.keep);
    cancel.poll();
  }
  return lists;
}

}  // namespace commerce::recs
