// What every commerce index scan does with the executor's keys, whatever the index: slots for the
// ORDER BY values it reports (re-ranking for commerce_hnsw's float16 storage, scores for
// commerce_bm25), and the keys of a rescan copied into the scan descriptor. Plain C on
// PostgreSQL: call outside guarded regions.
#pragma once

#include "pg/pg_headers.h"

extern "C" {
#include "access/relscan.h"
}

namespace commerce::pg {

// xs_orderbyvals/xs_orderbynulls for `norderbys` ORDER BY keys, all NULL until a row sets them.
inline void allocate_order_by_slots(IndexScanDesc scan, int norderbys) {
  if (norderbys <= 0) return;
  scan->xs_orderbyvals = static_cast<Datum *>(palloc0(sizeof(Datum) * norderbys));
  scan->xs_orderbynulls = static_cast<bool *>(palloc(sizeof(bool) * norderbys));
  for (int i = 0; i < norderbys; ++i) scan->xs_orderbynulls[i] = true;
}

// amrescan's keys into the descriptor, where the scan reads them when it starts.
inline void copy_scan_keys(IndexScanDesc scan, ScanKey keys, int nkeys, ScanKey orderbys,
                           int norderbys) {
  if (keys != nullptr && nkeys > 0) memmove(scan->keyData, keys, sizeof(ScanKeyData) * nkeys);
  if (orderbys != nullptr && norderbys > 0)
    memmove(scan->orderByData, orderbys, sizeof(ScanKeyData) * norderbys);
}

}  // namespace commerce::pg
