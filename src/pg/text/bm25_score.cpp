// commerce.bm25_score(document, query [, analyzer, k1, b, typos]) OVER (...), and the multi-field
// form bm25_score(documents text[], weights float8[], query [, ...]): exact BM25 without an index.
// A window function, because BM25 needs corpus statistics (document count, average length, document
// frequencies): the window partition is the corpus. On the first row of each partition every
// document is analysed into an in-memory index and scored with the core's exhaustive scorer; each
// row then returns its own score (0 when it does not match, NULL for a NULL document). The query,
// analyzer, k1, b and typos are read once, from that first row.
#include <string>
#include <vector>

#include "core/error.h"
#include "core/text/analyzer.h"
#include "core/text/bm25/expansion.h"
#include "core/text/bm25/inverted_index.h"
#include "core/text/bm25/query.h"
#include "core/text/bm25/search.h"
#include "pg/guard.h"
#include "pg/text/text_args.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "windowapi.h"
}

namespace ctext = commerce::text;
namespace bm25 = commerce::text::bm25;
using commerce::pg::guarded;

namespace {

// Lives in the partition's memory (zeroed on allocation).
struct PartitionScores {
  bool ready;
  double *scores;
  bool *nulls;
};

struct Arguments {
  ::text *query;
  const char *analyzer;
  double k1, b;
  bool typos;
  bool null_query;
  int weight_count;  // the multi-field form: one weight per element of the documents array
  double *weights;
};

// One row's document: its fields (a single field for the text form; NULL fields are skipped).
struct RowFields {
  int count;
  ::text **fields;
};

// Arguments after the document(s): (query [, analyzer [, k1, b, typos]]), preceded by the
// weights array in the multi-field form.
Arguments read_arguments(WindowObject win, int nargs, bool multi_field) {
  Arguments a{nullptr, "english", 1.2, 0.75, true, false, 0, nullptr};
  const int q = multi_field ? 2 : 1;  // position of the query argument
  bool isnull = false;
  if (multi_field) {
    const Datum w = WinGetFuncArgCurrent(win, 1, &isnull);
    if (!isnull) {
      ArrayType *array = DatumGetArrayTypePCopy(w);
      Datum *values = nullptr;
      bool *nulls = nullptr;
      deconstruct_array(array, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &values,
                        &nulls, &a.weight_count);
      a.weights = static_cast<double *>(palloc(sizeof(double) * (a.weight_count + 1)));
      for (int i = 0; i < a.weight_count; ++i)
        a.weights[i] = nulls[i] ? 0.0 : DatumGetFloat8(values[i]);
    }
  }
  Datum d = WinGetFuncArgCurrent(win, q, &isnull);
  if (isnull || (multi_field && a.weights == nullptr)) {
    a.null_query = true;
    return a;
  }
  a.query = DatumGetTextPCopy(d);
  if (nargs > q + 1) {
    d = WinGetFuncArgCurrent(win, q + 1, &isnull);
    if (!isnull) a.analyzer = text_to_cstring(DatumGetTextPP(d));
  }
  if (nargs > q + 3) {
    d = WinGetFuncArgCurrent(win, q + 2, &isnull);
    if (!isnull) a.k1 = DatumGetFloat8(d);
    d = WinGetFuncArgCurrent(win, q + 3, &isnull);
    if (!isnull) a.b = DatumGetFloat8(d);
  }
  if (nargs > q + 4) {
    d = WinGetFuncArgCurrent(win, q + 4, &isnull);
    if (!isnull) a.typos = DatumGetBool(d);
  }
  return a;
}

// Copies one row's document(s): a fetched Datum may point into a slot the next fetch reuses.
RowFields copy_fields(Datum d, bool multi_field) {
  if (!multi_field) {
    ::text **one = static_cast<::text **>(palloc(sizeof(::text *)));
    one[0] = DatumGetTextPCopy(d);
    return {1, one};
  }
  ArrayType *array = DatumGetArrayTypeP(d);
  Datum *values = nullptr;
  bool *nulls = nullptr;
  int count = 0;
  deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &values, &nulls, &count);
  ::text **fields = static_cast<::text **>(palloc(sizeof(::text *) * (count + 1)));
  for (int i = 0; i < count; ++i) fields[i] = nulls[i] ? nullptr : DatumGetTextPCopy(values[i]);
  return {count, fields};
}

