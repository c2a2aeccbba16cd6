#include "core/vector/hnsw/memory_graph.h"

#include <algorithm>

#include "core/vector/embedding.h"
#include "core/vector/hnsw/level.h"
#include "core/vector/hnsw/neighbor_selection.h"
#include "core/vector/hnsw/search.h"

namespace commerce::vector::hnsw {

namespace {

// Distance from a fixed query vector to nodes of a MemoryGraph.
struct ToQuery {
  const MemoryGraph &graph;
  const float *query;
  std::uint64_t *computed;
  float operator()(NodeId id) const {
    ++*computed;
    return graph.distance(query, graph.vector(id));
  }
  // A node's links point all over memory: ask for the start of every vector first, so that the
  // loads overlap instead of each distance waiting for its own (the search is memory-bound).
  // Only the first lines: the hardware prefetcher follows each stream once it starts, and
  // prefetching whole 784-d vectors for 32 links would overflow L1.
  void batch(const NodeId *ids, std::size_t count, float *out) const {
    *computed += count;
    const std::size_t bytes = std::min<std::size_t>(graph.dims() * sizeof(float), 256);
    for (std::size_t i = 0; i < count; ++i) {
      const char *v = reinterpret_cast<const char *>(graph.vector(ids[i]));
      for (std::size_t line = 0; line < bytes; line += 64) __builtin_prefetch(v + line);
    }
    for (std::size_t i = 0; i < count; ++i) out[i] = graph.distance(query, graph.vector(ids[i]));
  }
};

}  // namespace

MemoryGraph::MemoryGraph(std::size_t dims, Metric metric, const Params &params)
    : dims_(dims), metric_(metric), params_(params), scratch_(dims) {
  check_dimension_count(dims);
  validate(params);
}

std::size_t MemoryGraph::node_bytes(int level) const {
  const std::size_t m = static_cast<std::size_t>(params_.m);
  return dims_ * sizeof(float) + sizeof(int) + (2 * m + 1) * sizeof(std::uint32_t) +
         static_cast<std::size_t>(level) * (m + 1) * sizeof(std::uint32_t) +
         sizeof(std::vector<std::uint32_t>);
}

std::span<const std::uint32_t> MemoryGraph::neighbors(NodeId id, int level) const {
  const std::size_t node = static_cast<std::size_t>(id);
  if (level > levels_[node]) return {};
  const std::uint32_t *block =
      level == 0 ? &layer0_[node * (2 * static_cast<std::size_t>(params_.m) + 1)]
                 : &upper_[node][static_cast<std::size_t>(level - 1) * (params_.m + 1)];
  return {block + 1, block[0]};
}

std::uint32_t *MemoryGraph::links(NodeId id, int level) {
  const std::size_t node = static_cast<std::size_t>(id);
  return level == 0 ? &layer0_[node * (2 * static_cast<std::size_t>(params_.m) + 1)]
                    : &upper_[node][static_cast<std::size_t>(level - 1) * (params_.m + 1)];
}

void MemoryGraph::set_links(NodeId id, int level, const std::vector<Candidate> &chosen) {
  std::uint32_t *block = links(id, level);
  block[0] = static_cast<std::uint32_t>(chosen.size());
  for (std::size_t i = 0; i < chosen.size(); ++i)
    block[i + 1] = static_cast<std::uint32_t>(chosen[i].id);
}

void MemoryGraph::link_back(NodeId target, NodeId id, float d, int level) {
  std::uint32_t *block = links(target, level);
  const std::uint32_t max_links = static_cast<std::uint32_t>(params_.max_links(level));
  if (block[0] < max_links) {
    block[++block[0]] = static_cast<std::uint32_t>(id);
    return;
  }
  // Full: choose among the old links plus the new one with the heuristic, from target's view.
  const float *base = vector(target);
  rescored_.clear();
  for (std::uint32_t i = 1; i <= block[0]; ++i) {
    rescored_.push_back({distance(base, vector(block[i])), block[i]});
  }
  rescored_.push_back({d, id});
  std::sort(rescored_.begin(), rescored_.end(), Nearer{});
  select_neighbors(
      rescored_, max_links, [&](NodeId a, NodeId b) { return distance(vector(a), vector(b)); },
      false, chosen_);
  set_links(target, level, chosen_);
}

std::optional<NodeId> MemoryGraph::insert(std::span<const float> raw, CancelCheck &cancel) {
  check_same_dimensions(raw.size(), dims_);
  if (!prepare_vector(metric_, raw, scratch_)) return std::nullopt;

  const NodeId id = levels_.size();
  const int level = std::min(assign_level(params_.seed, id, params_.m), params_.max_level);
  const std::size_t m = static_cast<std::size_t>(params_.m);
  vectors_.insert(vectors_.end(), scratch_.begin(), scratch_.end());
  levels_.push_back(level);
  layer0_.resize(layer0_.size() + 2 * m + 1, 0);
  upper_.emplace_back(static_cast<std::size_t>(level) * (m + 1), 0);
  memory_bytes_ += node_bytes(level);

  if (!entry_) {
    entry_ = id;
    max_level_ = level;
    return id;
  }
  const float *query = vector(id);
  ToQuery to_query{*this, query, &build_distances_};
  Candidate nearest = descend(*this, to_query, *entry_, max_level_, level, cancel);
  std::vector<Candidate> entries{nearest};
  for (int l = std::min(level, max_level_); l >= 0; --l) {
    visited_.reset(size());
    for (const Candidate &e : entries) visited_.insert(e.id);
    visited_.insert(id);
    search_layer(*this, to_query, entries, static_cast<std::size_t>(params_.ef_construction), l,
                 visited_, cancel, found_);
    select_neighbors(
        found_, static_cast<std::size_t>(params_.max_links(l)),
        [&](NodeId a, NodeId b) { return distance(vector(a), vector(b)); }, false, chosen_);
    const std::vector<Candidate> mine = chosen_;
    set_links(id, l, mine);
    for (const Candidate &n : mine) link_back(n.id, id, n.distance, l);
    entries = found_;
  }
  if (level > max_level_) {
    entry_ = id;
    max_level_ = level;
  }
  return id;
}

std::vector<Candidate> MemoryGraph::search(std::span<const float> raw, std::size_t k,
                                           std::size_t ef, CancelCheck &cancel) {
  check_same_dimensions(raw.size(), dims_);
  std::vector<Candidate> result;
  if (!entry_ || !prepare_vector(metric_, raw, scratch_)) return result;
  ToQuery to_query{*this, scratch_.data(), &search_distances_};
  const Candidate nearest = descend(*this, to_query, *entry_, max_level_, 0, cancel);
  visited_.reset(size());
  visited_.insert(nearest.id);
  search_layer(*this, to_query, std::vector<Candidate>{nearest}, std::max(ef, k), 0, visited_,
               cancel, result);
  if (result.size() > k) result.resize(k);
  return result;
}

}  // namespace commerce::vector::hnsw
