// INSERT/UPDATE into a table with a commerce_hnsw index: one element per row, linked into the
// graph on the pages under the insert lock (hnsw_graph_pages.cpp). Work is done in a short-lived
// memory context per row.
#include <string>
#include <vector>

#include "core/vector/embedding.h"
#include "pg/am/hnsw_am.h"
#include "pg/am/hnsw_graph_pages.h"
#include "pg/guard.h"
#include "pg/types/embedding.h"

extern "C" {
#include "utils/memutils.h"
}

namespace commerce::pg::hnsw {

namespace core = commerce::vector::hnsw;

namespace {

void insert_row(Relation index, core::Metric metric, const EmbeddingDatum *value,
                ItemPointerData tid) {
  const std::span<const float> raw = values(value);
  MetaData meta;
  call_pg([&] { read_meta(index, &meta); });
  if (meta.dims == 0) {
    // Built over an empty table with an untyped column: the first row fixes the dimensions.
    const Layout layout{static_cast<int>(raw.size()), meta.m, static_cast<Storage>(meta.storage)};
    if (layout.max_element_size() > max_item_size()) {
      throw Error(sqlstate::kProgramLimitExceeded,
                  "embeddings of " + std::to_string(raw.size()) +
                      " dimensions are too large for commerce_hnsw",
                  "Index fewer dimensions or use a smaller m.");
    }
    meta.dims = static_cast<std::uint16_t>(raw.size());
    call_pg([&] { write_meta(index, &meta); });
  }
  vector::check_same_dimensions(raw.size(), meta.dims);
  std::vector<float> prepared(raw.size());
  if (!core::prepare_vector(metric, raw, prepared)) return;  // zero vector under cosine
  CancelCheck cancel = interrupt_check(256);
  insert_on_pages(index, prepared.data(), tid, cancel);
}

}  // namespace

bool insert(Relation index, Datum *values, bool *isnull, ItemPointer heap_tid, Relation,
            IndexUniqueCheck, bool, IndexInfo *) {
  if (isnull[0]) return false;
  MemoryContext context =
      AllocSetContextCreate(CurrentMemoryContext, "commerce_hnsw insert", ALLOCSET_DEFAULT_SIZES);
  MemoryContext old = MemoryContextSwitchTo(context);
  const EmbeddingDatum *value = DatumGetEmbeddingP(values[0]);
  const core::Metric metric = index_metric(index);
  const ItemPointerData tid = *heap_tid;
  guarded([&] {
    lock_for_insert(index);
    insert_row(index, metric, value, tid);
    unlock_for_insert(index);
  });
  MemoryContextSwitchTo(old);
  MemoryContextDelete(context);
  return false;
}

}  // namespace commerce::pg::hnsw
