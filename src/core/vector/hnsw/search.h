// Layered search over any GraphView: greedy descent through the upper layers, the ef-bounded
// best-first search of one layer (the paper's SEARCH-LAYER), and a resumable layer-0 search that
// keeps producing nodes after the first ef, for scans whose filter rejects most of them.
#pragma once
#include "core/pure_cpp.h"

#include <algorithm>
#include <cstddef>
#include <queue>
#include <vector>

#include "core/cancel.h"
#include "core/vector/hnsw/graph_view.h"
#include "core/vector/hnsw/params.h"

namespace commerce::vector::hnsw {

using MinHeap = std::priority_queue<Candidate, std::vector<Candidate>, Farther>;
using MaxHeap = std::priority_queue<Candidate, std::vector<Candidate>, Nearer>;

// A node's links, gathered before their distances are computed: a storage may compute several
// distances at once far more cheaply (on pages: one buffer lock for all links on the same page).
struct LinkBatch {
  NodeId ids[2 * kMaxM];
  float distances[2 * kMaxM];
  std::size_t size = 0;
};

// A query distance that can also compute a batch: batch(ids, count, out).
template <typename D>
concept BatchQueryDistance = QueryDistance<D> &&
    requires(D &d, const NodeId *ids, std::size_t n, float *out) {
  d.batch(ids, n, out);
};

// A graph that can start loading a node's links before they are needed.
template <typename G>
concept PrefetchingGraph = requires(const G &g, NodeId id, int level) {
  g.prefetch_links(id, level);
};

template <QueryDistance D>
void compute_distances(D &distance, LinkBatch &batch) {
  if constexpr (BatchQueryDistance<D>) {
    distance.batch(batch.ids, batch.size, batch.distances);
  } else {
    for (std::size_t i = 0; i < batch.size; ++i) batch.distances[i] = distance(batch.ids[i]);
  }
}

// The links of `id` on `level` not yet in `visited` (marking them), with their distances.
template <GraphView G, QueryDistance D, typename Visited>
void unvisited_links(G &graph, D &distance, NodeId id, int level, Visited &visited,
                     CancelCheck &cancel, LinkBatch &batch) {
  batch.size = 0;
  graph.for_each_neighbor(id, level, [&](NodeId n) {
    cancel.poll();
    if (visited.insert(n)) batch.ids[batch.size++] = n;
  });
  compute_distances(distance, batch);
}

// Moves greedily on `level` from `start` to the closest node it can reach (ef = 1).
template <GraphView G, QueryDistance D>
Candidate greedy_closest(G &graph, D &distance, Candidate start, int level, CancelCheck &cancel) {
  Candidate best = start;
  for (bool moved = true; moved;) {
    moved = false;
    LinkBatch batch;
    graph.for_each_neighbor(best.id, level, [&](NodeId n) {
      cancel.poll();
      batch.ids[batch.size++] = n;
    });
    compute_distances(distance, batch);
    for (std::size_t i = 0; i < batch.size; ++i) {
      if (batch.distances[i] < best.distance) {
        best = {batch.distances[i], batch.ids[i]};
        moved = true;
      }
    }
  }
  return best;
}

// Descends from the entry point (on `top_level`) to `target_level`, one greedy step per layer.
template <GraphView G, QueryDistance D>
Candidate descend(G &graph, D &distance, NodeId entry, int top_level, int target_level,
                  CancelCheck &cancel) {
  Candidate best{distance(entry), entry};
  for (int level = top_level; level > target_level; --level) {
    best = greedy_closest(graph, distance, best, level, cancel);
  }
  return best;
}

// SEARCH-LAYER: the `ef` nodes nearest to the query found by best-first search on `level` from
// `entries`. `visited` must be reset by the caller and already contain the entries. The result
// is sorted nearest first.
template <GraphView G, QueryDistance D, typename Visited>
void search_layer(G &graph, D &distance, const std::vector<Candidate> &entries, std::size_t ef,
                  int level, Visited &visited, CancelCheck &cancel, std::vector<Candidate> &out) {
  MinHeap frontier(Farther{}, std::vector<Candidate>(entries));
  MaxHeap found(Nearer{}, std::vector<Candidate>(entries));
  while (found.size() > ef) found.pop();
  while (!frontier.empty()) {
    const Candidate nearest = frontier.top();
    if (found.size() >= ef && nearest.distance > found.top().distance) break;
    frontier.pop();
    // The next node to expand is likely the new top: start loading its links now, so that
    // they arrive while this node's links are scored.
    if constexpr (PrefetchingGraph<G>) {
      if (!frontier.empty()) graph.prefetch_links(frontier.top().id, level);
    }
    LinkBatch batch;
    unvisited_links(graph, distance, nearest.id, level, visited, cancel, batch);
    for (std::size_t i = 0; i < batch.size; ++i) {
      const float d = batch.distances[i];
      const NodeId n = batch.ids[i];
      if (found.size() < ef || d < found.top().distance) {
        frontier.push({d, n});
        found.push({d, n});
        if (found.size() > ef) found.pop();
      }
    }
  }
  out.clear();
  out.reserve(found.size());
  while (!found.empty()) {
    out.push_back(found.top());
    found.pop();
  }
  std::reverse(out.begin(), out.end());
}

// A layer-0 search that can be resumed. The first batch is exactly SEARCH-LAYER's answer for
// `ef`; each later batch continues the best-first expansion where it stopped (keeping the
// visited set), so that repeated calls eventually return every node reachable from the entry,
// each once. Batches are sorted nearest first; across batches the order is only approximate,
// because a later expansion can find a node nearer than one already returned.
template <GraphView G, QueryDistance D, typename Visited>
class ResumableSearch {
 public:
  ResumableSearch(G &graph, D &distance, Visited &visited, CancelCheck &cancel)
      : graph_(graph), distance_(distance), visited_(visited), cancel_(cancel) {}

