// Visited sets for graph searches. DenseVisited is for ids that are small array indexes (the
// in-memory graph): one uint32 per node and an epoch counter, so clearing between searches costs
// nothing. HashVisited is for sparse ids (block/offset on index pages).
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>
#include <vector>

#include "core/vector/hnsw/flat_map.h"
#include "core/vector/hnsw/graph_view.h"

namespace commerce::vector::hnsw {

class DenseVisited {
 public:
  // Starts a new search over ids below `capacity`.
  void reset(std::size_t capacity) {
    if (marks_.size() < capacity) marks_.resize(capacity, 0);
    if (++epoch_ == 0) {  // wrapped: old marks could collide with the new epoch
      std::fill(marks_.begin(), marks_.end(), 0);
      epoch_ = 1;
    }
  }
  // True when `id` was not yet visited (and marks it).
  bool insert(NodeId id) {
    std::uint32_t &mark = marks_[static_cast<std::size_t>(id)];
    if (mark == epoch_) return false;
    mark = epoch_;
    return true;
  }

 private:
  std::vector<std::uint32_t> marks_;
  std::uint32_t epoch_ = 0;
};

class HashVisited {
 public:
  void reset(std::size_t expected) { seen_.clear(expected); }
  bool insert(NodeId id) {
    bool inserted = false;
    seen_.emplace(id, inserted);
    return inserted;
  }
  std::size_t size() const { return seen_.size(); }

 private:
  struct Empty {};
  FlatMap<Empty> seen_;
};

}  // namespace commerce::vector::hnsw
