// Telling every backend that cached rows of some commerce tables changed. Per-backend caches
// (the recommend catalogue, the BM25 synonyms) listen with a relcache callback on their tables;
// these functions send the relcache invalidation that the callback hears: to every backend when
// the changing transaction commits, and to the changing backend itself at its next command (and
// again at its abort, so a rolled-back change is forgotten).
#pragma once

#include "pg/pg_headers.h"

namespace commerce::pg {

// Invalidates the relcache entry of each named relation. A name without a schema is looked up in
// schema commerce; a relation that does not exist is skipped (it has nothing cached). Plain C on
// PostgreSQL: call outside guarded regions, it may raise ERROR.
void invalidate_relations(const char *const *names, int count);

}  // namespace commerce::pg
