// CREATE INDEX ... USING commerce_hnsw: the heap is scanned into the in-memory graph
// (src/core/vector/hnsw/memory_graph.h) as long as it fits maintenance_work_mem, the rows are
// linked into a graph on several threads, and the graph is laid out page by page and written
// with GenericXLog. If the graph outgrows the budget, it is linked and written out at that point
// (with a NOTICE) and the remaining rows go through the page-level insert, which is correct but
// slower. Progress is reported to pg_stat_progress_create_index.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/vector/embedding.h"
#include "core/vector/hnsw/memory_graph.h"
#include "pg/am/hnsw_am.h"
#include "pg/am/hnsw_graph_pages.h"
#include "pg/am/hnsw_page.h"
#include "pg/guard.h"
#include "pg/types/embedding.h"

extern "C" {
#include "access/tableam.h"
#include "access/xloginsert.h"
#include "storage/bufmgr.h"
#include "commands/progress.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "utils/memutils.h"
#include "utils/rel.h"
}

namespace commerce::pg::hnsw {

namespace core = commerce::vector::hnsw;

namespace {

// The C++ side of a build: owned through BuildState, freed by end_build or, on ERROR, by the
// memory-context reset callback.
struct BuildWork {
  core::Params params;
  core::Metric metric;
  std::unique_ptr<core::MemoryGraph> graph;  // until the graph is written out
  std::vector<ItemPointerData> tids;         // heap TID per graph node
  std::vector<float> scratch;
  std::size_t dims = 0;
  Storage storage = Storage::kFloat32;

