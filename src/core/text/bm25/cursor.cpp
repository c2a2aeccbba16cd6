// Term, phrase and union cursors.
#include "core/text/bm25/cursor.h"

#include <algorithm>

namespace commerce::text::bm25 {
namespace {

class TermCursor final : public Cursor {
 public:
  TermCursor(const InvertedIndex &index, const Postings &postings, double weight)
      : index_(index), p_(postings), weight_(weight) {
    float best = 0.0f;
    for (float m : p_.block_max) best = std::max(best, m);
    max_score_ = weight_ * best;
    settle();
  }

  void next() override {
    ++i_;
    settle();
  }

  void advance(DocId target) override {
    if (doc_ == kNoDoc || doc_ >= target) return;
    // Skip whole blocks first, then search inside the block.
    std::size_t block = i_ / index_.block_size();
    while (block < p_.block_last.size() && p_.block_last[block] < target) ++block;
    const std::size_t from = std::max(i_, block * index_.block_size());
    i_ = static_cast<std::size_t>(
        std::lower_bound(p_.docs.begin() + static_cast<std::ptrdiff_t>(from), p_.docs.end(),
                         target) -
        p_.docs.begin());
    settle();
  }

  double score() const override {
    const double tf = p_.tfs[i_];
    return weight_ * tf / (tf + index_.norm(doc_));
  }

  double next_block_bound(DocId target, DocId *last) override {
    while (block_ < p_.block_last.size() && p_.block_last[block_] < target) ++block_;
    if (block_ == p_.block_last.size()) {
      *last = kNoDoc;
      return 0.0;
    }
    *last = p_.block_last[block_];
    return weight_ * p_.block_max[block_];
  }

 private:
  void settle() {
    while (i_ < p_.docs.size() && !index_.alive(p_.docs[i_])) ++i_;
    doc_ = i_ < p_.docs.size() ? p_.docs[i_] : kNoDoc;
  }

  const InvertedIndex &index_;
  const Postings &p_;
  double weight_;
  std::size_t i_ = 0;
  std::size_t block_ = 0;  // bounds only move forward, like the cursor
};

class ListCursor final : public Cursor {
 public:
  ListCursor(std::vector<DocId> docs, std::vector<double> scores, std::size_t block_size)
      : docs_(std::move(docs)), scores_(std::move(scores)), block_size_(block_size) {
    for (std::size_t from = 0; from < docs_.size(); from += block_size_) {
      const std::size_t to = std::min(docs_.size(), from + block_size_);
      block_max_.push_back(*std::max_element(scores_.begin() + static_cast<std::ptrdiff_t>(from),
                                             scores_.begin() + static_cast<std::ptrdiff_t>(to)));
      block_last_.push_back(docs_[to - 1]);
      max_score_ = std::max(max_score_, block_max_.back());
    }
    doc_ = docs_.empty() ? kNoDoc : docs_[0];
  }

  void next() override { doc_ = ++i_ < docs_.size() ? docs_[i_] : kNoDoc; }

  void advance(DocId target) override {
    if (doc_ == kNoDoc || doc_ >= target) return;
    i_ = static_cast<std::size_t>(
        std::lower_bound(docs_.begin() + static_cast<std::ptrdiff_t>(i_), docs_.end(), target) -
        docs_.begin());
    doc_ = i_ < docs_.size() ? docs_[i_] : kNoDoc;
  }

  double score() const override { return scores_[i_]; }

  double next_block_bound(DocId target, DocId *last) override {
    while (block_ < block_last_.size() && block_last_[block_] < target) ++block_;
    if (block_ == block_last_.size()) {
      *last = kNoDoc;
      return 0.0;
    }
    *last = block_last_[block_];
    return block_max_[block_];
  }

 private:
  std::vector<DocId> docs_;
  std::vector<double> scores_;
  std::size_t block_size_;
  std::vector<double> block_max_;
  std::vector<DocId> block_last_;
  std::size_t i_ = 0, block_ = 0;
};

class UnionCursor final : public Cursor {
 public:
  explicit UnionCursor(std::vector<std::unique_ptr<Cursor>> children)
      : children_(std::move(children)) {
    for (const auto &c : children_) max_score_ += c->max_score();
    settle();
  }

  void next() override {
    const DocId current = doc_;
    for (auto &c : children_)
      if (c->doc() == current) c->next();
    settle();
  }

  void advance(DocId target) override {
    for (auto &c : children_) c->advance(target);
    settle();
  }

  double score() const override {
    double s = 0.0;
    for (const auto &c : children_)
      if (c->doc() == doc_) s += c->score();
    return s;
  }

