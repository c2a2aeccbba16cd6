// What commerce.recommend knows about the catalogue, cached per backend: product categories
// (commerce.product_facets) and the merchandising rules (commerce.recommendation_rules). Both are
// catalogue data that change far less often than recommend runs, and reading them took a third
// of a call's CPU. Every change to either table (or to a catalogue table behind a view of that
// name, if the trigger is attached to it) fires commerce.invalidate_caches(), which invalidates
// both tables' relcache entries in every backend when the change commits (and in the changing
// backend at its next command); a relcache callback then marks both caches stale, and the next
// call starts them afresh. Rows are read with the latest snapshot, after pending
// invalidations were taken in, so a cached row is never older than the last committed change the
// backend was told about. Live stock is never cached. Plain C on PostgreSQL's memory and hash
// tables: call these while SPI is connected and no C++ object is alive in the calling frame.
#pragma once

#include "core/recs/stage_two.h"
#include "pg/pg_headers.h"

namespace commerce::pg::recs {

// Takes in pending invalidations and empties stale caches. Call once at the start of a call,
// before the other functions: strings they hand out stay valid until the next call of this.
void catalog_cache_begin();

// The categories of `items` (NULL for none), `n` of them; reads those not cached with one query.
void cached_categories(const int64 *items, int n, const char **category);

// The rules in force at `at`, in a palloc'd array of *count (+1) rules whose strings belong to
// the cache; the caller may change the array (e.g. the pinned product's category).
commerce::recs::MerchRule *cached_rules(TimestampTz at, int *count);

}  // namespace commerce::pg::recs
