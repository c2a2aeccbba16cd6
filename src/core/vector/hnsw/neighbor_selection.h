// The neighbour-selection heuristic of the HNSW paper (Malkov & Yashunin, algorithm 4). From
// candidates sorted nearest first, a candidate is kept only if it is closer to the base node than
// to every neighbour already kept. This spreads links across directions instead of spending them
// all inside the nearest cluster, which is what keeps clustered data navigable.
#pragma once
#include "core/pure_cpp.h"

#include <algorithm>
#include <cstddef>
#include <vector>

#include "core/vector/hnsw/graph_view.h"

namespace commerce::vector::hnsw {

// `sorted` holds candidates with their distance to the base node, ascending. `pair_distance(a, b)`
// is the distance between two candidates. Writes at most `max_links` kept candidates to `out`
// (nearest first). With `keep_pruned`, empty slots are filled with the nearest rejected
// candidates (the paper's keepPrunedConnections), and the result stays sorted. `diverse`, when
// given, receives the candidates the heuristic itself kept (nearest first), without the fill.
template <typename PairDistance>
void select_neighbors(const std::vector<Candidate> &sorted, std::size_t max_links,
                      PairDistance &&pair_distance, bool keep_pruned, std::vector<Candidate> &out,
                      std::vector<Candidate> *diverse = nullptr) {
  out.clear();
  std::vector<Candidate> pruned;
  for (const Candidate &c : sorted) {
    if (out.size() >= max_links) break;
    bool is_diverse = true;
    for (const Candidate &kept : out) {
      if (pair_distance(c.id, kept.id) < c.distance) {
        is_diverse = false;
        break;
      }
    }
    if (is_diverse) {
      out.push_back(c);
    } else if (keep_pruned) {
      pruned.push_back(c);
    }
  }
  if (diverse != nullptr) *diverse = out;
  if (pruned.empty()) return;
  for (std::size_t i = 0; i < pruned.size() && out.size() < max_links; ++i)
    out.push_back(pruned[i]);
  std::sort(out.begin(), out.end(), Nearer{});
}

}  // namespace commerce::vector::hnsw
