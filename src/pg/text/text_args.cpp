// The rows of commerce.synonyms, cached per backend and read again through SPI only after a
// change, and the SynonymMap each analyzer makes of them.
#include "pg/text/text_args.h"

#include <map>

#include "core/error.h"
#include "pg/cache/table_watch.h"
#include "pg/spi_plan.h"

extern "C" {
#include "executor/spi.h"
#include "utils/memutils.h"
}

namespace commerce::pg {

namespace {

// The rules are cached per backend: reading the table through SPI on every scan cost about 3% of
// a short top-10 query. The statement trigger synonyms_cache (sql/21_text_synonyms.sql)
// invalidates the table's relcache entry on every change, and the TableWatch below marks the cache
// stale; the next read takes in pending invalidations first, so it never returns rows older than
// the last change committed before it started.
MemoryContext rows_context = nullptr;  // the cached rows; NULL: none yet
SynonymRows cached_rows{0, nullptr, nullptr, nullptr, 0};
uint64 generation = 0;
bool reading = false;  // set while reading: an error leaves the cache to be read again
const char *const kSynonymTables[] = {"synonyms"};
TableWatch synonyms{kSynonymTables, 1};

// Parsed and planned once per backend: parsing and planning took a quarter of a short top-10
// query's time when the table was read on every scan. The plan cache re-plans it when the table
// changes shape (or is dropped and created again).
SPIPlanPtr synonyms_plan() {
  static SPIPlanPtr plan = nullptr;
  return keep_plan(plan,
                   "SELECT term, synonym, two_way FROM commerce.synonyms ORDER BY term, synonym", 0,
                   nullptr);
}

// Whether `a` and `b` hold the same rules in the same order.
bool same_rows(const SynonymRows &a, const SynonymRows &b) {
  if (a.count != b.count) return false;
  for (int i = 0; i < a.count; ++i) {
    if (strcmp(a.terms[i], b.terms[i]) != 0 || strcmp(a.synonyms[i], b.synonyms[i]) != 0 ||
        a.two_way[i] != b.two_way[i])
      return false;
  }
  return true;
}

// Reads the table with the latest snapshot (every change committed before the invalidations just
// taken in is visible, as are this transaction's own earlier commands) into a new context, which
// becomes the cache only once the read succeeded; on error it goes with the caller's context.
// During a parallel query the statement's snapshot is used and the rows serve this call only
// (snapshot_for_reading). Unchanged rows keep their generation, so the analyzers' maps of them
// are not built again.
void read_rows() {
  MemoryContext fresh =
      AllocSetContextCreate(CurrentMemoryContext, "commerce.synonyms cache", ALLOCSET_SMALL_SIZES);
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  const int rc =
      SPI_execute_snapshot(synonyms_plan(), nullptr, nullptr, snapshot_for_reading(&synonyms),
                           InvalidSnapshot, true, false, 0);
  if (rc != SPI_OK_SELECT)
    elog(ERROR, "could not read commerce.synonyms: %s", SPI_result_code_string(rc));
  const int n = static_cast<int>(SPI_processed);
  SynonymRows rows{n, nullptr, nullptr, nullptr, generation + 1};
  rows.terms = static_cast<char **>(MemoryContextAlloc(fresh, sizeof(char *) * (n + 1)));
  rows.synonyms = static_cast<char **>(MemoryContextAlloc(fresh, sizeof(char *) * (n + 1)));
  rows.two_way = static_cast<bool *>(MemoryContextAlloc(fresh, sizeof(bool) * (n + 1)));
  for (int i = 0; i < n; ++i) {
    HeapTuple tuple = SPI_tuptable->vals[i];
    TupleDesc desc = SPI_tuptable->tupdesc;
    bool null = false;
    const char *term = SPI_getvalue(tuple, desc, 1);
    const char *synonym = SPI_getvalue(tuple, desc, 2);
    const Datum two_way = SPI_getbinval(tuple, desc, 3, &null);
    rows.terms[i] = MemoryContextStrdup(fresh, term != nullptr ? term : "");
    rows.synonyms[i] = MemoryContextStrdup(fresh, synonym != nullptr ? synonym : "");
    rows.two_way[i] = !null && DatumGetBool(two_way);
  }
  SPI_finish();
  if (rows_context != nullptr && same_rows(rows, cached_rows)) {
    MemoryContextDelete(fresh);
    return;
  }
  MemoryContextSetParent(fresh, TopMemoryContext);
  if (rows_context != nullptr) MemoryContextDelete(rows_context);
  rows_context = fresh;
  cached_rows = rows;
  generation = rows.generation;
}

}  // namespace

SynonymRows read_synonyms() {
  // take_changes clears the flag first: an invalidation taken in while reading makes the next
  // call read again.
  if (take_changes(&synonyms) || reading || rows_context == nullptr) {
    reading = true;
    read_rows();
    reading = false;
  }
  return cached_rows;
}

const commerce::text::bm25::SynonymMap &synonym_map(const SynonymRows &rows,
                                                    commerce::text::Analyzer &analyzer) {
  // Analysing every rule took time proportional to the table on every query; the map only
  // changes when the rows do, so each analyzer keeps the map of the last generation it saw.
  // Analyzers come from cached_analyzer and live as long as the backend, so their addresses are
  // stable keys.
  struct Cached {
    uint64 generation;
    commerce::text::bm25::SynonymMap map;
  };
  static std::map<const commerce::text::Analyzer *, Cached> cache;
  if (auto it = cache.find(&analyzer);
      it != cache.end() && it->second.generation == rows.generation)
    return it->second.map;
  Cached fresh{rows.generation, {}};
  for (int i = 0; i < rows.count; ++i) {
    try {
      fresh.map.add(rows.terms[i], rows.synonyms[i], rows.two_way[i], analyzer);
    } catch (const commerce::Error &) {
      // Skipped on purpose (see the header): the table's CHECK already rejects rules that no
      // analyzer could use, and a stop word for this analyzer is simply not searchable.
    }
  }
  Cached &slot = cache[&analyzer];
  slot = std::move(fresh);
  return slot.map;
}

}  // namespace commerce::pg
