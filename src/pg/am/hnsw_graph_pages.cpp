// PageGraph and the page-level HNSW insert (see hnsw_graph_pages.h).
#include "pg/am/hnsw_graph_pages.h"

#include <algorithm>
#include <cstring>

#include "core/vector/hnsw/half.h"
#include "core/vector/hnsw/level.h"
#include "core/vector/hnsw/neighbor_selection.h"
#include "core/vector/hnsw/params.h"
#include "core/vector/hnsw/search.h"
#include "core/vector/hnsw/visited.h"
#include "pg/guard.h"

extern "C" {
#include "storage/lmgr.h"
}

namespace commerce::pg::hnsw {

namespace core = commerce::vector::hnsw;
using core::Candidate;

PageGraph::PageGraph(Relation index, const Layout &layout, BufferHints *hints)
    : index_(index), layout_(layout), hints_(hints), buffer_(layout.max_element_size()) {}

ElementView PageGraph::load(NodeId id) {
  call_pg([&] { read_element(index_, id, buffer_.data(), buffer_.size()); });
  return ElementView{buffer_.data(), &layout_};
}

float PageGraph::distance(NodeId id, const float *query, Metric metric, ElementHeader *header,
                          float *norm) {
  return call_pg(
      [&] { return element_distance(index_, id, query, layout_, metric, header, hints_, norm); });
}

void PageGraph::distances(const NodeId *ids, std::size_t count, const float *query, Metric metric,
                          ElementHeader *headers, float *out) {
  call_pg(
      [&] { element_distances(index_, ids, count, query, layout_, metric, headers, out, hints_); });
}

int PageGraph::read_links_of(NodeId id, int level, NodeId *out) {
  return call_pg([&] { return read_links(index_, id, layout_, level, out, hints_); });
}

IndexShape shape_of(const MetaData &meta) {
  return IndexShape{layout_of(meta), static_cast<Metric>(meta.metric), meta.ef_construction};
}

Layout layout_of(const MetaData &meta) {
  return Layout{meta.dims, meta.m, static_cast<Storage>(meta.storage)};
}

void check_storable(const Layout &layout, const float *values) {
  if (!layout.half() || core::fits_half(values, static_cast<std::size_t>(layout.dims))) return;
  throw Error(sqlstate::kNumericValueOutOfRange,
              "embedding value out of range for a commerce_hnsw index with storage = float16",
              "Keep every value within -65504 and 65504, or build the index WITH (storage = "
              "float32).");
}

void lock_for_insert(Relation index) {
  call_pg([&] { LockPage(index, kMetaBlock, ExclusiveLock); });
}
void unlock_for_insert(Relation index) {
  call_pg([&] { UnlockPage(index, kMetaBlock, ExclusiveLock); });
}

namespace {

// Vectors read during one insert, so that the heuristic's pairwise distances read each page once.
class VectorCache {
 public:
  VectorCache(PageGraph &graph)
      : graph_(graph), dims_(static_cast<std::size_t>(graph.layout().dims)) {}
  const float *get(NodeId id) {
    auto it = cache_.find(id);
    if (it == cache_.end()) {
      std::vector<float> values(dims_);
      graph_.load(id).copy_vector(values.data());
      it = cache_.emplace(id, std::move(values)).first;
    }
    return it->second.data();
  }
  void put(NodeId id, const float *v) { cache_[id].assign(v, v + dims_); }

