// commerce.bm25_score(document, query [, analyzer, k1, b, typos]) OVER (...): exact BM25 without
// an index. A window function, because BM25 needs corpus statistics (document count, average
// length, document frequencies): the window partition is the corpus. On the first row of each
// partition every document is analysed into an in-memory index and scored with the core's
// exhaustive scorer; each row then returns its own score (0 when it does not match, NULL for a
// NULL document). The query, analyzer, k1, b and typos are read once, from that first row.
#include <string>
#include <vector>

#include "core/text/analyzer.h"
#include "core/text/bm25/expansion.h"
#include "core/text/bm25/inverted_index.h"
#include "core/text/bm25/query.h"
#include "core/text/bm25/search.h"
#include "pg/guard.h"
#include "pg/text/text_args.h"

extern "C" {
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
};

Arguments read_arguments(WindowObject win, int nargs) {
  Arguments a{nullptr, "english", 1.2, 0.75, true, false};
  bool isnull = false;
  Datum d = WinGetFuncArgCurrent(win, 1, &isnull);
  if (isnull) {
    a.null_query = true;
    return a;
  }
  a.query = DatumGetTextPCopy(d);
  if (nargs > 2) {
    d = WinGetFuncArgCurrent(win, 2, &isnull);
    if (!isnull) a.analyzer = text_to_cstring(DatumGetTextPP(d));
  }
  if (nargs > 4) {
    d = WinGetFuncArgCurrent(win, 3, &isnull);
    if (!isnull) a.k1 = DatumGetFloat8(d);
    d = WinGetFuncArgCurrent(win, 4, &isnull);
    if (!isnull) a.b = DatumGetFloat8(d);
  }
  if (nargs > 5) {
    d = WinGetFuncArgCurrent(win, 5, &isnull);
    if (!isnull) a.typos = DatumGetBool(d);
  }
  return a;
}

void score_partition(WindowObject win, PartitionScores *state, int nargs) {
  const int64 rows = WinGetPartitionRowCount(win);
  MemoryContext partition = GetMemoryChunkContext(state);
  state->scores = static_cast<double *>(
      MemoryContextAllocHuge(partition, sizeof(double) * static_cast<Size>(rows + 1)));
  state->nulls = static_cast<bool *>(
      MemoryContextAllocHuge(partition, sizeof(bool) * static_cast<Size>(rows + 1)));
  const Arguments args = read_arguments(win, nargs);
  // Copies of the documents: a fetched Datum may point into a slot the next fetch reuses.
  ::text **documents = static_cast<::text **>(
      palloc_extended(sizeof(::text *) * static_cast<Size>(rows + 1), MCXT_ALLOC_HUGE));
  for (int64 i = 0; i < rows; ++i) {
    bool isnull = false, isout = false;
    const Datum d = WinGetFuncArgInPartition(win, 0, i, WINDOW_SEEK_HEAD, false, &isnull, &isout);
    documents[i] = isnull || args.null_query ? nullptr : DatumGetTextPCopy(d);
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
    for (int64 i = 0; i < rows; ++i) {
      if (documents[i] == nullptr) continue;
      cancel.poll();
      const std::vector<ctext::Token> tokens = analyzer.analyze(commerce::pg::view(documents[i]));
      index.add(i, {bm25::Field{&tokens, 1.0}});
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
    score_partition(win, state, PG_NARGS());
    state->ready = true;
  }
  const int64 row = WinGetCurrentPosition(win);
  if (state->nulls[row]) PG_RETURN_NULL();
  PG_RETURN_FLOAT8(state->scores[row]);
}
