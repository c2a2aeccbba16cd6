// commerce.bm25query, the query type of the commerce_bm25 operators: text whose syntax (+word,
// -word, "phrase") is checked on input (22P02 for an unterminated phrase), so a bad query fails
// where it is written. The operators only have a value for rows a commerce_bm25 index scan is
// returning: outside one there are no corpus statistics (and no analyzer), so their functions
// raise 55000 with a hint.
#include <string_view>

#include "core/text/analyzer.h"
#include "core/text/bm25/query.h"
#include "pg/am/bm25_current_row.h"
#include "pg/guard.h"

extern "C" {
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
}

namespace {

void check_syntax(const char *data, std::size_t size) {
  commerce::pg::guarded([&] {
    commerce::text::bm25::parse_query(std::string_view(data, size),
                                      commerce::text::cached_analyzer("simple"));
  });
}

[[noreturn]] void needs_index(const char *op) {
  ereport(ERROR,
          (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
           errmsg("operator %s needs a commerce_bm25 index scan", op),
           errdetail("BM25 needs the corpus statistics and analyzer of an index."),
           errhint("Create an index USING commerce_bm25 on the column (and use ORDER BY ... "
                   "LIMIT or WHERE on it), or score rows with commerce.bm25_score(...) OVER ().")));
}

}  // namespace

PGC_FUNCTION(commerce_bm25query_in)
Datum commerce_bm25query_in(PG_FUNCTION_ARGS) {
  const char *s = PG_GETARG_CSTRING(0);
  check_syntax(s, strlen(s));
  PG_RETURN_TEXT_P(cstring_to_text(s));
}

PGC_FUNCTION(commerce_bm25query_out)
Datum commerce_bm25query_out(PG_FUNCTION_ARGS) {
  PG_RETURN_CSTRING(text_to_cstring(PG_GETARG_TEXT_PP(0)));
}

PGC_FUNCTION(commerce_bm25query_recv)
Datum commerce_bm25query_recv(PG_FUNCTION_ARGS) {
  StringInfo buf = reinterpret_cast<StringInfo>(PG_GETARG_POINTER(0));
  int nbytes = 0;
  char *s = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
  check_syntax(s, static_cast<std::size_t>(nbytes));
  PG_RETURN_TEXT_P(cstring_to_text_with_len(s, nbytes));
}

PGC_FUNCTION(commerce_bm25query_send)
Datum commerce_bm25query_send(PG_FUNCTION_ARGS) {
  ::text *t = PG_GETARG_TEXT_PP(0);
  StringInfoData buf;
  pq_begintypsend(&buf);
  pq_sendtext(&buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
  PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

// text -> bm25query (implicit, so text parameters work).
PGC_FUNCTION(commerce_bm25query_from_text)
Datum commerce_bm25query_from_text(PG_FUNCTION_ARGS) {
  ::text *t = PG_GETARG_TEXT_PP(0);
  check_syntax(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
  PG_RETURN_TEXT_P(t);
}

// The executor evaluates ORDER BY col <&> q again on the rows the index returns (and the select
// list may show it): the scan publishes its current row's score for that.
PGC_FUNCTION(commerce_bm25_order)
Datum commerce_bm25_order(PG_FUNCTION_ARGS) {
  double score = 0.0;
  bool matched = false;
  if (!commerce::pg::bm25::current_row(PG_GETARG_TEXT_PP(1), &score, &matched)) needs_index("<&>");
  PG_RETURN_FLOAT8(-score);
}

PGC_FUNCTION(commerce_bm25_match)
Datum commerce_bm25_match(PG_FUNCTION_ARGS) {
  double score = 0.0;
  bool matched = false;
  if (!commerce::pg::bm25::current_row(PG_GETARG_TEXT_PP(1), &score, &matched)) needs_index("@@&");
  PG_RETURN_BOOL(matched);
}
