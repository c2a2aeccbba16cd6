// Building, tombstoning and preparing the in-memory inverted index.
#include "core/text/bm25/inverted_index.h"

#include <algorithm>

#include "core/error.h"
#include "core/text/bm25/document.h"

namespace commerce::text::bm25 {

InvertedIndex::InvertedIndex(std::uint32_t block_size) : block_size_(block_size) {
  if (block_size_ == 0) {
    throw Error(sqlstate::kInvalidParameterValue, "block size must be positive",
                "Use the default of 128 postings per block.");
  }
}

DocId InvertedIndex::add(std::int64_t key, const std::vector<Field> &fields) {
  return add_document(analyse_document(key, fields));
}

DocId InvertedIndex::add_document(const AnalysedDocument &document) {
  if (keys_.size() >= kNoDoc) {
    throw Error(sqlstate::kProgramLimitExceeded, "too many documents for one BM25 index",
                "Split the table or index fewer rows.");
  }
  const DocId doc = static_cast<DocId>(keys_.size());
  std::vector<TermId> doc_terms;
  doc_terms.reserve(document.terms.size());
  for (const DocumentTerm &t : document.terms) {
    auto [it, inserted] = dictionary_.try_emplace(t.term, 0);
    if (inserted) {
      it->second = static_cast<TermId>(terms_.size());
      terms_.push_back(t.term);
      postings_.emplace_back();
      postings_.back().pos_from.push_back(0);
    }
    Postings &p = postings_[it->second];
    p.docs.push_back(doc);
    p.tfs.push_back(t.tf);
    p.positions.insert(p.positions.end(), t.positions.begin(), t.positions.end());
    p.pos_from.push_back(static_cast<std::uint32_t>(p.positions.size()));
    ++p.live_docs;
    doc_terms.push_back(it->second);
  }
  keys_.push_back(document.key);
  lengths_.push_back(document.length);
  alive_.push_back(true);
  doc_terms_.push_back(std::move(doc_terms));
  ++live_;
  total_length_ += document.length;
  ++version_;
  return doc;
}

void InvertedIndex::remove(DocId doc) {
  if (doc >= keys_.size() || !alive_[doc]) return;
  alive_[doc] = false;
  for (TermId t : doc_terms_[doc]) --postings_[t].live_docs;
  doc_terms_[doc].clear();
  doc_terms_[doc].shrink_to_fit();
  --live_;
  total_length_ -= lengths_[doc];
  if (live_ == 0) total_length_ = 0.0;  // no rounding residue once the index is empty
  ++version_;
}

std::optional<TermId> InvertedIndex::find(std::string_view term) const {
  auto it = dictionary_.find(std::string(term));
  if (it == dictionary_.end()) return std::nullopt;
  return it->second;
}

void InvertedIndex::prepare(const Params &params) const {
  if (prepared_version_ == version_ && prepared_params_.k1 == params.k1 &&
      prepared_params_.b == params.b) {
    return;
  }
  const double avg = average_length();
  norms_.resize(keys_.size());
  for (std::size_t d = 0; d < keys_.size(); ++d) {
    const double relative = avg > 0.0 ? lengths_[d] / avg : 1.0;
    norms_[d] = params.k1 * (1.0 - params.b + params.b * relative);
  }
  for (Postings &p : postings_) {
    p.block_last.clear();
    p.block_max.clear();
    for (std::size_t from = 0; from < p.docs.size(); from += block_size_) {
      const std::size_t to = std::min(p.docs.size(), from + block_size_);
      float best = 0.0f;
      for (std::size_t i = from; i < to; ++i) {
        const double tf = p.tfs[i];
        best = std::max(best, static_cast<float>(tf / (tf + norms_[p.docs[i]])));
      }
      // Rounding to float must not make the bound smaller than a real score.
      p.block_max.push_back(std::nextafter(best, 2.0f));
      p.block_last.push_back(p.docs[to - 1]);
    }
  }
  prepared_version_ = version_;
  prepared_params_ = params;
}

}  // namespace commerce::text::bm25