  Layout layout() const { return Layout{static_cast<int>(dims), params.m, storage}; }
};

// Plain data PostgreSQL frames may see (the heap-scan callback gets a pointer to it).
struct BuildState {
  Relation index;
  BuildWork *work;
  MemoryContext tuple_context;
  MemoryContextCallback cleanup;
  double rows_indexed;
  std::size_t budget_bytes;
  bool on_pages;  // the graph outgrew the budget and was written out
};

void free_work(void *arg) {
  BuildState *state = static_cast<BuildState *>(arg);
  delete state->work;
  state->work = nullptr;
}

void report(int param, int64 value) {
  call_pg([&] { pgstat_progress_update_param(param, value); });
}

MetaData empty_meta(std::size_t dims, const core::Params &params, core::Metric metric,
                    Storage storage) {
  MetaData meta{};
  meta.magic = kMagic;
  meta.version = kVersion;
  meta.dims = static_cast<std::uint16_t>(dims);
  meta.m = static_cast<std::uint16_t>(params.m);
  meta.ef_construction = static_cast<std::uint16_t>(params.ef_construction);
  meta.metric = static_cast<std::uint8_t>(metric);
  meta.storage = static_cast<std::uint8_t>(storage);
  meta.entry_block = InvalidBlockNumber;
  meta.entry_offset = InvalidOffsetNumber;
  meta.entry_level = -1;
  meta.insert_block = kMetaBlock;
  meta.inserted = 0;
  return meta;
}

// Throws 54000 when an element of `dims` dimensions at the highest stored level cannot fit a page.
void check_fits(std::size_t dims, int m, Storage storage) {
  const Layout layout{static_cast<int>(dims), m, storage};
  if (layout.max_element_size() <= max_item_size()) return;
  const std::size_t room = max_item_size() - (layout.max_element_size() - layout.vector_bytes());
  throw Error(sqlstate::kProgramLimitExceeded,
              "embeddings of " + std::to_string(dims) +
                  " dimensions are too large for commerce_hnsw with m = " + std::to_string(m),
              "Use at most " + std::to_string(room / layout.value_bytes()) +
                  " dimensions with this m, or a smaller m.");
}

// The order elements are laid out on pages: breadth first over layer 0 from the entry point,
// so that a node's neighbours tend to share its page and a scan locks one page for several of
// them. Nodes not reached (none in a connected graph) follow in id order.
std::vector<std::size_t> page_order(const core::MemoryGraph &graph) {
  const std::size_t n = graph.size();
  std::vector<std::size_t> order;
  order.reserve(n);
  std::vector<bool> placed(n, false);
  auto place = [&](std::size_t id) {
    if (placed[id]) return;
    placed[id] = true;
    order.push_back(id);
  };
  if (n > 0) place(*graph.entry_point());
  for (std::size_t next = 0; order.size() < n; ++next) {
    if (next == order.size()) {  // disconnected rest: continue from the first unplaced node
      for (std::size_t id = 0; id < n; ++id) {
        if (!placed[id]) {
          place(id);
          break;
        }
      }
    }
    for (std::uint32_t link : graph.neighbors(order[next], 0)) place(link);
  }
  return order;
}

// Writes the in-memory graph to pages after the meta page: lays elements out page by page
// (a first pass fixes every node's block and offset, so links can be written as item
// pointers), then appends each page with a full-page GenericXLog record.
void write_graph(Relation index, BuildWork &work) {
  const core::MemoryGraph &graph = *work.graph;
  const Layout layout = work.layout();
  const std::size_t n = graph.size();
  report(PROGRESS_CREATEIDX_SUBPHASE, 3);
  report(PROGRESS_CREATEIDX_TUPLES_TOTAL, static_cast<int64>(n));

  std::vector<char> image(BLCKSZ + 16);
  char *page = image.data();
  std::vector<char> element(layout.max_element_size(), 0);
  std::vector<NodeId> where(n);
  const BlockNumber first = call_pg([&] { return RelationGetNumberOfBlocks(index); });

  const std::vector<std::size_t> order = page_order(graph);

  // Pass 1: placement only.
  BlockNumber block = first;
  call_pg([&] { init_element_page(page); });
  for (const std::size_t i : order) {
    const std::size_t size = layout.element_size(graph.level(i));
    OffsetNumber offset = call_pg([&] { return add_to_page_image(page, element.data(), size); });
    if (offset == InvalidOffsetNumber) {
      ++block;
      call_pg([&] { init_element_page(page); });
      offset = call_pg([&] { return add_to_page_image(page, element.data(), size); });
    }
    where[i] = node_id(block, offset);
  }

  // Pass 2: the real elements, page by page.
  CancelCheck cancel = interrupt_check(256);
  block = first;
  call_pg([&] { init_element_page(page); });
  std::vector<NodeId> links;
  auto flush = [&] {
    const BlockNumber written = call_pg([&] { return append_page(index, page); });
    if (written != block)
      throw Error(sqlstate::kInternalError, "commerce_hnsw build lost track of its pages");
  };
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = order[k];
    cancel.poll();
    const int level = graph.level(i);
    const std::size_t size = layout.element_size(level);
    ElementHeader header{};
    header.level = static_cast<std::uint8_t>(level);
    header.heap_tid = work.tids[i];
    std::memcpy(element.data(), &header, sizeof header);
    write_vector(element.data(), layout, graph.vector(i));
    for (int l = 0; l <= level; ++l) {
      links.clear();
      for (std::uint32_t to : graph.neighbors(i, l)) links.push_back(where[to]);
      write_links(element.data(), layout, l, links.data(), static_cast<int>(links.size()));
    }
    if (node_block(where[i]) != block) {
      flush();
      ++block;
      call_pg([&] { init_element_page(page); });
    }
    const OffsetNumber offset =
        call_pg([&] { return add_to_page_image(page, element.data(), size); });
    if (offset != node_offset(where[i]))
      throw Error(sqlstate::kInternalError, "commerce_hnsw build misplaced an element");
    if (k % 1024 == 0) report(PROGRESS_CREATEIDX_TUPLES_DONE, static_cast<int64>(k));
  }
  if (n > 0) flush();