  // Seeds the search with a layer-0 entry, which joins the visited set.
  void start(Candidate entry) {
    visited_.insert(entry.id);
    frontier_.push(entry);
    pending_.push(entry);
  }

  // Appends up to `ef` not-yet-returned nodes to `out`, nearest first. Returns false when the
  // reachable graph is exhausted and nothing was appended.
  bool next_batch(std::size_t ef, std::vector<Candidate> &out) {
    // Nodes the last batch set aside join the heaps only now: most scans never ask for a second
    // batch, and a heap push per visited node was a tenth of a scan's time.
    for (const Candidate &c : rejected_) {
      frontier_.push(c);
      pending_.push(c);
    }
    for (const Candidate &c : evicted_) pending_.push(c);
    rejected_.clear();
    evicted_.clear();
    // The batch's working set starts from the nearest nodes seen but not yet returned.
    MaxHeap found;
    while (!pending_.empty() && found.size() < ef) {
      found.push(pending_.top());
      pending_.pop();
    }
    while (!frontier_.empty()) {
      const Candidate nearest = frontier_.top();
      if (found.size() >= ef && nearest.distance > found.top().distance) break;
      frontier_.pop();
      LinkBatch batch;
      unvisited_links(graph_, distance_, nearest.id, 0, visited_, cancel_, batch);
      for (std::size_t i = 0; i < batch.size; ++i) {
        const float d = batch.distances[i];
        const NodeId n = batch.ids[i];
        // Every visited node stays expandable later, and is returned by this batch or a later
        // one: a node too far for this batch is set aside for the next.
        if (found.size() < ef || d < found.top().distance) {
          frontier_.push({d, n});
          found.push({d, n});
          if (found.size() > ef) {
            evicted_.push_back(found.top());
            found.pop();
          }
        } else {
          rejected_.push_back({d, n});
        }
      }
    }
    const std::size_t first = out.size();
    while (!found.empty()) {
      out.push_back(found.top());
      found.pop();
    }
    std::reverse(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
    return out.size() > first;
  }

 private:
  G &graph_;
  D &distance_;
  Visited &visited_;
  CancelCheck &cancel_;
  MinHeap frontier_;                 // visited, neighbours not yet expanded
  MinHeap pending_;                  // visited, not yet returned
  std::vector<Candidate> rejected_;  // visited in the last batch, neither expanded nor returned
  std::vector<Candidate> evicted_;   // expanded in the last batch but pushed out of its answer
};

}  // namespace commerce::vector::hnsw
