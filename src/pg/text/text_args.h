// Small helpers shared by the text functions: viewing a text Datum from C++, and the synonym
// rules read from commerce.synonyms. Include after C++ and core headers (pg_headers.h last).
#pragma once

#include <string_view>

#include "core/text/analyzer.h"
#include "core/text/bm25/expansion.h"
#include "pg/pg_headers.h"

namespace commerce::pg {

// The bytes of a detoasted text value; valid while the value is.
inline std::string_view view(const ::text *t) {
  return std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

// The rows of commerce.synonyms as cached for the backend. Trivially destructible, so it can be
// filled by PostgreSQL calls and then read inside a guarded region. `generation` changes whenever
// the rows are read again.
struct SynonymRows {
  int count;
  char **terms;
  char **synonyms;
  bool *two_way;
  uint64 generation;
};

// The rows of commerce.synonyms, valid until the next call. Takes in pending invalidations and
// reads the table through SPI (a plan kept for the backend, the latest snapshot) only when it
// changed since the previous read (see sql/21_text_synonyms.sql): a change committed by another
// session is seen by the next call after the commit, this transaction's own changes by the next
// command, and a rolled-back change is forgotten. Call outside guarded regions: it may raise
// ERROR.
SynonymRows read_synonyms();

// The synonym map of `rows` for `analyzer` (a cached_analyzer). Rules that the analyzer cannot
// use (a side that is a stop word for it, or a multi-word side that would have to be looked up)
// are skipped, so one odd rule cannot break every search. Built again only when the rows'
// generation differs from the previous call's for this analyzer; valid until the next call. Call
// inside a guarded region.
const commerce::text::bm25::SynonymMap &synonym_map(const SynonymRows &rows,
                                                    commerce::text::Analyzer &analyzer);

}  // namespace commerce::pg
