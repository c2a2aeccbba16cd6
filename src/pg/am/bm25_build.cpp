// CREATE INDEX ... USING commerce_bm25: the heap is read in TID order, each row's columns are
// analysed (src/core/text/analyzer.h) into an in-memory inverted index, and whenever that index
// outgrows maintenance_work_mem it is written out as one segment and a new one is started. Rows
// whose indexed columns are all NULL are not indexed.
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/text/analyzer.h"
#include "core/text/bm25/document.h"
#include "core/text/bm25/inverted_index.h"
#include "pg/am/bm25_am.h"
#include "pg/am/bm25_page.h"
#include "pg/am/bm25_row.h"
#include "pg/am/bm25_storage.h"
#include "pg/guard.h"

extern "C" {
#include "access/tableam.h"
#include "access/xloginsert.h"
#include "commands/progress.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "utils/memutils.h"
#include "utils/rel.h"
}

namespace commerce::pg::bm25 {

namespace {

// The C++ side of a build: owned through BuildState, freed at the end or, on ERROR, by the
// memory-context reset callback.
struct BuildWork {
  MetaData meta;
  std::unique_ptr<core::InvertedIndex> documents;
  std::vector<std::int64_t> keys;
  std::size_t bytes = 0;  // rough memory of `documents`' postings
};

struct BuildState {
  Relation index;
  BuildWork *work;
  MemoryContext tuple_context;
  MemoryContextCallback cleanup;
  double rows_indexed;
  std::size_t budget_bytes;
};

void free_work(void *arg) {
  BuildState *state = static_cast<BuildState *>(arg);
  delete state->work;
  state->work = nullptr;
}

// Writes the in-memory documents as a segment; past half the segment list's room, merges all
// segments into one so the list never fills up.
void write_out(BuildState &state) {
  BuildWork &work = *state.work;
  if (work.keys.empty()) return;
  append_segment(state.index, work.meta, *work.documents, work.keys);
  work.documents = std::make_unique<core::InvertedIndex>(core::kSegmentBlockSize);
  work.keys.clear();
  work.bytes = 0;
  if (work.meta.segment_count >= kMaxSegments / 2) {
    CancelCheck cancel = interrupt_check(256);
    const IndexSnapshot snapshot(state.index, false);
    // No scan can read an index being built: the merged segments' pages are reused at once.
    replace_segments(
        state.index, snapshot, 0, snapshot.meta().segment_count, false,
        [](std::int64_t) { return false; }, cancel, true);
    call_pg([&] { read_meta(state.index, &work.meta); });
  }
}

void build_callback(Relation, ItemPointer tid, Datum *values, bool *isnull, bool, void *arg) {
  BuildState *state = static_cast<BuildState *>(arg);
  MemoryContext old = MemoryContextSwitchTo(state->tuple_context);
  const RowTexts row = row_texts(state->index, values, isnull);
  const std::int64_t key = tid_key(*tid);
  if (row.any) {
    guarded([&] {
      BuildWork &work = *state->work;
      const core::AnalysedDocument doc = analyse_row(work.meta, row, key);
      std::size_t positions = 0;
      for (const core::DocumentTerm &t : doc.terms) positions += t.positions.size();
      work.documents->add_document(doc);
      work.keys.push_back(key);
      // Per posting: document, tf, position offset and the document's term list (4 bytes each),
      // per position 4 bytes, with vectors' growth slack; per term its dictionary entry and
      // postings vectors.
      work.bytes += 64 + doc.terms.size() * 24 + positions * 6;
      if (work.bytes + work.documents->term_count() * 320 > state->budget_bytes) write_out(*state);
    });
    state->rows_indexed += 1;
  }
  MemoryContextSwitchTo(old);
  MemoryContextReset(state->tuple_context);
  pgstat_progress_update_param(PROGRESS_CREATEIDX_TUPLES_DONE,
                               static_cast<int64>(state->rows_indexed));
}

}  // namespace

IndexBuildResult *build(Relation heap, Relation index, IndexInfo *info) {
  if (RelationGetNumberOfBlocks(index) != 0) {
    elog(ERROR, "index \"%s\" already contains data", RelationGetRelationName(index));
  }
  MetaData meta;
  initial_meta(index, &meta);
  BuildState *state = static_cast<BuildState *>(palloc0(sizeof(BuildState)));
  state->index = index;
  state->budget_bytes = static_cast<std::size_t>(maintenance_work_mem) * 1024;
  state->tuple_context = AllocSetContextCreate(CurrentMemoryContext, "commerce_bm25 build tuple",
                                               ALLOCSET_DEFAULT_SIZES);
  state->cleanup.func = free_work;
  state->cleanup.arg = state;
  MemoryContextRegisterResetCallback(CurrentMemoryContext, &state->cleanup);
  create_meta(index, MAIN_FORKNUM, &meta);
  guarded([&] {
    state->work =
        new BuildWork{meta, std::make_unique<core::InvertedIndex>(core::kSegmentBlockSize), {}, 0};
  });
  const double heap_rows =
      table_index_build_scan(heap, index, info, true, true, build_callback, state, nullptr);
  guarded([&] { write_out(*state); });
  free_work(state);

  IndexBuildResult *result = static_cast<IndexBuildResult *>(palloc(sizeof(IndexBuildResult)));
  result->heap_tuples = heap_rows;
  result->index_tuples = state->rows_indexed;
  return result;
}

void build_empty(Relation index) {
  MetaData meta;
  initial_meta(index, &meta);
  create_meta(index, INIT_FORKNUM, &meta);
  // GenericXLog does not log an unlogged relation's pages, but the init fork must survive a
  // crash: it is what the index is reset to.
  log_newpage_range(index, INIT_FORKNUM, 0, 1, true);
}

}  // namespace commerce::pg::bm25
