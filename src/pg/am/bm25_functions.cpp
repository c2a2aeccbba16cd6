// SQL functions over a commerce_bm25 index: commerce.bm25_index_stats (corpus statistics and
// storage), commerce.bm25_term_df (one analysed term's document frequency) and
// commerce.bm25_search (the index's top k with their scores, which the ordering operator keeps
// to itself).
#include <cstring>
#include <string_view>
#include <unordered_set>

#include "core/text/bm25/corpus.h"
#include "pg/am/bm25_am.h"
#include "pg/am/bm25_query.h"
#include "pg/am/bm25_storage.h"
#include "pg/guard.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"
}

namespace {

namespace b = commerce::pg::bm25;
using commerce::pg::guarded;

Relation open_bm25(Oid oid) {
  Relation index = index_open(oid, AccessShareLock);
  if (index->rd_indam == nullptr || index->rd_indam->amgettuple != b::get_tuple) {
    const char *name = RelationGetRelationName(index);
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("\"%s\" is not a commerce_bm25 index", name),
                    errhint("Pass an index created USING commerce_bm25.")));
  }
  return index;
}

}  // namespace

PGC_FUNCTION(commerce_bm25_index_stats)
Datum commerce_bm25_index_stats(PG_FUNCTION_ARGS) {
  Relation index = open_bm25(PG_GETARG_OID(0));
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
    elog(ERROR, "commerce.bm25_index_stats must return a record");
  struct {
    int64 documents, terms, pending;
    double average;
    int32 segments;
    char analyzer[b::kMaxAnalyzerName];
  } s{};
  guarded([&] {
    const b::IndexSnapshot snapshot(index, true);
    const auto &corpus = snapshot.corpus();
    s.documents = static_cast<int64>(corpus.documents());
    s.average = corpus.average_length();
    std::unordered_set<std::string_view> terms;
    for (const auto &segment : corpus.segments())
      for (const auto &e : segment.dictionary->entries()) terms.insert(segment.dictionary->text(e));
    s.terms = static_cast<int64>(terms.size());
    s.segments = static_cast<int32>(snapshot.meta().segment_count);
    s.pending = snapshot.meta().pending_docs;
    std::memcpy(s.analyzer, snapshot.meta().analyzer, sizeof(s.analyzer));
  });
  const int64 pages = RelationGetNumberOfBlocks(index);
  index_close(index, AccessShareLock);
  Datum values[7] = {Int64GetDatum(s.documents),     Float8GetDatum(s.average),
                     Int64GetDatum(s.terms),         Int32GetDatum(s.segments),
                     Int64GetDatum(s.pending),       Int64GetDatum(pages),
                     CStringGetTextDatum(s.analyzer)};
  bool nulls[7] = {};
  PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

PGC_FUNCTION(commerce_bm25_term_df)
Datum commerce_bm25_term_df(PG_FUNCTION_ARGS) {
  Relation index = open_bm25(PG_GETARG_OID(0));
  ::text *term = PG_GETARG_TEXT_PP(1);
  int64 df = 0;
  guarded([&] {
    const b::IndexSnapshot snapshot(index, true);
    df = static_cast<int64>(snapshot.corpus().df(commerce::pg::view(term)));
  });
  index_close(index, AccessShareLock);
  PG_RETURN_INT64(df);
}

PGC_FUNCTION(commerce_bm25_search)
Datum commerce_bm25_search(PG_FUNCTION_ARGS) {
  Relation index = open_bm25(PG_GETARG_OID(0));
  ::text *query = PG_GETARG_TEXT_PP(1);
  const int32 k = PG_GETARG_INT32(2);
  if (k < 0) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("k must not be negative"),
                    errhint("Pass how many rows to return, e.g. 10.")));
  }
  InitMaterializedSRF(fcinfo, 0);
  ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
  const b::QuerySettings settings = b::query_settings(index);
  const commerce::pg::SynonymRows synonyms = commerce::pg::read_synonyms();
  int count = 0;
  int64 *keys = nullptr;
  double *scores = nullptr;
  guarded([&] {
    const b::IndexSnapshot snapshot(index, true);
    const auto q = b::prepare_query(snapshot, commerce::pg::view(query), settings, synonyms);
    commerce::CancelCheck cancel = commerce::pg::interrupt_check(256);
    const auto hits = commerce::text::bm25::corpus_top_k(
        snapshot.corpus(), q, static_cast<std::size_t>(k), settings.params, cancel);
    keys = static_cast<int64 *>(commerce::pg::palloc_or_throw(sizeof(int64) * (hits.size() + 1)));
    scores =
        static_cast<double *>(commerce::pg::palloc_or_throw(sizeof(double) * (hits.size() + 1)));
    for (const auto &h : hits) {
      keys[count] = h.key;
      scores[count++] = h.score;
    }
  });
  for (int i = 0; i < count; ++i) {
    ItemPointer tid = static_cast<ItemPointer>(palloc(sizeof(ItemPointerData)));
    *tid = b::key_tid(keys[i]);
    Datum values[2] = {PointerGetDatum(tid), Float8GetDatum(scores[i])};
    bool nulls[2] = {};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  index_close(index, AccessShareLock);
  return static_cast<Datum>(0);
}
