// What the search and insert algorithms need from a graph, whatever holds it. The in-memory
// builder's graph and the PostgreSQL index pages (through an adapter in src/pg/am) both model
// GraphView, so the same search code runs over both and is unit-tested once, here.
//
// A node is named by a 64-bit id chosen by the storage (an array index in memory, block and
// offset on pages). Distances to the query are computed by a callable the caller passes, so that
// the storage decides how a node's vector is read (and may remember what else it saw there).
#pragma once
#include "core/pure_cpp.h"

#include <concepts>
#include <cstdint>

namespace commerce::vector::hnsw {

using NodeId = std::uint64_t;

struct Candidate {
  float distance;
  NodeId id;
};

// Orders a min-heap (nearest on top) and sorts ascending.
struct Farther {
  bool operator()(const Candidate &a, const Candidate &b) const noexcept {
    return a.distance > b.distance || (a.distance == b.distance && a.id > b.id);
  }
};
// Orders a max-heap (farthest on top).
struct Nearer {
  bool operator()(const Candidate &a, const Candidate &b) const noexcept {
    return a.distance < b.distance || (a.distance == b.distance && a.id < b.id);
  }
};

struct NoopVisitor {
  void operator()(NodeId) const noexcept {}
};

// for_each_neighbor(id, level, f) calls f(NodeId) for each link of `id` on `level` (none when
// the node does not reach that level). It must not hold storage locks while calling f, because
// f computes distances and may read other nodes.
template <typename G>
concept GraphView = requires(G &g, NodeId id, int level) {
  {g.for_each_neighbor(id, level, NoopVisitor{})};
};

// A callable returning the graph distance from the query to a node.
template <typename D>
concept QueryDistance = requires(D &d, NodeId id) {
  { d(id) } -> std::convertible_to<float>;
};

}  // namespace commerce::vector::hnsw