  MetaData meta = empty_meta(work.dims, work.params, work.metric, work.storage);
  if (n > 0) {
    const NodeId entry = where[*graph.entry_point()];
    meta.entry_block = node_block(entry);
    meta.entry_offset = node_offset(entry);
    meta.entry_level = static_cast<std::int16_t>(graph.max_level());
    meta.insert_block = block;
  }
  meta.inserted = n;
  call_pg([&] { write_meta(index, &meta); });
  report(PROGRESS_CREATEIDX_TUPLES_DONE, static_cast<int64>(n));
}

// Threads that link the graph: the backend and up to max_parallel_maintenance_workers more, but
// never more than the machine's CPUs. They are threads inside this backend, not parallel worker
// processes: they only touch the graph (memory_graph.h) and block all signals.
std::size_t link_threads() {
  const std::size_t cpus = std::max(1u, std::thread::hardware_concurrency());
  const int extra = call_pg([] { return max_parallel_maintenance_workers; });
  return std::min<std::size_t>(1 + static_cast<std::size_t>(std::max(extra, 0)), cpus);
}

// Links every stored row, reporting progress as "linking graph".
void link_graph(BuildWork &work) {
  report(PROGRESS_CREATEIDX_SUBPHASE, 4);
  report(PROGRESS_CREATEIDX_TUPLES_TOTAL, static_cast<int64>(work.graph->size()));
  CancelCheck cancel = interrupt_check(256);
  work.graph->link(link_threads(), cancel, [](std::size_t done) {
    report(PROGRESS_CREATEIDX_TUPLES_DONE, static_cast<int64>(done));
  });
}

// One heap row, inside a guarded region.
void add_row(BuildState &state, const EmbeddingDatum *value, ItemPointerData tid) {
  BuildWork &work = *state.work;
  const std::span<const float> raw = values(value);
  if (work.dims == 0) {
    check_fits(raw.size(), work.params.m, work.storage);
    work.dims = raw.size();
    MetaData meta = empty_meta(work.dims, work.params, work.metric, work.storage);
    call_pg([&] { write_meta(state.index, &meta); });
  }
  vector::check_same_dimensions(raw.size(), work.dims);
  CancelCheck cancel = interrupt_check(256);
  if (state.on_pages) {
    work.scratch.resize(work.dims);
    if (!core::prepare_vector(work.metric, raw, work.scratch)) return;
    insert_on_pages(state.index, work.scratch.data(), tid, cancel);
    state.rows_indexed += 1;
    return;
  }
  // Cosine stores unit vectors, which always fit half.
  if (work.metric != core::Metric::kCosine) check_storable(work.layout(), raw.data());
  if (!work.graph)
    work.graph = std::make_unique<core::MemoryGraph>(work.dims, work.metric, work.params);
  // Rows are only stored here; they are linked all at once, on several threads, when the scan
  // ends or the graph reaches maintenance_work_mem (its size is known as rows are stored).
  if (!work.graph->add(raw)) return;
  work.tids.push_back(tid);
  state.rows_indexed += 1;
  if (work.graph->memory_bytes() + work.tids.size() * sizeof(ItemPointerData) >
      state.budget_bytes) {
    const std::size_t rows = work.graph->size();
    link_graph(work);
    write_graph(state.index, work);
    work.graph.reset();
    work.tids = {};
    state.on_pages = true;
    call_pg([&] {
      ereport(NOTICE,
              (errmsg("commerce_hnsw graph no longer fits into maintenance_work_mem after %zu rows",
                      rows),
               errdetail("The build goes on inserting into the index pages, which is slower."),
               errhint("Increase maintenance_work_mem to speed up builds.")));
    });
  }
}

void build_callback(Relation, ItemPointer tid, Datum *values, bool *isnull, bool, void *arg) {
  BuildState *state = static_cast<BuildState *>(arg);
  if (isnull[0]) return;
  MemoryContext old = MemoryContextSwitchTo(state->tuple_context);
  const EmbeddingDatum *value = DatumGetEmbeddingP(values[0]);
  const ItemPointerData heap_tid = *tid;
  guarded([&] { add_row(*state, value, heap_tid); });
  MemoryContextSwitchTo(old);
  MemoryContextReset(state->tuple_context);
  pgstat_progress_update_param(PROGRESS_CREATEIDX_TUPLES_DONE,
                               static_cast<int64>(state->rows_indexed));
}

// The option was checked when it was set (check_storage in hnsw_handler.cpp).
Storage storage_of(Relation index) {
  const Options *opts = reinterpret_cast<const Options *>(index->rd_options);
  const char *value = opts != nullptr ? GET_STRING_RELOPTION(opts, storage) : nullptr;
  return value != nullptr && pg_strcasecmp(value, "float16") == 0 ? Storage::kFloat16
                                                                  : Storage::kFloat32;
}

core::Params params_of(Relation index) {
  core::Params params;
  params.max_level = kMaxStoredLevel;
  if (const Options *opts = reinterpret_cast<const Options *>(index->rd_options)) {
    params.m = opts->m;
    params.ef_construction = opts->ef_construction;
  }
  return params;
}

}  // namespace

