// VACUUM. bulk_delete, under the writers' lock: every segment that holds a dead row is rewritten
// without it, and the pending list becomes a segment without its dead rows, so the corpus
// statistics (documents, total length, document frequencies) are again exactly those of the live
// indexed rows. vacuum_cleanup moves what is still pending into a segment and recycles pages that
// no scan can still be reading (bm25_page.h).
#include <algorithm>
#include <vector>

#include "core/text/bm25/segment_merge.h"
#include "pg/am/bm25_am.h"
#include "pg/am/bm25_page.h"
#include "pg/am/bm25_storage.h"
#include "pg/guard.h"

extern "C" {
#include "commands/vacuum.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"
}

namespace commerce::pg::bm25 {

namespace {

std::uint64_t remove_dead(Relation index, IndexBulkDeleteCallback callback, void *state) {
  const auto dead = [&](std::int64_t key) {
    ItemPointerData tid = key_tid(key);
    return callback(&tid, state);
  };
  CancelCheck cancel = interrupt_check(256);
  std::uint64_t removed = 0;
  // Segment by segment; each replacement changes the meta page, so a new snapshot follows it.
  for (std::uint32_t i = 0;;) {
    const IndexSnapshot snapshot(index, false);
    if (i >= snapshot.meta().segment_count) break;
    const std::vector<std::int64_t> keys = core::segment_keys(snapshot.views(i, i + 1)[0]);
    if (std::none_of(keys.begin(), keys.end(), dead)) {
      ++i;
      continue;
    }
    const std::uint32_t before = snapshot.meta().segment_count;
    removed += replace_segments(index, snapshot, i, i + 1, false, dead, cancel);
    if (call_pg([&] {
          MetaData meta;
          read_meta(index, &meta);
          return meta.segment_count;
        }) == before)
      ++i;  // rewritten in place (not emptied and dropped)
  }
  const IndexSnapshot snapshot(index, true);
  if (snapshot.pending() != nullptr) {
    const std::vector<std::int64_t> keys = core::segment_keys(*snapshot.pending());
    if (std::any_of(keys.begin(), keys.end(), dead)) {
      const std::uint32_t n = snapshot.meta().segment_count;
      const std::uint32_t from = n < kMaxSegments ? n : n - 1;  // a full list: merge the last
      removed += replace_segments(index, snapshot, from, n, true, dead, cancel);
    }
  }
  return removed;
}

}  // namespace

IndexBulkDeleteResult *bulk_delete(IndexVacuumInfo *info, IndexBulkDeleteResult *stats,
                                   IndexBulkDeleteCallback callback, void *callback_state) {
  if (stats == nullptr)
    stats = static_cast<IndexBulkDeleteResult *>(palloc0(sizeof(IndexBulkDeleteResult)));
  Relation index = info->index;
  std::uint64_t removed = 0;
  lock_writers(index);
  guarded([&] { removed = remove_dead(index, callback, callback_state); });
  unlock_writers(index);
  stats->tuples_removed += static_cast<double>(removed);
  return stats;
}

IndexBulkDeleteResult *vacuum_cleanup(IndexVacuumInfo *info, IndexBulkDeleteResult *stats) {
  if (info->analyze_only) return stats;
  if (stats == nullptr)
    stats = static_cast<IndexBulkDeleteResult *>(palloc0(sizeof(IndexBulkDeleteResult)));
  Relation index = info->index;
  lock_writers(index);
  guarded([&] {
    CancelCheck cancel = interrupt_check(256);
    flush_pending(index, {}, cancel);
  });
  // No writer can extend the index while we hold the lock: `count` stays the size.
  const BlockNumber count = RelationGetNumberOfBlocks(index);
  bool *referenced = static_cast<bool *>(palloc0(sizeof(bool) * (count + 1)));
  guarded([&] {
    // What the meta page references now; everything else is free, deleted or an orphan.
    const IndexSnapshot snapshot(index, true);
    auto mark = [&](BlockNumber b) {
      if (b < count) referenced[b] = true;
    };
    mark(kMetaBlock);
    for (std::uint32_t i = 0; i < snapshot.meta().segment_count; ++i)
      for (BlockNumber b : snapshot.segment_blocks(i)) mark(b);
    for (BlockNumber b : snapshot.pending_blocks()) mark(b);
  });
  BlockNumber deleted = 0;
  const BlockNumber free_pages = recycle_pages(index, info->strategy, referenced, count, &deleted);
  MetaData meta;
  read_meta(index, &meta);
  unlock_writers(index);
  stats->num_pages = RelationGetNumberOfBlocks(index);
  stats->pages_free = free_pages;
  stats->pages_deleted = free_pages + deleted;
  stats->num_index_tuples = static_cast<double>(meta.documents());
  stats->estimated_count = false;
  return stats;
}

}  // namespace commerce::pg::bm25
