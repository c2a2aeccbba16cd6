// Cursors over the documents a query clause matches, in ascending DocId order, each with its
// BM25 contribution and the upper bounds that let top-k search skip documents:
//   TermCursor   one term's postings (block-max bounds from the index)
//   ListCursor   a materialised list of (doc, score), used for phrases
//   UnionCursor  any of several cursors (a required clause with synonyms or typo variants)
// Dead (tombstoned) documents are skipped by every cursor.
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "core/text/bm25/inverted_index.h"
#include "core/text/bm25/query.h"

namespace commerce::text::bm25 {

class Cursor {
 public:
  virtual ~Cursor() = default;
  DocId doc() const { return doc_; }  // kNoDoc once exhausted
  double max_score() const { return max_score_; }
  virtual void next() = 0;
  // Moves to the first document >= target (never backwards).
  virtual void advance(DocId target) = 0;
  // The contribution at doc(); only valid while doc() != kNoDoc.
  virtual double score() const = 0;
  // An upper bound of score() for every document in [target, *last]; *last >= target.
  virtual double block_bound(DocId target, DocId *last) = 0;
  // Posting blocks decoded so far (only segment cursors decode; the benches report it).
  virtual std::uint64_t blocks_decoded() const { return 0; }
  // Whether seek() can also move backwards (segment term cursors can: their skip entries give
  // random access to every block).
  virtual bool seekable() const { return false; }
  // Moves to the first document >= target, backwards too when seekable(); block_bound() then
  // goes on from there.
  virtual void seek(DocId target) { advance(target); }

 protected:
  DocId doc_ = kNoDoc;
  double max_score_ = 0.0;
};

// The cursor for one alternative, or nullptr when it matches no live document. `weight` is
// boost x idf x (k1 + 1); the index must be prepared for the same parameters.
std::unique_ptr<Cursor> open_alternative(const InvertedIndex &index, const Alternative &alt,
                                         const Params &params);

// One cursor for a whole clause (a union when it has several alternatives), or nullptr.
std::unique_ptr<Cursor> open_clause(const InvertedIndex &index, const Clause &clause,
                                    const Params &params);

// A cursor over a materialised list of (doc ascending, score), with block bounds every
// `block_size` entries (phrases over any corpus). nullptr when the list is empty.
std::unique_ptr<Cursor> list_cursor(std::vector<DocId> docs, std::vector<double> scores,
                                    std::size_t block_size);

// A cursor over any of `children` (at least one), scoring the sum of those on the document.
std::unique_ptr<Cursor> union_cursor(std::vector<std::unique_ptr<Cursor>> children);

}  // namespace commerce::text::bm25
