// What the commerce_bm25 operators return outside the index's own evaluation. The executor
// projects ORDER BY col <&> q (and any use of the operators in the select list) by calling the
// operator's function on each row the index scan returned, but BM25 has no meaning without the
// index's corpus statistics. So each scan publishes, for the row it just returned, its score and
// whether it matched, under the query text; the operator functions look the query up here. A
// call with no scan of that query running raises 55000.
#pragma once

#include "pg/pg_headers.h"

namespace commerce::pg::bm25 {

// Records the current row of scan `owner` for its query number `slot`.
void publish_row(const void *owner, int slot, const ::text *query, double score, bool matched);
// Drops every entry of `owner` (end of scan, rescan, error cleanup). Never raises ERROR.
void forget_rows(const void *owner);
// The most recently published row for this query text; false when no scan publishes it.
bool current_row(const ::text *query, double *score, bool *matched);

}  // namespace commerce::pg::bm25
