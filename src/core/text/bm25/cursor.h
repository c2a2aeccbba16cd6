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
#include <span>
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
  // An upper bound of score() for every document in [target, *last]; *last >= target. Targets
  // only grow (until a seek()). WAND asks for the same block's bound many times while it stays
  // the pivot's, so the last block's bound is kept here and a cursor is asked only for a target
  // past it: the virtual call and the skip-entry walk on every ask were a fifth of a multi-word
  // query's instructions.
  double block_bound(DocId target, DocId *last) {
    if (!bound_known_ || target > bound_last_) {
      bound_ = next_block_bound(target, &bound_last_);
      bound_known_ = true;
    }
    *last = bound_last_;
    return bound_;
  }
  // Posting blocks decoded so far (only segment cursors decode; the benches report it).
  virtual std::uint64_t blocks_decoded() const { return 0; }
  // Whether seek() can also move backwards (segment term cursors can: their skip entries give
  // random access to every block).
  virtual bool seekable() const { return false; }
  // Moves to the first document >= target, backwards too when seekable(); block_bound() then
  // goes on from there.
  virtual void seek(DocId target) { advance(target); }

  // The postings from doc() to the end of its block, with their scores: a block scored whole
  // (best-first search) is read as arrays instead of a virtual next() and score() per posting.
  // Only seekable cursors have blocks; others return an empty view.
  struct BlockView {
    DocId base = 0;               // added to each of docs
    std::span<const DocId> docs;  // ascending
    std::span<const double> scores;
  };
  virtual BlockView rest_of_block() { return {}; }

 protected:
  // block_bound() for a target past the last block asked about.
  virtual double next_block_bound(DocId target, DocId *last) = 0;
  // After moving backwards: the kept bound may belong to a later block.
  void forget_block_bound() { bound_known_ = false; }

  DocId doc_ = kNoDoc;
  double max_score_ = 0.0;

 private:
  bool bound_known_ = false;
  DocId bound_last_ = 0;
  double bound_ = 0.0;
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