  double next_block_bound(DocId target, DocId *last) override {
    double bound = 0.0;
    *last = kNoDoc;
    for (auto &c : children_) {
      DocId child_last;
      bound += c->block_bound(target, &child_last);
      *last = std::min(*last, child_last);
    }
    return bound;
  }

  std::uint64_t blocks_decoded() const override {
    std::uint64_t n = 0;
    for (const auto &c : children_) n += c->blocks_decoded();
    return n;
  }

 private:
  void settle() {
    doc_ = kNoDoc;
    for (const auto &c : children_) doc_ = std::min(doc_, c->doc());
  }

  std::vector<std::unique_ptr<Cursor>> children_;
};

// Documents where every term of the phrase occurs at its offset, with how often.
std::unique_ptr<Cursor> open_phrase(const InvertedIndex &index, const Alternative &alt,
                                    const Params &params) {
  std::vector<const Postings *> lists;
  double idf_sum = 0.0;
  for (const std::string &term : alt.terms) {
    const auto id = index.find(term);
    if (!id || index.postings(*id).live_docs == 0) return nullptr;
    lists.push_back(&index.postings(*id));
    idf_sum += idf(index.live_documents(), index.postings(*id).live_docs);
  }
  const double weight = alt.boost * idf_sum * (params.k1 + 1.0);
  std::vector<std::size_t> at(lists.size(), 0);
  std::vector<DocId> docs;
  std::vector<double> scores;
  const Postings &lead = *lists[0];
  for (std::size_t i = 0; i < lead.docs.size(); ++i) {
    const DocId d = lead.docs[i];
    if (!index.alive(d)) continue;
    bool all = true;
    for (std::size_t t = 1; t < lists.size() && all; ++t) {
      const auto &docs_t = lists[t]->docs;
      at[t] = static_cast<std::size_t>(
          std::lower_bound(docs_t.begin() + static_cast<std::ptrdiff_t>(at[t]), docs_t.end(), d) -
          docs_t.begin());
      all = at[t] < docs_t.size() && docs_t[at[t]] == d;
    }
    if (!all) continue;
    std::size_t matches = 0;
    for (std::uint32_t k = lead.pos_from[i]; k < lead.pos_from[i + 1]; ++k) {
      const std::uint32_t start = lead.positions[k];
      bool ok = true;
      for (std::size_t t = 1; t < lists.size() && ok; ++t) {
        const Postings &p = *lists[t];
        const auto begin = p.positions.begin() + p.pos_from[at[t]];
        const auto end = p.positions.begin() + p.pos_from[at[t] + 1];
        ok = std::binary_search(begin, end, start + alt.offsets[t]);
      }
      matches += ok ? 1 : 0;
    }
    if (matches == 0) continue;
    const double tf = static_cast<double>(matches);
    docs.push_back(d);
    scores.push_back(weight * tf / (tf + index.norm(d)));
  }
  if (docs.empty()) return nullptr;
  return std::make_unique<ListCursor>(std::move(docs), std::move(scores), index.block_size());
}

}  // namespace

std::unique_ptr<Cursor> list_cursor(std::vector<DocId> docs, std::vector<double> scores,
                                    std::size_t block_size) {
  if (docs.empty()) return nullptr;
  return std::make_unique<ListCursor>(std::move(docs), std::move(scores), block_size);
}

std::unique_ptr<Cursor> union_cursor(std::vector<std::unique_ptr<Cursor>> children) {
  return std::make_unique<UnionCursor>(std::move(children));
}

std::unique_ptr<Cursor> open_alternative(const InvertedIndex &index, const Alternative &alt,
                                         const Params &params) {
  if (alt.is_phrase()) return open_phrase(index, alt, params);
  const auto id = index.find(alt.terms[0]);
  if (!id) return nullptr;
  const Postings &p = index.postings(*id);
  if (p.live_docs == 0) return nullptr;
  const double weight = alt.boost * idf(index.live_documents(), p.live_docs) * (params.k1 + 1.0);
  return std::make_unique<TermCursor>(index, p, weight);
}

std::unique_ptr<Cursor> open_clause(const InvertedIndex &index, const Clause &clause,
                                    const Params &params) {
  std::vector<std::unique_ptr<Cursor>> children;
  for (const Alternative &alt : clause.alternatives)
    if (auto c = open_alternative(index, alt, params)) children.push_back(std::move(c));
  if (children.empty()) return nullptr;
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<UnionCursor>(std::move(children));
}

}  // namespace commerce::text::bm25