void score_partition(FunctionCallInfo fcinfo, WindowObject win, PartitionScores *state) {
  const int64 rows = WinGetPartitionRowCount(win);
  const bool multi_field = get_fn_expr_argtype(fcinfo->flinfo, 0) == TEXTARRAYOID;
  MemoryContext partition = GetMemoryChunkContext(state);
  state->scores = static_cast<double *>(
      MemoryContextAllocHuge(partition, sizeof(double) * static_cast<Size>(rows + 1)));
  state->nulls = static_cast<bool *>(
      MemoryContextAllocHuge(partition, sizeof(bool) * static_cast<Size>(rows + 1)));
  const Arguments args = read_arguments(win, PG_NARGS(), multi_field);
  RowFields *documents = static_cast<RowFields *>(
      palloc_extended(sizeof(RowFields) * static_cast<Size>(rows + 1), MCXT_ALLOC_HUGE));
  for (int64 i = 0; i < rows; ++i) {
    bool isnull = false, isout = false;
    const Datum d = WinGetFuncArgInPartition(win, 0, i, WINDOW_SEEK_HEAD, false, &isnull, &isout);
    documents[i] = isnull || args.null_query ? RowFields{0, nullptr} : copy_fields(d, multi_field);
    state->nulls[i] = isnull || args.null_query;
    state->scores[i] = 0.0;
  }
  if (args.null_query) return;
  const commerce::pg::SynonymRows synonyms = commerce::pg::read_synonyms();
  guarded([&] {
    const bm25::Params params{args.k1, args.b};
    bm25::check_params(params);
    commerce::CancelCheck cancel = commerce::pg::interrupt_check(256);
    auto &analyzer = ctext::cached_analyzer(args.analyzer);
    bm25::InvertedIndex index;
    std::vector<std::vector<ctext::Token>> tokens;
    std::vector<bm25::Field> fields;
    for (int64 i = 0; i < rows; ++i) {
      if (documents[i].fields == nullptr) continue;
      cancel.poll();
      if (multi_field && documents[i].count != args.weight_count) {
        throw commerce::Error(commerce::sqlstate::kInvalidParameterValue,
                              "documents and weights must have the same number of elements",
                              "Pass one weight per field, e.g. ARRAY[title, description] with "
                              "ARRAY[2.0, 1.0].",
                              std::to_string(documents[i].count) + " documents, " +
                                  std::to_string(args.weight_count) + " weights");
      }
      tokens.assign(static_cast<std::size_t>(documents[i].count), {});
      fields.clear();
      for (int f = 0; f < documents[i].count; ++f) {
        if (documents[i].fields[f] == nullptr) continue;
        tokens[f] = analyzer.analyze(commerce::pg::view(documents[i].fields[f]));
        fields.push_back(bm25::Field{&tokens[f], multi_field ? args.weights[f] : 1.0});
      }
      index.add(i, fields);
    }
    bm25::Query query = bm25::parse_query(commerce::pg::view(args.query), analyzer);
    bm25::expand_synonyms(query, commerce::pg::synonym_map(synonyms, analyzer));
    bm25::TypoOptions typos;
    typos.enabled = args.typos;
    bm25::expand_typos(query, index, typos);
    for (const bm25::Hit &hit : bm25::score_all(index, query, params, cancel))
      state->scores[hit.key] = hit.score;
  });
}

}  // namespace

PGC_FUNCTION(commerce_bm25_score)
Datum commerce_bm25_score(PG_FUNCTION_ARGS) {
  WindowObject win = PG_WINDOW_OBJECT();
  auto *state =
      static_cast<PartitionScores *>(WinGetPartitionLocalMemory(win, sizeof(PartitionScores)));
  if (!state->ready) {
    score_partition(fcinfo, win, state);
    state->ready = true;
  }
  const int64 row = WinGetCurrentPosition(win);
  if (state->nulls[row]) PG_RETURN_NULL();
  PG_RETURN_FLOAT8(state->scores[row]);
}
