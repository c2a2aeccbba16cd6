// An in-memory inverted index for BM25: a term dictionary, per-term postings (document, weighted
// term frequency, positions) cut into fixed-size blocks, and the corpus statistics BM25 needs.
// Documents are added in order and removed by tombstone; statistics (document count, total
// length, document frequencies) always describe the live documents only.
//
// Block-max data: for each block of postings, the largest tf / (tf + norm(doc)) in it. It depends
// on k1, b and the average length, so prepare() recomputes it when any of them changed.
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/text/analyzer.h"
#include "core/text/bm25/params.h"

namespace commerce::text::bm25 {

using DocId = std::uint32_t;
using TermId = std::uint32_t;
inline constexpr DocId kNoDoc = std::numeric_limits<DocId>::max();

// One analysed field of a document and its weight (title 2.0, description 1.0, ...). A term's
// frequency and the document's length are sums over fields of weight x count.
struct Field {
  const std::vector<Token> *tokens;
  double weight = 1.0;
};

struct AnalysedDocument;

struct Postings {
  std::vector<DocId> docs;              // ascending
  std::vector<float> tfs;               // weighted term frequency per posting
  std::vector<std::uint32_t> pos_from;  // positions of posting i: [pos_from[i], pos_from[i+1])
  std::vector<std::uint32_t> positions;
  std::uint32_t live_docs = 0;
  // Filled by InvertedIndex::prepare().
  std::vector<DocId> block_last;  // last document of each block
  std::vector<float> block_max;   // max tf / (tf + norm) within each block
};

class InvertedIndex {
 public:
  explicit InvertedIndex(std::uint32_t block_size = 128);

  // Adds a document under the caller's key (a row id, a product id). Returns its DocId.
  DocId add(std::int64_t key, const std::vector<Field> &fields);
  // Adds a document analysed beforehand (analyse_document in document.h).
  DocId add_document(const AnalysedDocument &document);
  // Tombstones a document; its postings stay but no longer match or count. Idempotent.
  void remove(DocId doc);

  std::size_t live_documents() const { return live_; }
  std::size_t document_slots() const { return keys_.size(); }
  double average_length() const { return live_ == 0 ? 0.0 : total_length_ / live_; }
  bool alive(DocId doc) const { return alive_[doc]; }
  std::int64_t key(DocId doc) const { return keys_[doc]; }
  double length(DocId doc) const { return lengths_[doc]; }

  std::optional<TermId> find(std::string_view term) const;
  const Postings &postings(TermId term) const { return postings_[term]; }
  const std::string &term(TermId term) const { return terms_[term]; }
  std::size_t term_count() const { return terms_.size(); }
  std::uint32_t block_size() const { return block_size_; }

  // Computes norm(doc) = k1 (1 - b + b len/avgdl) and the block maxima for `params`; cheap when
  // nothing changed since the last call. Must be called before norm() or block data are read.
  void prepare(const Params &params) const;
  double norm(DocId doc) const { return norms_[doc]; }

 private:
  std::uint32_t block_size_;
  std::unordered_map<std::string, TermId> dictionary_;
  std::vector<std::string> terms_;
  mutable std::vector<Postings> postings_;  // block data is a cache filled by prepare()
  std::vector<std::int64_t> keys_;
  std::vector<double> lengths_;
  std::vector<bool> alive_;
  std::vector<std::vector<TermId>> doc_terms_;  // to update document frequencies on remove
  std::size_t live_ = 0;
  double total_length_ = 0.0;
  std::uint64_t version_ = 0;  // bumped by add/remove

  mutable std::vector<double> norms_;
  mutable std::uint64_t prepared_version_ = std::numeric_limits<std::uint64_t>::max();
  mutable Params prepared_params_{-1.0, -1.0};
};

}  // namespace commerce::text::bm25