IndexBuildResult *build(Relation heap, Relation index, IndexInfo *info) {
  if (RelationGetNumberOfBlocks(index) != 0) {
    elog(ERROR, "index \"%s\" already contains data", RelationGetRelationName(index));
  }
  const core::Metric metric = index_metric(index);
  const int32 typmod = TupleDescAttr(RelationGetDescr(index), 0)->atttypmod;
  BuildState *state = static_cast<BuildState *>(palloc0(sizeof(BuildState)));
  state->index = index;
  state->budget_bytes = static_cast<std::size_t>(maintenance_work_mem) * 1024;
  state->tuple_context = AllocSetContextCreate(CurrentMemoryContext, "commerce_hnsw build tuple",
                                               ALLOCSET_DEFAULT_SIZES);
  state->cleanup.func = free_work;
  state->cleanup.arg = state;
  MemoryContextRegisterResetCallback(CurrentMemoryContext, &state->cleanup);
  guarded([&] {
    state->work = new BuildWork{params_of(index), metric, nullptr, {}, {}, 0, storage_of(index)};
    core::validate(state->work->params);
    MetaData meta = empty_meta(typmod > 0 ? static_cast<std::size_t>(typmod) : 0,
                               state->work->params, metric, state->work->storage);
    if (typmod > 0) {
      check_fits(static_cast<std::size_t>(typmod), state->work->params.m, state->work->storage);
      state->work->dims = static_cast<std::size_t>(typmod);
    }
    call_pg([&] { create_meta(index, MAIN_FORKNUM, &meta); });
  });
  pgstat_progress_update_param(PROGRESS_CREATEIDX_SUBPHASE, 2);
  const double heap_rows =
      table_index_build_scan(heap, index, info, true, true, build_callback, state, nullptr);
  guarded([&] {
    if (state->work->graph) {
      link_graph(*state->work);
      write_graph(index, *state->work);
    }
  });
  free_work(state);

  IndexBuildResult *result = static_cast<IndexBuildResult *>(palloc(sizeof(IndexBuildResult)));
  result->heap_tuples = heap_rows;
  result->index_tuples = state->rows_indexed;
  return result;
}

void build_empty(Relation index) {
  const core::Metric metric = index_metric(index);
  const int32 typmod = TupleDescAttr(RelationGetDescr(index), 0)->atttypmod;
  MetaData meta;
  guarded([&] {
    const core::Params params = params_of(index);
    core::validate(params);
    meta = empty_meta(typmod > 0 ? static_cast<std::size_t>(typmod) : 0, params, metric,
                      storage_of(index));
  });
  create_meta(index, INIT_FORKNUM, &meta);
  // GenericXLog does not log an unlogged relation's pages, but the init fork must survive a
  // crash: it is what the index is reset to.
  log_newpage_range(index, INIT_FORKNUM, 0, 1, true);
}

}  // namespace commerce::pg::hnsw
