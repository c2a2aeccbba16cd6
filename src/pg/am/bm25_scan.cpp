// Index scans. ORDER BY col <&> query: the first call runs a corpus-wide top-k (block-max WAND
// over every segment and the pending list, src/core/text/bm25/corpus.h) for 10 rows; when the
// executor asks for more (rows that were deleted, or no LIMIT) it reruns with 4 times k and goes
// on where it was (the order is deterministic: score, then document). After the last match come
// the remaining rows with score 0, as ORDER BY requires. WHERE col @@& query: every matching row
// (the index is exact, no recheck). Both together: the ranking restricted to the matches.
// Scores are BM25 over all the index's columns, whichever column the operator names.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/text/bm25/corpus.h"
#include "pg/am/bm25_am.h"
#include "pg/am/bm25_current_row.h"
#include "pg/am/bm25_query.h"
#include "pg/am/bm25_storage.h"
#include "pg/am/scan_keys.h"
#include "pg/guard.h"

extern "C" {
#include "access/relscan.h"
#include "utils/memutils.h"
}

namespace commerce::pg::bm25 {

namespace {

using core::DocId;

// What the first get_tuple collects from PostgreSQL (trivially destructible).
struct ScanInput {
  int match_count;
  const ::text *matches[INDEX_MAX_KEYS];
  bool impossible;      // a match key is NULL
  const ::text *order;  // nullptr: no ORDER BY, or ORDER BY col <&> NULL
  bool ordered;
};

class ScanWork {
 public:
  ScanWork(Relation index, const ScanInput &in, const QuerySettings &settings,
           const SynonymRows &synonyms)
      : snapshot_(index, true), params_(settings.params), cancel_(interrupt_check(256)) {
    ordered_ = in.ordered;
    const core::Corpus &corpus = snapshot_.corpus();
    if (in.ordered && in.order != nullptr)
      order_ = prepare_query(snapshot_, view(in.order), settings, synonyms);
    if (in.match_count > 0 || in.impossible) {
      allowed_.emplace();
      for (int i = 0; i < in.match_count && !in.impossible; ++i) {
        const core::Query q = prepare_query(snapshot_, view(in.matches[i]), settings, synonyms);
        std::unordered_set<DocId> found;
        for (const core::Hit &h : core::corpus_top_k(corpus, q, SIZE_MAX, params_, cancel_))
          if (i == 0 || allowed_->count(h.doc) != 0) found.insert(h.doc);
        *allowed_ = std::move(found);
      }
      if (!ordered_) {
        list_.assign(allowed_->begin(), allowed_->end());
        std::sort(list_.begin(), list_.end());  // heap order, roughly
      }
    }
  }

  // The next row, its score and whether it matches the ORDER BY query.
  bool next(ItemPointerData *tid, double *score, bool *matched) {
    const core::Corpus &corpus = snapshot_.corpus();
    *matched = true;
    if (!ordered_) {
      if (position_ == list_.size()) return false;
      *tid = key_tid(corpus.key(list_[position_++]));
      *score = 0.0;
      return true;
    }
    while (true) {
      if (position_ < hits_.size()) {
        const core::Hit &h = hits_[position_++];
        *tid = key_tid(h.key);
        *score = h.score;
        return true;
      }
      if (!complete_) {
        k_ = k_ == 0 ? 10 : k_ * 4;
        std::vector<core::Hit> all = core::corpus_top_k(corpus, order_, k_, params_, cancel_);
        complete_ = all.size() < k_;
        hits_.clear();
        for (const core::Hit &h : all)
          if (!allowed_ || allowed_->count(h.doc) != 0) hits_.push_back(h);
        continue;
      }
      // Rows that do not match score 0 and come last, in index order. The rows returned so far
      // are all of hits_: each rerun's list starts with the previous one (the order is
      // deterministic), and the last one holds every match.
      if (fallback_ == 0)
        for (const core::Hit &h : hits_) returned_.insert(h.doc);
      while (fallback_ < corpus.documents()) {
        const DocId d = fallback_++;
        cancel_.poll();
        if (returned_.count(d) != 0 || (allowed_ && allowed_->count(d) == 0)) continue;
        *tid = key_tid(corpus.key(d));
        *score = 0.0;
        *matched = false;
        return true;
      }
      return false;
    }
  }

 private:
  static std::string_view view(const ::text *t) {
    return std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
  }

