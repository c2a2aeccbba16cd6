// An HNSW graph held in memory: the index build constructs it here (fast, no page traffic) and
// then writes it out, and the core benchmark measures the algorithm's ceiling on it. Node ids
// are dense (0, 1, 2, ... in insertion order). Vectors are stored in the metric's prepared form.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <cstdint>
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

  // Inserts a vector (raw, as the user gave it). Returns its node id, or nullopt when the metric
  // cannot place it (zero vector under cosine). Polls `cancel` during the search.
  std::optional<NodeId> insert(std::span<const float> vector, CancelCheck &cancel);

  // The k nearest nodes found with candidate list `ef` (>= k), nearest first. Distances are the
  // graph's (squared L2, 1 - cos, -ip).
  std::vector<Candidate> search(std::span<const float> query, std::size_t k, std::size_t ef,
                                CancelCheck &cancel);

  // GraphView.
  template <typename F>
  void for_each_neighbor(NodeId id, int level, F &&f) const {
    const std::span<const std::uint32_t> links = neighbors(id, level);
    for (std::uint32_t n : links) f(static_cast<NodeId>(n));
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
  std::uint32_t *links(NodeId id, int level);
  void set_links(NodeId id, int level, const std::vector<Candidate> &chosen);
  // Adds `id` to `target`'s links on `level`, re-selecting them when full.
  void link_back(NodeId target, NodeId id, float d, int level);

  std::size_t dims_;
  Metric metric_;
  Params params_;
  std::vector<float> vectors_;
  std::vector<int> levels_;
  // Layer 0: per node a count followed by 2m slots. Upper layers: per node, `level` blocks of a
  // count followed by m slots.
  std::vector<std::uint32_t> layer0_;
  std::vector<std::vector<std::uint32_t>> upper_;
  std::optional<NodeId> entry_;
  int max_level_ = -1;
  std::size_t memory_bytes_ = 0;
  std::uint64_t search_distances_ = 0;
  std::uint64_t build_distances_ = 0;
  DenseVisited visited_;
  std::vector<float> scratch_;
  std::vector<Candidate> found_, chosen_, rescored_;
};

}  // namespace commerce::vector::hnsw
