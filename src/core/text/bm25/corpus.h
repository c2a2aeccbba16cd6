// BM25 search over a corpus of immutable segments (segment.h), with corpus statistics summed over
// the segments: what the commerce_bm25 index scans. Documents are numbered across the corpus
// (segment i's documents follow segment i-1's), so one block-max WAND with one threshold ranks
// every segment at once: a term's cursor walks its postings in each segment in turn, decoding
// one block at a time into reusable arrays. Scores are those of an InvertedIndex holding the
// same documents (the same formula, statistics and typo variants), which the tests check.
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/cancel.h"
#include "core/text/bm25/expansion.h"
#include "core/text/bm25/params.h"
#include "core/text/bm25/query.h"
#include "core/text/bm25/search.h"
#include "core/text/bm25/segment.h"

namespace commerce::text::bm25 {

class Corpus {
 public:
  // Numbers the segments' documents in the given order.
  explicit Corpus(std::vector<SegmentView> segments);

  std::uint64_t documents() const { return documents_; }
  double total_length() const { return total_length_; }
  double average_length() const {
    return documents_ == 0 ? 0.0 : total_length_ / static_cast<double>(documents_);
  }
  // Documents containing `term`, summed over segments.
  std::uint64_t df(std::string_view term) const;
  const std::vector<SegmentView> &segments() const { return segments_; }
  // The caller's key (heap TID) of a corpus-wide document number.
  std::int64_t key(DocId doc) const;

 private:
  std::vector<SegmentView> segments_;
  std::uint64_t documents_ = 0;
  double total_length_ = 0.0;
};

// The terms of every segment, for typo expansion.
class CorpusVocabulary final : public Vocabulary {
 public:
  explicit CorpusVocabulary(const Corpus &corpus) : corpus_(corpus) {}
  void for_each(const Visit &visit) const override;

 private:
  const Corpus &corpus_;
};

// Opens the query's clauses over the corpus (cursors read the segments' bytes lazily).
OpenedQuery open_query(const Corpus &corpus, const Query &query, const Params &params);

// The k best documents, best first, with their keys: block-max WAND or the conjunctive driver as
// in search.h. k may be large (every match, for a boolean match scan).
std::vector<Hit> corpus_top_k(const Corpus &corpus, const Query &query, std::size_t k,
                              const Params &params, CancelCheck &cancel,
                              SearchStats *stats = nullptr);

}  // namespace commerce::text::bm25
