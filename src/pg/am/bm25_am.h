// The commerce_bm25 access method's callbacks, one file each: bm25_handler.cpp (handler,
// reloptions, cost estimate, settings), bm25_build.cpp, bm25_insert.cpp, bm25_scan.cpp,
// bm25_vacuum.cpp. Page layout in bm25_page.h; segments, the pending list and the corpus a scan
// reads in bm25_storage.h. The algorithms are in src/core/text/bm25 (segment.h, corpus.h).
#pragma once

#include "pg/pg_headers.h"

extern "C" {
#include "access/amapi.h"
#include "access/genam.h"
#include "access/reloptions.h"
#include "nodes/execnodes.h"
}

namespace commerce::pg::bm25 {

// Registers reloptions and the commerce.bm25_typos setting; called from _PG_init.
void init();

// commerce.bm25_typos: off turns typo tolerance off for this session whatever the index says.
extern bool session_typos;

// WITH (analyzer = 'english', k1 = 1.2, b = 0.75, weights = '3,1', typos = on).
struct Options {
  int32 vl_len_;
  int analyzer;  // offset of the string from the start of the struct
  double k1;
  double b;
  int weights;  // offset of the string ('' means 1 for every column)
  bool typos;
};

// The index's options, with the defaults when it has no WITH clause. Strings point into the
// relcache entry's options (valid while the relation is open).
struct IndexOptions {
  const char *analyzer;
  double k1;
  double b;
  const char *weights;
  bool typos;
};
IndexOptions index_options(Relation index);

// Parses weights = '3,1' into out (up to max values); returns their number, or -1 when the text
// is not a comma-separated list of positive numbers.
int parse_weights(const char *text, double *out, int max);

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

}  // namespace commerce::pg::bm25