 private:
  PageGraph &graph_;
  std::size_t dims_;
  std::unordered_map<NodeId, std::vector<float>> cache_;
};

// Adds `id` (at distance `d`) to `target`'s list on `level`, re-selecting when the list is full.
void link_back(Relation index, PageGraph &graph, VectorCache &vectors, Metric metric, NodeId target,
               NodeId id, float d, int level) {
  const Layout &layout = graph.layout();
  const ElementView e = graph.load(target);
  if (level > e.header().level) return;
  const int count = e.link_count(level);
  std::vector<NodeId> links;
  for (int i = 0; i < count; ++i) links.push_back(e.link(level, i));
  if (std::find(links.begin(), links.end(), id) != links.end()) return;
  const std::size_t dims = static_cast<std::size_t>(layout.dims);
  if (count < layout.max_links(level)) {
    links.push_back(id);
  } else {
    const float *base = vectors.get(target);
    std::vector<Candidate> scored;
    for (NodeId n : links)
      scored.push_back({core::graph_distance(metric, base, vectors.get(n), dims), n});
    scored.push_back({d, id});
    std::sort(scored.begin(), scored.end(), core::Nearer{});
    std::vector<Candidate> chosen;
    core::select_neighbors(
        scored, static_cast<std::size_t>(layout.max_links(level)),
        [&](NodeId a, NodeId b) {
          return core::graph_distance(metric, vectors.get(a), vectors.get(b), dims);
        },
        false, chosen);
    links.clear();
    for (const Candidate &c : chosen) links.push_back(c.id);
  }
  std::vector<char> list(layout.list_bytes(level));
  // write_links addresses lists by element offset; build the list in a scratch element.
  std::vector<char> scratch(layout.links_offset(level) + list.size());
  write_links(scratch.data(), layout, level, links.data(), static_cast<int>(links.size()));
  const char *src = scratch.data() + layout.links_offset(level);
  const std::size_t offset = layout.links_offset(level);
  call_pg([&] { patch_element(index, target, offset, src, list.size()); });
}

}  // namespace

void insert_on_pages(Relation index, const float *prepared, ItemPointerData heap_tid,
                     CancelCheck &cancel) {
  MetaData meta;
  call_pg([&] { read_meta(index, &meta); });
  const IndexShape shape = shape_of(meta);
  const Layout &layout = shape.layout;
  const std::size_t dims = static_cast<std::size_t>(layout.dims);
  const int level =
      std::min(core::assign_level(core::Params{}.seed, meta.inserted, layout.m), kMaxStoredLevel);

  std::vector<char> element(layout.element_size(level), 0);
  ElementHeader header{};
  header.level = static_cast<std::uint8_t>(level);
  header.heap_tid = heap_tid;
  std::memcpy(element.data(), &header, sizeof header);
  check_storable(layout, prepared);
  write_vector(element.data(), layout, prepared);
  for (int l = 0; l <= level; ++l) write_links(element.data(), layout, l, nullptr, 0);

  BlockNumber insert_block = meta.insert_block;
  ++meta.inserted;
  if (meta.entry_block == InvalidBlockNumber) {
    const NodeId id = call_pg(
        [&] { return append_element(index, &insert_block, element.data(), element.size()); });
    meta.entry_block = node_block(id);
    meta.entry_offset = node_offset(id);
    meta.entry_level = static_cast<std::int16_t>(level);
    meta.insert_block = insert_block;
    call_pg([&] { write_meta(index, &meta); });
    return;
  }

  PageGraph graph(index, layout);
  VectorCache vectors(graph);
  std::vector<float> other(dims);
  auto to_query = [&](NodeId n) {
    graph.load(n).copy_vector(other.data());
    return core::graph_distance(shape.metric, prepared, other.data(), dims);
  };
  const NodeId entry = node_id(meta.entry_block, meta.entry_offset);
  const int top = meta.entry_level;
  std::vector<Candidate> entries{core::descend(graph, to_query, entry, top, level, cancel)};
  // Per level: the new element's links (a full list, keepPrunedConnections) and the subset the
  // heuristic chose, which alone link back (as in the in-memory build, memory_graph.cpp).
  std::vector<std::vector<Candidate>> chosen(static_cast<std::size_t>(level + 1));
  std::vector<std::vector<Candidate>> diverse(static_cast<std::size_t>(level + 1));
  core::HashVisited visited;
  std::vector<Candidate> found;
  for (int l = std::min(level, top); l >= 0; --l) {
    visited.reset(static_cast<std::size_t>(shape.ef_construction) * 8);
    for (const Candidate &c : entries) visited.insert(c.id);
    core::search_layer(graph, to_query, entries, static_cast<std::size_t>(shape.ef_construction), l,
                       visited, cancel, found);
    core::select_neighbors(
        found, static_cast<std::size_t>(layout.max_links(l)),
        [&](NodeId a, NodeId b) {
          return core::graph_distance(shape.metric, vectors.get(a), vectors.get(b), dims);
        },
        true, chosen[static_cast<std::size_t>(l)], &diverse[static_cast<std::size_t>(l)]);
    std::vector<NodeId> ids;
    for (const Candidate &c : chosen[static_cast<std::size_t>(l)]) ids.push_back(c.id);
    write_links(element.data(), layout, l, ids.data(), static_cast<int>(ids.size()));
    entries = found;
  }
  const NodeId id =
      call_pg([&] { return append_element(index, &insert_block, element.data(), element.size()); });
  vectors.put(id, prepared);
  for (int l = std::min(level, top); l >= 0; --l) {
    for (const Candidate &c : diverse[static_cast<std::size_t>(l)]) {
      cancel.poll();
      link_back(index, graph, vectors, shape.metric, c.id, id, c.distance, l);
    }
  }
  meta.insert_block = insert_block;
  if (level > top) {
    meta.entry_block = node_block(id);
    meta.entry_offset = node_offset(id);
    meta.entry_level = static_cast<std::int16_t>(level);
  }
  call_pg([&] { write_meta(index, &meta); });
}

}  // namespace commerce::pg::hnsw
