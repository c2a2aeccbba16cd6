// The commerce_hnsw access method's callbacks, one file each: hnsw_handler.cpp (handler,
// reloptions, cost estimate, settings), hnsw_build.cpp, hnsw_insert.cpp, hnsw_scan.cpp,
// hnsw_vacuum.cpp. Page layout in hnsw_page.h; the graph over pages in hnsw_graph_pages.h.
#pragma once

#include "core/vector/hnsw/metric.h"
#include "pg/pg_headers.h"

extern "C" {
#include "access/amapi.h"
#include "access/genam.h"
#include "access/reloptions.h"
#include "nodes/execnodes.h"
}

namespace commerce::pg::hnsw {

// Registers reloptions and the commerce.hnsw_ef_search setting; called from _PG_init.
void init();

// commerce.hnsw_ef_search: candidate list size (and batch size) of index scans.
extern int ef_search;

// WITH (m = ..., ef_construction = ..., storage = float32 | float16).
struct Options {
  int32 vl_len_;
  int m;
  int ef_construction;
  int storage;  // string reloption: offset of "float32" / "float16" (read with storage_of)
};

// The distance an index was built for, from its operator class's support function 1.
commerce::vector::hnsw::Metric index_metric(Relation index);

// Callbacks.
IndexBuildResult *build(Relation heap, Relation index, IndexInfo *info);
void build_empty(Relation index);
bool insert(Relation index, Datum *values, bool *isnull, ItemPointer heap_tid, Relation heap,
            IndexUniqueCheck check, bool index_unchanged, IndexInfo *info);
IndexScanDesc begin_scan(Relation index, int nkeys, int norderbys);
void rescan(IndexScanDesc scan, ScanKey keys, int nkeys, ScanKey orderbys, int norderbys);
bool get_tuple(IndexScanDesc scan, ScanDirection direction);
void end_scan(IndexScanDesc scan);
IndexBulkDeleteResult *bulk_delete(IndexVacuumInfo *info, IndexBulkDeleteResult *stats,
                                   IndexBulkDeleteCallback callback, void *callback_state);
IndexBulkDeleteResult *vacuum_cleanup(IndexVacuumInfo *info, IndexBulkDeleteResult *stats);

}  // namespace commerce::pg::hnsw
