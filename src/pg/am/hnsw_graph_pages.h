// The index pages seen as a commerce::vector::hnsw::GraphView, so that the core's search code
// runs over them unchanged, and the page-level insert that aminsert (and a build that outgrew
// maintenance_work_mem) use. C++ code: page reads go through call_pg, so it must run inside a
// guarded region.
#pragma once

#include <cstddef>
#include <unordered_map>
#include <vector>

#include "core/cancel.h"
#include "core/vector/hnsw/graph_view.h"
#include "core/vector/hnsw/metric.h"
#include "core/vector/hnsw/params.h"
#include "pg/am/hnsw_page.h"

namespace commerce::pg::hnsw {

using commerce::vector::hnsw::Metric;

class PageGraph {
 public:
  // `hints` (may be nullptr) speeds up pinning pages; see BufferHints.
  PageGraph(Relation index, const Layout &layout, BufferHints *hints = nullptr);

  // Copies element `id` out of its page (the view is valid until the next load).
  ElementView load(NodeId id);

  // Distance from `query` (nullptr: all equal) computed on the page; fills `header` (and `norm`,
  // the stored vector's norm, unless nullptr).
  float distance(NodeId id, const float *query, Metric metric, ElementHeader *header,
                 float *norm = nullptr);

  // distance() for several elements, one buffer lock per page.
  void distances(const NodeId *ids, std::size_t count, const float *query, Metric metric,
                 ElementHeader *headers, float *out);

  template <typename F>
  void for_each_neighbor(NodeId id, int level, F &&f) {
    // Copied out first: f computes distances, which lock other pages.
    NodeId links[2 * commerce::vector::hnsw::kMaxM];
    const int count = read_links_of(id, level, links);
    for (int i = 0; i < count; ++i) f(links[i]);
  }

  const Layout &layout() const { return layout_; }

 private:
  int read_links_of(NodeId id, int level, NodeId *out);

  Relation index_;
  Layout layout_;
  BufferHints *hints_;
  std::vector<char> buffer_;
};

// The parts of the meta page an insert needs.
struct IndexShape {
  Layout layout;
  Metric metric;
  int ef_construction;
};

IndexShape shape_of(const MetaData &meta);
Layout layout_of(const MetaData &meta);

// Throws 22003 when `values` (layout.dims floats) cannot be stored in `layout` (a value outside
// the half range under storage = float16).
void check_storable(const Layout &layout, const float *values);

// Inserts one element for `heap_tid` with the vector `prepared` (already in the metric's form).
// The caller holds the index's insert lock (lock_for_insert), so inserts are serialised while
// scans keep reading. Reads and writes the meta page.
void insert_on_pages(Relation index, const float *prepared, ItemPointerData heap_tid,
                     CancelCheck &cancel);

// Heavyweight lock on the meta block that serialises graph changes (inserts, vacuum repair).
// Scans never take it. Released at commit/abort even when an ERROR skips unlock_for_insert.
void lock_for_insert(Relation index);
void unlock_for_insert(Relation index);

}  // namespace commerce::pg::hnsw
