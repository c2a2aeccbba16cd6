// VACUUM: removes dead rows from the graph without losing connectivity. Under the insert lock,
// (1) find elements whose heap rows are dead, (2) for every live element that links to one,
// choose new links among its live links and the dead neighbours' live links (with the same
// heuristic as inserts), move the entry point off a dead element, and (3) mark the dead
// elements deleted. Deleted elements stay on their pages as tombstones that scans may walk
// through but never return; no live element links to them afterwards.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/vector/hnsw/neighbor_selection.h"
#include "pg/am/hnsw_am.h"
#include "pg/am/hnsw_graph_pages.h"
#include "pg/guard.h"

extern "C" {
#include "commands/vacuum.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "utils/rel.h"
}

namespace commerce::pg::hnsw {

namespace core = commerce::vector::hnsw;

namespace {

struct ElementInfo {
  NodeId id;
  int level;
  bool deleted;
  ItemPointerData heap_tid;
};

// Reads the header of every element on `block` (plain PostgreSQL code).
void read_headers(Relation index, BlockNumber block, ElementInfo *out, int *count,
                  BufferAccessStrategy strategy) {
  Buffer buffer = ReadBufferExtended(index, MAIN_FORKNUM, block, RBM_NORMAL, strategy);
  LockBuffer(buffer, BUFFER_LOCK_SHARE);
  Page page = BufferGetPage(buffer);
  const OffsetNumber max = PageGetMaxOffsetNumber(page);
  *count = 0;
  for (OffsetNumber offset = FirstOffsetNumber; offset <= max; ++offset) {
    ItemId item = PageGetItemId(page, offset);
    if (!ItemIdIsUsed(item)) continue;
    ElementHeader header;
    memcpy(&header, PageGetItem(page, item), sizeof header);
    out[*count] =
        ElementInfo{node_id(block, offset), header.level, header.deleted != 0, header.heap_tid};
    ++*count;
  }
  UnlockReleaseBuffer(buffer);
}

std::vector<ElementInfo> all_elements(Relation index, BufferAccessStrategy strategy) {
  const BlockNumber blocks = call_pg([&] { return RelationGetNumberOfBlocks(index); });
  std::vector<ElementInfo> elements;
  std::vector<ElementInfo> page(MaxOffsetNumber);
  CancelCheck cancel = interrupt_check(16);
  for (BlockNumber block = kMetaBlock + 1; block < blocks; ++block) {
    cancel.poll();
    int count = 0;
    call_pg([&] { read_headers(index, block, page.data(), &count, strategy); });
    elements.insert(elements.end(), page.begin(), page.begin() + count);
  }
  return elements;
}

// New links for `element` on `level`, avoiding every id in `dead`.
void repair(Relation index, PageGraph &graph, core::Metric metric,
            const std::unordered_set<NodeId> &dead, NodeId id, int level) {
  const Layout &layout = graph.layout();
  const std::size_t dims = static_cast<std::size_t>(layout.dims);
  ElementView e = graph.load(id);
  std::vector<NodeId> links;
  for (int i = 0; i < e.link_count(level); ++i) links.push_back(e.link(level, i));
  if (std::none_of(links.begin(), links.end(), [&](NodeId n) { return dead.count(n) != 0; }))
    return;

  std::vector<float> base(dims);
  e.copy_vector(base.data());
  std::unordered_set<NodeId> candidates;
  for (NodeId n : links) {
    if (dead.count(n) == 0) {
      candidates.insert(n);
      continue;
    }
    // Reconnect through the dead neighbour: its live links on this level.
    graph.for_each_neighbor(n, level, [&](NodeId two_hop) {
      if (two_hop != id && dead.count(two_hop) == 0) candidates.insert(two_hop);
    });
  }
  std::unordered_map<NodeId, std::vector<float>> vectors;
  std::vector<core::Candidate> scored;
  for (NodeId c : candidates) {
    const ElementView v = graph.load(c);
    if (v.header().deleted != 0 || v.header().level < level) continue;
    std::vector<float> values(dims);
    v.copy_vector(values.data());
    scored.push_back({core::graph_distance(metric, base.data(), values.data(), dims), c});
    vectors.emplace(c, std::move(values));
  }
  std::sort(scored.begin(), scored.end(), core::Nearer{});
  std::vector<core::Candidate> chosen;
  core::select_neighbors(
      scored, static_cast<std::size_t>(layout.max_links(level)),
      [&](NodeId a, NodeId b) {
        return core::graph_distance(metric, vectors.at(a).data(), vectors.at(b).data(), dims);
      },
      true, chosen);
  links.clear();
  for (const core::Candidate &c : chosen) links.push_back(c.id);
  std::vector<char> scratch(layout.links_offset(level + 1));
  write_links(scratch.data(), layout, level, links.data(), static_cast<int>(links.size()));
  const std::size_t offset = layout.links_offset(level);
  const std::size_t size = layout.list_bytes(level);
  call_pg([&] { patch_element(index, id, offset, scratch.data() + offset, size); });
}

void remove_dead(IndexVacuumInfo *info, IndexBulkDeleteResult *stats,
                 IndexBulkDeleteCallback callback, void *callback_state) {
  Relation index = info->index;
  MetaData meta;
  call_pg([&] { read_meta(index, &meta); });
  if (meta.entry_block == InvalidBlockNumber) return;
  const std::vector<ElementInfo> elements = all_elements(index, info->strategy);

  // (1) dead rows.
  std::unordered_set<NodeId> dead;
  for (const ElementInfo &e : elements) {
    if (e.deleted) continue;
    ItemPointerData tid = e.heap_tid;
    if (call_pg([&] { return callback(&tid, callback_state); })) dead.insert(e.id);
  }
  stats->num_pages = call_pg([&] { return RelationGetNumberOfBlocks(index); });
  if (dead.empty()) {
    stats->num_index_tuples = static_cast<double>(std::count_if(
        elements.begin(), elements.end(), [](const ElementInfo &e) { return !e.deleted; }));
    return;
  }

  // (2) repair links of live elements, and move the entry point to the highest live element.
  PageGraph graph(index, layout_of(meta));
  const core::Metric metric = static_cast<core::Metric>(meta.metric);
  CancelCheck cancel = interrupt_check(16);
  const ElementInfo *top = nullptr;
  double live = 0;
  for (const ElementInfo &e : elements) {
    if (e.deleted || dead.count(e.id) != 0) continue;
    live += 1;
    if (top == nullptr || e.level > top->level) top = &e;
    for (int level = 0; level <= e.level; ++level) {
      cancel.poll();
      repair(index, graph, metric, dead, e.id, level);
    }
  }
  if (top == nullptr) {
    meta.entry_block = InvalidBlockNumber;
    meta.entry_offset = InvalidOffsetNumber;
    meta.entry_level = -1;
  } else if (dead.count(node_id(meta.entry_block, meta.entry_offset)) != 0) {
    meta.entry_block = node_block(top->id);
    meta.entry_offset = node_offset(top->id);
    meta.entry_level = static_cast<std::int16_t>(top->level);
  }
  call_pg([&] { write_meta(index, &meta); });

  // (3) tombstones.
  for (NodeId id : dead) {
    cancel.poll();
    const std::uint8_t deleted = 1;
    call_pg([&] {
      patch_element(index, id, offsetof(ElementHeader, deleted),
                    reinterpret_cast<const char *>(&deleted), 1);
    });
  }
  stats->tuples_removed += static_cast<double>(dead.size());
  stats->num_index_tuples = live;
}

}  // namespace

IndexBulkDeleteResult *bulk_delete(IndexVacuumInfo *info, IndexBulkDeleteResult *stats,
                                   IndexBulkDeleteCallback callback, void *callback_state) {
  if (stats == nullptr)
    stats = static_cast<IndexBulkDeleteResult *>(palloc0(sizeof(IndexBulkDeleteResult)));
  Relation index = info->index;
  guarded([&] {
    lock_for_insert(index);
    remove_dead(info, stats, callback, callback_state);
    unlock_for_insert(index);
  });
  return stats;
}

IndexBulkDeleteResult *vacuum_cleanup(IndexVacuumInfo *info, IndexBulkDeleteResult *stats) {
  if (info->analyze_only) return stats;
  if (stats == nullptr) {
    // No bulk delete ran (nothing was dead): count what is there for the statistics.
    stats = static_cast<IndexBulkDeleteResult *>(palloc0(sizeof(IndexBulkDeleteResult)));
    Relation index = info->index;
    guarded([&] {
      const std::vector<ElementInfo> elements = all_elements(index, info->strategy);
      stats->num_index_tuples = static_cast<double>(std::count_if(
          elements.begin(), elements.end(), [](const ElementInfo &e) { return !e.deleted; }));
      stats->num_pages = call_pg([&] { return RelationGetNumberOfBlocks(index); });
    });
  }
  return stats;
}

}  // namespace commerce::pg::hnsw
