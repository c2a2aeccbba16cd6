// INSERT/UPDATE into a table with a commerce_bm25 index: the row is analysed outside any lock,
// then, under the writers' lock, appended to the pending list (one WAL record with the meta page,
// which keeps the corpus statistics exact). When the pending list passes kPendingLimit, or the
// document is too long for it, the pending documents become a new segment right away.
#include <vector>

#include "core/text/bm25/document.h"
#include "pg/am/bm25_am.h"
#include "pg/am/bm25_page.h"
#include "pg/am/bm25_row.h"
#include "pg/am/bm25_storage.h"
#include "pg/guard.h"

extern "C" {
#include "utils/memutils.h"
}

namespace commerce::pg::bm25 {

bool insert(Relation index, Datum *values, bool *isnull, ItemPointer heap_tid, Relation,
            IndexUniqueCheck, bool, IndexInfo *) {
  MemoryContext context =
      AllocSetContextCreate(CurrentMemoryContext, "commerce_bm25 insert", ALLOCSET_DEFAULT_SIZES);
  MemoryContext old = MemoryContextSwitchTo(context);
  const RowTexts row = row_texts(index, values, isnull);
  const std::int64_t key = tid_key(*heap_tid);
  if (row.any) {
    guarded([&] {
      MetaData meta;
      call_pg([&] { read_meta(index, &meta); });  // the analyzer and weights never change
      std::vector<core::AnalysedDocument> docs{analyse_row(meta, row, key)};
      std::vector<std::uint8_t> record;
      core::encode_document(docs[0], record);
      CancelCheck cancel = interrupt_check(256);
      call_pg([&] { lock_writers(index); });
      call_pg([&] { read_meta(index, &meta); });
      if (record.size() > max_pending_record()) {
        flush_pending(index, docs, cancel);
      } else {
        const double length = docs[0].length;
        call_pg([&] {
          append_pending(index, &meta, reinterpret_cast<const char *>(record.data()), record.size(),
                         length);
        });
        if (meta.pending_bytes > kPendingLimit) flush_pending(index, {}, cancel);
      }
      call_pg([&] { unlock_writers(index); });
    });
  }
  MemoryContextSwitchTo(old);
  MemoryContextDelete(context);
  return false;
}

}  // namespace commerce::pg::bm25
