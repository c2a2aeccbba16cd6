// Reading commerce.synonyms through SPI and turning its rows into a SynonymMap.
#include "pg/text/text_args.h"

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/error.h"
#include "pg/spi_plan.h"

extern "C" {
#include "executor/spi.h"
}

namespace commerce::pg {

namespace {

// The query is parsed and planned once per backend: every commerce_bm25 scan and BM25 function
// reads the table, and parsing and planning took a quarter of a short top-10 query's time. The
// plan cache re-plans it when the table changes shape (or is dropped and created again), and each
// execution still reads the rows under the current snapshot.
SPIPlanPtr synonyms_plan() {
  static SPIPlanPtr plan = nullptr;
  return keep_plan(plan,
                   "SELECT term, synonym, two_way FROM commerce.synonyms ORDER BY term, synonym", 0,
                   nullptr);
}

}  // namespace

SynonymRows read_synonyms() {
  SynonymRows rows{0, nullptr, nullptr, nullptr};
  MemoryContext caller = CurrentMemoryContext;
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  const int rc = SPI_execute_plan(synonyms_plan(), nullptr, nullptr, true, 0);
  if (rc != SPI_OK_SELECT)
    elog(ERROR, "could not read commerce.synonyms: %s", SPI_result_code_string(rc));
  const int n = static_cast<int>(SPI_processed);
  MemoryContext spi = MemoryContextSwitchTo(caller);
  rows.count = n;
  rows.terms = static_cast<char **>(palloc(sizeof(char *) * (n + 1)));
  rows.synonyms = static_cast<char **>(palloc(sizeof(char *) * (n + 1)));
  rows.two_way = static_cast<bool *>(palloc(sizeof(bool) * (n + 1)));
  MemoryContextSwitchTo(spi);
  for (int i = 0; i < n; ++i) {
    HeapTuple tuple = SPI_tuptable->vals[i];
    TupleDesc desc = SPI_tuptable->tupdesc;
    bool null = false;
    const char *term = SPI_getvalue(tuple, desc, 1);
    const char *synonym = SPI_getvalue(tuple, desc, 2);
    const Datum two_way = SPI_getbinval(tuple, desc, 3, &null);
    rows.terms[i] = MemoryContextStrdup(caller, term != nullptr ? term : "");
    rows.synonyms[i] = MemoryContextStrdup(caller, synonym != nullptr ? synonym : "");
    rows.two_way[i] = !null && DatumGetBool(two_way);
  }
  SPI_finish();
  return rows;
}

const commerce::text::bm25::SynonymMap &synonym_map(const SynonymRows &rows,
                                                    commerce::text::Analyzer &analyzer) {
  // Analysing every rule took time proportional to the table on every query; the map only
  // changes when the rows do, so each analyzer keeps the last rows it saw and their map.
  // Analyzers come from cached_analyzer and live as long as the backend, so their addresses are
  // stable keys.
  struct Cached {
    std::vector<std::tuple<std::string, std::string, bool>> rows;
    commerce::text::bm25::SynonymMap map;
  };
  static std::map<const commerce::text::Analyzer *, Cached> cache;
  auto same = [&](const Cached &c) {
    if (c.rows.size() != static_cast<std::size_t>(rows.count)) return false;
    for (int i = 0; i < rows.count; ++i) {
      const auto &[term, synonym, two_way] = c.rows[static_cast<std::size_t>(i)];
      if (term != rows.terms[i] || synonym != rows.synonyms[i] || two_way != rows.two_way[i])
        return false;
    }
    return true;
  };
  if (auto it = cache.find(&analyzer); it != cache.end() && same(it->second)) return it->second.map;
  Cached fresh;
  for (int i = 0; i < rows.count; ++i) {
    fresh.rows.emplace_back(rows.terms[i], rows.synonyms[i], rows.two_way[i]);
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
