// Top-k BM25 search over an InvertedIndex.
//
// top_k() is a true top-k: with only optional clauses it runs block-max WAND (Ding & Suel 2011),
// which skips every document whose per-block score bound cannot beat the current k-th best, so it
// scores a small fraction of the matches; with required clauses it walks the intersection of the
// required lists and skips candidates whose bound cannot enter the top k. score_all() scores
// every match with no pruning; it is the reference the tests compare against, and what
// commerce.bm25_score uses to score every row of a partition.
//
// Score of a document = sum over the clauses it matches (required and optional) of the sum over
// the clause's alternatives it contains of boost x idf x tf (k1 + 1) / (tf + norm(doc)).
// Results are ordered by score descending, then DocId ascending.
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>
#include <vector>

#include "core/cancel.h"
#include "core/text/bm25/cursor.h"
#include "core/text/bm25/inverted_index.h"
#include "core/text/bm25/query.h"

namespace commerce::text::bm25 {

struct Hit {
  DocId doc;
  std::int64_t key;
  double score;
};

struct SearchStats {
  std::uint64_t scored = 0;          // documents whose full score was computed
  std::uint64_t blocks_decoded = 0;  // segment posting blocks decoded by the search's cursors
};

std::vector<Hit> top_k(const InvertedIndex &index, const Query &query, std::size_t k,
                       const Params &params, CancelCheck &cancel, SearchStats *stats = nullptr);

// A query's cursors, opened over some corpus (an in-memory index, or index segments).
struct OpenedQuery {
  std::vector<std::unique_ptr<Cursor>> must, should, must_not;
  bool impossible = false;  // a required clause matches nothing
};

// top_k over opened cursors (consumed). Hit::key is left 0: the caller maps DocIds to keys.
std::vector<Hit> top_k(OpenedQuery &query, std::size_t k, CancelCheck &cancel,
                       SearchStats *stats = nullptr);

std::vector<Hit> score_all(const InvertedIndex &index, const Query &query, const Params &params,
                           CancelCheck &cancel);

}  // namespace commerce::text::bm25
