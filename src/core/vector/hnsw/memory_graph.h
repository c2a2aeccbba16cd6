// An HNSW graph held in memory: the index build constructs it here (fast, no page traffic) and
// then writes it out, and the core benchmark measures the algorithm's ceiling on it. Node ids
// are dense (0, 1, 2, ... in insertion order). Vectors are stored in the metric's prepared form.
//
// Nodes are added (vector, level, empty links) and then linked; linking can run on several
// threads (hnswlib's scheme: one lock per node's links, taken only to copy or change them, and
// one for the entry point). With one thread the graph depends only on the input and its order.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "core/cancel.h"
#include "core/vector/hnsw/graph_view.h"
#include "core/vector/hnsw/metric.h"
#include "core/vector/hnsw/params.h"
#include "core/vector/hnsw/visited.h"

namespace commerce::vector::hnsw {

class MemoryGraph {
 public:
  // Validates `params` (22023) and `dims` (1..kMaxDimensions).
  MemoryGraph(std::size_t dims, Metric metric, const Params &params);

  // Inserts a vector (raw, as the user gave it): add() then link(1). Returns its node id, or
  // nullopt when the metric cannot place it (zero vector under cosine). Polls `cancel`.
  std::optional<NodeId> insert(std::span<const float> vector, CancelCheck &cancel);

  // Stores a vector and draws its level without linking it (nullopt: not placeable, as above).
  std::optional<NodeId> add(std::span<const float> vector);

  // Links every node added since the last link, on `threads` threads (the caller's included).
  // Only the calling thread polls `cancel` and calls `progress(nodes linked so far)` (every
  // 1024 nodes it links); the others block all signals and call nothing outside this class, so
  // the caller may be a PostgreSQL backend. A cancel or an exception stops every thread.
  void link(std::size_t threads, CancelCheck &cancel,
            const std::function<void(std::size_t)> &progress = {});

  // The k nearest nodes found with candidate list `ef` (>= k), nearest first. Distances are the
  // graph's (squared L2, 1 - cos, -ip).
  std::vector<Candidate> search(std::span<const float> query, std::size_t k, std::size_t ef,
                                CancelCheck &cancel);

  // GraphView.
  template <typename F>
  void for_each_neighbor(NodeId id, int level, F &&f) const {
    const std::uint32_t *block = block_of(id, level);
    if (block == nullptr) return;
    if (!concurrent_) {
      for (std::uint32_t i = 1; i <= block[0]; ++i) f(static_cast<NodeId>(block[i]));
      return;
    }
    // Another thread may be rewriting the list: copy it under its lock.
    std::uint32_t copy[2 * kMaxM];
    std::uint32_t count = 0;
    {
      std::lock_guard<std::mutex> hold(lock_of(id));
      count = block[0];
      std::copy(block + 1, block + 1 + count, copy);
    }
    for (std::uint32_t i = 0; i < count; ++i) f(static_cast<NodeId>(copy[i]));
  }

  void prefetch_links(NodeId id, int level) const {
    if (level == 0)
      __builtin_prefetch(
          &layer0_[static_cast<std::size_t>(id) * (2 * static_cast<std::size_t>(params_.m) + 1)]);
  }

  std::size_t size() const { return levels_.size(); }
  std::size_t dims() const { return dims_; }
  Metric metric() const { return metric_; }
  const Params &params() const { return params_; }
  int level(NodeId id) const { return levels_[static_cast<std::size_t>(id)]; }
  const float *vector(NodeId id) const { return &vectors_[static_cast<std::size_t>(id) * dims_]; }
  std::span<const std::uint32_t> neighbors(NodeId id, int level) const;
  // Entry point and its level; nullopt while empty.
  std::optional<NodeId> entry_point() const { return entry_; }
  int max_level() const { return max_level_; }

  // Bytes a node of `level` costs: what the build compares with maintenance_work_mem.
  std::size_t node_bytes(int level) const;
  std::size_t memory_bytes() const { return memory_bytes_; }
  // Query distances computed by search() and by insert() since construction: a cost measure
  // that does not depend on the machine's load.
  std::uint64_t search_distances() const { return search_distances_; }
  std::uint64_t build_distances() const { return build_distances_; }

  float distance(const float *a, const float *b) const {
    return graph_distance(metric_, a, b, dims_);
  }

 private:
  // What one linking thread works with.
  struct Worker {
    DenseVisited visited;
    std::vector<Candidate> found, chosen, mine, diverse, rescored, entries;
    std::uint64_t distances = 0;
  };
  static constexpr std::size_t kLockStripes = 4096;
  std::mutex &lock_of(NodeId id) const { return locks_[id % kLockStripes]; }

  // A node's list on `level` (a count, then the links), nullptr when it does not reach it.
  const std::uint32_t *block_of(NodeId id, int level) const;
  std::uint32_t *links(NodeId id, int level);
  // Writes a new node's list: `chosen` (sorted), of which `diverse` are the heuristic's picks.
  void set_links(NodeId id, int level, const std::vector<Candidate> &chosen,
                 const std::vector<Candidate> &diverse);
  // Links node `id` into the graph (its own lists, then the reverse links).
  void link_node(NodeId id, Worker &worker, CancelCheck &cancel);
  // Adds `id` to `target`'s links on `level`, re-selecting them when full.
  void link_back(NodeId target, NodeId id, float d, int level, Worker &worker);

  std::size_t dims_;
  Metric metric_;
  Params params_;
  std::vector<float> vectors_;
  std::vector<int> levels_;
  // Layer 0: per node a count followed by 2m slots. Upper layers: per node, `level` blocks of a
  // count followed by m slots.
  std::vector<std::uint32_t> layer0_;
  std::vector<std::vector<std::uint32_t>> upper_;
  std::optional<NodeId> entry_;  // guarded by entry_lock_ while linking on several threads
  int max_level_ = -1;
  std::size_t linked_ = 0;   // nodes below this id are linked
  bool concurrent_ = false;  // set only while several threads link
  std::unique_ptr<std::mutex[]> locks_;
  std::unique_ptr<std::mutex> entry_lock_ = std::make_unique<std::mutex>();  // movable class
  Worker worker_;  // the calling thread's, kept between calls
  std::size_t memory_bytes_ = 0;
  std::uint64_t search_distances_ = 0;
  std::uint64_t build_distances_ = 0;
  std::vector<float> scratch_;
};

}  // namespace commerce::vector::hnsw