  IndexSnapshot snapshot_;
  core::Params params_;
  CancelCheck cancel_;
  bool ordered_ = false;
  core::Query order_;
  std::optional<std::unordered_set<DocId>> allowed_;  // rows every @@& key matches
  std::vector<DocId> list_;                           // unordered scans: the matches
  std::vector<core::Hit> hits_;
  std::size_t position_ = 0;
  std::size_t k_ = 0;
  bool complete_ = false;               // hits_ holds every match
  std::unordered_set<DocId> returned_;  // filled when the rows with score 0 begin
  DocId fallback_ = 0;
};

// Plain data that PostgreSQL keeps in scan->opaque; the C++ state hangs off it and is freed by
// end_scan, rescan, or (after an ERROR) the memory-context reset callback.
struct ScanOpaque {
  ScanWork *work;
  ScanInput in;  // the query texts, published with each row (bm25_current_row.h)
  bool started;
  MemoryContext context;  // the scan's: get_tuple may run in a shorter-lived one
  MemoryContextCallback cleanup;
};

void free_work(void *arg) {
  ScanOpaque *so = static_cast<ScanOpaque *>(arg);
  forget_rows(so);
  delete so->work;
  so->work = nullptr;
}

void start(IndexScanDesc scan, ScanOpaque *so) {
  if (scan->numberOfOrderBys > 1) {
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("a commerce_bm25 scan orders by one <&> expression"),
                    errhint("ORDER BY one column <&> query; break ties in an outer query.")));
  }
  MemoryContext old = MemoryContextSwitchTo(so->context);
  ScanInput in{};
  for (int i = 0; i < scan->numberOfKeys; ++i) {
    const ScanKey key = &scan->keyData[i];
    if (key->sk_flags & SK_ISNULL) {
      in.impossible = true;
    } else {
      in.matches[in.match_count++] =
          reinterpret_cast<const ::text *>(PG_DETOAST_DATUM_PACKED(key->sk_argument));
    }
  }
  in.ordered = scan->numberOfOrderBys == 1;
  if (in.ordered && !(scan->orderByData[0].sk_flags & SK_ISNULL))
    in.order =
        reinterpret_cast<const ::text *>(PG_DETOAST_DATUM_PACKED(scan->orderByData[0].sk_argument));
  Relation index = scan->indexRelation;
  const QuerySettings settings = query_settings(index);
  const SynonymRows synonyms = read_synonyms();
  so->in = in;
  guarded([&] { so->work = new ScanWork(index, in, settings, synonyms); });
  MemoryContextSwitchTo(old);
  so->started = true;
}

}  // namespace

IndexScanDesc begin_scan(Relation index, int nkeys, int norderbys) {
  IndexScanDesc scan = RelationGetIndexScan(index, nkeys, norderbys);
  ScanOpaque *so = static_cast<ScanOpaque *>(palloc0(sizeof(ScanOpaque)));
  so->context = CurrentMemoryContext;
  so->cleanup.func = free_work;
  so->cleanup.arg = so;
  MemoryContextRegisterResetCallback(CurrentMemoryContext, &so->cleanup);
  scan->opaque = so;
  allocate_order_by_slots(scan, norderbys);
  return scan;
}

void rescan(IndexScanDesc scan, ScanKey keys, int nkeys, ScanKey orderbys, int norderbys) {
  ScanOpaque *so = static_cast<ScanOpaque *>(scan->opaque);
  free_work(so);
  so->started = false;
  copy_scan_keys(scan, keys, nkeys, orderbys, norderbys);
}

bool get_tuple(IndexScanDesc scan, ScanDirection) {
  ScanOpaque *so = static_cast<ScanOpaque *>(scan->opaque);
  if (!so->started) start(scan, so);
  ItemPointerData tid;
  double score = 0.0;
  bool found = false, matched = false;
  guarded([&] { found = so->work->next(&tid, &score, &matched); });
  if (!found) return false;
  if (so->in.order != nullptr) publish_row(so, 0, so->in.order, score, matched);
  for (int i = 0; i < so->in.match_count; ++i)
    publish_row(so, i + 1, so->in.matches[i], score, true);
  scan->xs_heaptid = tid;
  scan->xs_recheck = false;
  scan->xs_recheckorderby = false;
  if (scan->numberOfOrderBys > 0) {
    scan->xs_orderbyvals[0] = Float8GetDatum(-score);
    scan->xs_orderbynulls[0] = false;
  }
  return true;
}

void end_scan(IndexScanDesc scan) {
  ScanOpaque *so = static_cast<ScanOpaque *>(scan->opaque);
  // `so` itself stays until its memory context goes: the reset callback still points at it.
  free_work(so);
}

}  // namespace commerce::pg::bm25
