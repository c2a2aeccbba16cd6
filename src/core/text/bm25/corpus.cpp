// Cursors over segment postings, phrase matching across segments, and corpus-wide search.
#include "core/text/bm25/corpus.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace commerce::text::bm25 {
namespace {

// k1 (1 - b + b len/avgdl), written as InvertedIndex::prepare writes it so scores agree exactly.
struct Norm {
  double k1, b, average;
  double operator()(double length) const {
    const double relative = average > 0.0 ? length / average : 1.0;
    return k1 * (1.0 - b + b * relative);
  }
};

// The first index at or after `from` whose document is >= local (docs.size() if none). WAND
// mostly moves a cursor a few postings ahead, so this gallops from `from` before the binary
// search: a plain binary search over the rest of the block mispredicted most of its branches
// (the largest share of advance() in the profile of long queries).
std::size_t first_at_least(const std::vector<DocId> &docs, std::size_t from, DocId local) {
  std::size_t low = from, probe = from, step = 1;
  while (probe < docs.size() && docs[probe] < local) {
    low = probe + 1;
    probe += step;
    step *= 2;
  }
  const auto begin = docs.begin();
  return static_cast<std::size_t>(
      std::lower_bound(begin + static_cast<std::ptrdiff_t>(low),
                       begin + static_cast<std::ptrdiff_t>(std::min(probe, docs.size())), local) -
      begin);
}

// One posting's BM25 contribution; every path here computes it through this one expression, so
// that a posting's score has the same bits whichever path scored it.
double posting_score(double weight, const Norm &norm, double tf, double length) {
  return weight * tf / (tf + norm(length));
}

struct Part {
  const SegmentView *segment;
  const DictionaryEntry *entry;
};

// One term's postings across the segments that hold it, in corpus document order.
class SegmentTermCursor final : public Cursor {
 public:
  SegmentTermCursor(std::vector<Part> parts, double weight, Norm norm)
      : parts_(std::move(parts)), skips_(parts_.size()), weight_(weight), norm_(norm) {
    for (const Part &p : parts_)
      max_score_ = std::max(max_score_, bound(p.segment->dictionary->impacts(*p.entry)));
    load(0, 0);
    settle();
  }

  // next() and advance() first try the loaded block, the common case by far, without settle()'s
  // and the skip entries' walk (together a third of a multi-word query's instructions before).
  void next() override {
    if (++i_ < block_.size() && in_loaded_block()) {
      doc_ = block_base_ + block_.docs[i_];
      return;
    }
    settle();
  }

  void advance(DocId target) override {
    if (doc_ == kNoDoc || doc_ >= target) return;
    if (in_loaded_block() && target - block_base_ <= block_.docs.back()) {
      i_ = first_at_least(block_.docs, i_, target - block_base_);
      doc_ = block_base_ + block_.docs[i_];
      return;
    }
    while (p_ < parts_.size()) {
      const DocId base = parts_[p_].segment->base;
      const DocId local = target > base ? target - base : 0;
      const std::vector<SkipEntry> &skips = skips_of(p_).entries;
      std::size_t b = b_;
      while (b < skips.size() && skips[b].last < local) ++b;
      if (b == skips.size()) {
        load(p_ + 1, 0);
        continue;
      }
      const std::size_t from = b == b_ ? i_ : 0;
      load(p_, b);
      i_ = first_at_least(block_.docs, from, local);
      settle();
      return;
    }
    doc_ = kNoDoc;
  }

  // A block scored document by document pays each division's full latency; once a block has
  // been asked for a few scores (a one-word query scores most of its blocks), the rest of the
  // block is scored in one loop whose divisions overlap. Both paths compute the same expression,
  // so the scores are the same bits either way.
  double score() const override {
    if (block_scores_ready_) return block_scores_[i_];
    if (++block_score_calls_ < kBatchAfter) return score_at(i_);
    score_block();
    return block_scores_[i_];
  }

  BlockView rest_of_block() override {
    if (doc_ == kNoDoc) return {};
    if (!block_scores_ready_) score_block();
    return {block_base_, std::span<const DocId>(block_.docs).subspan(i_),
            std::span<const double>(block_scores_).subspan(i_)};
  }

  // Scores every posting of the loaded block into block_scores_.
  void score_block() const {
    block_.decode_values();
    block_scores_.resize(block_.size());
    // Through locals: with the members read through `this` the compiler could not rule out
    // that the stores alias them, and divided one posting at a time.
    const double weight = weight_;
    const Norm norm = norm_;
    const float *tfs = block_.tfs.data();
    const double *lengths = block_.lengths.data();
    double *out = block_scores_.data();
    const std::size_t n = block_.size();
    for (std::size_t j = 0; j < n; ++j) out[j] = posting_score(weight, norm, tfs[j], lengths[j]);
    block_scores_ready_ = true;
  }

  double next_block_bound(DocId target, DocId *last) override {
    while (bp_ < parts_.size()) {
      const DocId base = parts_[bp_].segment->base;
      const DocId local = target > base ? target - base : 0;
      const TermSkips &skips = skips_of(bp_);
      while (bb_ < skips.entries.size() && skips.entries[bb_].last < local) ++bb_;
      if (bb_ < skips.entries.size()) {
        *last = base + skips.entries[bb_].last;
        return bound(skips.impacts_of(bb_));
      }
      ++bp_;
      bb_ = 0;
    }
    *last = kNoDoc;
    return 0.0;
  }

  std::uint64_t blocks_decoded() const override { return decoded_; }

  bool seekable() const override { return true; }

  void seek(DocId target) override {
    forget_block_bound();
    // The last part that starts at or before target (parts are in document order).
    std::size_t p = static_cast<std::size_t>(
        std::upper_bound(parts_.begin(), parts_.end(), target,
                         [](DocId d, const Part &part) { return d < part.segment->base; }) -
        parts_.begin());
    for (p = p == 0 ? 0 : p - 1; p < parts_.size(); ++p) {
      const DocId base = parts_[p].segment->base;
      const DocId local = target > base ? target - base : 0;
      const std::vector<SkipEntry> &skips = skips_of(p).entries;
      const auto block =
          std::lower_bound(skips.begin(), skips.end(), local,
                           [](const SkipEntry &skip, DocId d) { return skip.last < d; });
      if (block == skips.end()) continue;
      load(p, static_cast<std::size_t>(block - skips.begin()));
      i_ = first_at_least(block_.docs, 0, local);
      settle();
      bp_ = p_;
      bb_ = b_;
      return;
    }
    p_ = parts_.size();
    doc_ = kNoDoc;
  }

  // The current document's positions and length (phrases).
  std::span<const std::uint32_t> positions() { return block_.positions(i_); }
  double length() const {
    block_.decode_values();
    return block_.lengths[i_];
  }

 private:
  static constexpr std::uint32_t kBatchAfter = 4;
  static constexpr double kBoundSlack = 1.0 + 1e-12;

  double score_at(std::size_t j) const {
    block_.decode_values();
    return posting_score(weight_, norm_, block_.tfs[j], block_.lengths[j]);
  }

  // The best score any posting matching one of `impacts` can have: each pair scored as
  // score_at scores a posting, scaled up by kBoundSlack. The slack covers rounding: a posting
  // with the pair's tf and a length at least the pair's scores at most the pair's value (every
  // step is monotonic), but one with a smaller tf is only below it in exact arithmetic.
  double bound(std::span<const Impact> impacts) const {
    double best = 0.0;
    for (const Impact &i : impacts)
      best = std::max(best, posting_score(weight_, norm_, i.tf, i.length));
    return best * kBoundSlack;
  }

  const TermSkips &skips_of(std::size_t p) {
    if (skips_[p].entries.empty())
      skips_[p] = read_skips(*parts_[p].segment->bytes, *parts_[p].entry);
    return skips_[p];
  }

  // Makes block b of part p current (decoding it unless it already is), at its first posting.
  void load(std::size_t p, std::size_t b) {
    p_ = p;
    b_ = b;
    if (p_ >= parts_.size()) return;
    if (loaded_p_ == p_ && loaded_b_ == b_) return;
    block_.load(*parts_[p_].segment->bytes, parts_[p_].entry->postings, skips_of(p_).entries[b_]);
    block_base_ = parts_[p_].segment->base;
    ++decoded_;
    block_scores_ready_ = false;
    block_score_calls_ = 0;
    loaded_p_ = p_;
    loaded_b_ = b_;
    i_ = 0;
  }

  bool in_loaded_block() const { return loaded_p_ == p_ && loaded_b_ == b_; }

  void settle() {
    while (p_ < parts_.size()) {
      if (i_ < block_.size() && in_loaded_block()) {
        doc_ = block_base_ + block_.docs[i_];
        return;
      }
      if (b_ + 1 < skips_of(p_).entries.size()) {
        load(p_, b_ + 1);
      } else {
        load(p_ + 1, 0);
      }
      i_ = 0;
    }
    doc_ = kNoDoc;
  }

  std::vector<Part> parts_;
  std::vector<TermSkips> skips_;
  double weight_;
  Norm norm_;
  mutable BlockDecoder block_;  // its tfs and lengths are decoded by the first score()
  std::size_t p_ = 0, b_ = 0, i_ = 0;
  std::size_t loaded_p_ = SIZE_MAX, loaded_b_ = SIZE_MAX;
  DocId block_base_ = 0;                      // the loaded block's segment base
  std::size_t bp_ = 0, bb_ = 0;               // bounds only move forward, like the cursor
  mutable std::vector<double> block_scores_;  // of every posting of the loaded block, or not yet
  mutable bool block_scores_ready_ = false;
  mutable std::uint32_t block_score_calls_ = 0;
  std::uint64_t decoded_ = 0;
};

std::vector<Part> parts_of(const Corpus &corpus, std::string_view term) {
  std::vector<Part> parts;
  for (const SegmentView &s : corpus.segments())
    if (const DictionaryEntry *e = s.dictionary->find(term)) parts.push_back(Part{&s, e});
  return parts;
}

// Documents where every term of the phrase occurs at its offset, with how often, scored as one
// term whose IDF is the sum of its words' (as cursor.cpp's open_phrase does in memory).
std::unique_ptr<Cursor> open_phrase(const Corpus &corpus, const Alternative &alt, Norm norm,
                                    const Params &params) {
  std::vector<std::unique_ptr<SegmentTermCursor>> cursors;
  double idf_sum = 0.0;
  for (const std::string &term : alt.terms) {
    std::vector<Part> parts = parts_of(corpus, term);
    if (parts.empty()) return nullptr;
    idf_sum += idf(corpus.documents(), corpus.df(term));
    cursors.push_back(std::make_unique<SegmentTermCursor>(std::move(parts), 1.0, norm));
  }
  const double weight = alt.boost * idf_sum * (params.k1 + 1.0);
  std::vector<DocId> docs;
  std::vector<double> scores;
  SegmentTermCursor &lead = *cursors[0];
  for (; lead.doc() != kNoDoc; lead.next()) {
    const DocId d = lead.doc();
    bool all = true;
    for (std::size_t t = 1; t < cursors.size() && all; ++t) {
      cursors[t]->advance(d);
      all = cursors[t]->doc() == d;
    }
    if (!all) continue;
    std::size_t matches = 0;
    for (std::uint32_t start : lead.positions()) {
      bool ok = true;
      for (std::size_t t = 1; t < cursors.size() && ok; ++t) {
        const auto pos = cursors[t]->positions();
        ok = std::binary_search(pos.begin(), pos.end(), start + alt.offsets[t]);
      }
      matches += ok ? 1 : 0;
    }
    if (matches == 0) continue;
    const double tf = static_cast<double>(matches);
    docs.push_back(d);
    scores.push_back(posting_score(weight, norm, tf, lead.length()));
  }
  return list_cursor(std::move(docs), std::move(scores), kSegmentBlockSize);
}

std::unique_ptr<Cursor> open_alternative(const Corpus &corpus, const Alternative &alt, Norm norm,
                                         const Params &params) {
  if (alt.is_phrase()) return open_phrase(corpus, alt, norm, params);
  std::vector<Part> parts = parts_of(corpus, alt.terms[0]);
  if (parts.empty()) return nullptr;
  const double weight =
      alt.boost * idf(corpus.documents(), corpus.df(alt.terms[0])) * (params.k1 + 1.0);
  return std::make_unique<SegmentTermCursor>(std::move(parts), weight, norm);
}

}  // namespace

Corpus::Corpus(std::vector<SegmentView> segments) : segments_(std::move(segments)) {
  for (SegmentView &s : segments_) {
    s.base = static_cast<DocId>(documents_);
    documents_ += s.header.documents;
    total_length_ += s.header.total_length;
  }
}

std::uint64_t Corpus::df(std::string_view term) const {
  std::uint64_t n = 0;
  for (const SegmentView &s : segments_)
    if (const DictionaryEntry *e = s.dictionary->find(term)) n += e->df;
  return n;
}

std::int64_t Corpus::key(DocId doc) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), doc,
                             [](DocId d, const SegmentView &s) { return d < s.base; });
  const SegmentView &s = *(it - 1);
  return segment_key(s, doc - s.base);
}

void CorpusVocabulary::for_each(const Visit &visit) const {
  for (const SegmentView &s : corpus_.segments())
    for (const DictionaryEntry &e : s.dictionary->entries()) visit(s.dictionary->text(e), e.df);
}

OpenedQuery open_query(const Corpus &corpus, const Query &query, const Params &params) {
  check_params(params);
  const Norm norm{params.k1, params.b, corpus.average_length()};
  OpenedQuery o;
  for (const Clause &clause : query.clauses) {
    std::vector<std::unique_ptr<Cursor>> children;
    for (const Alternative &alt : clause.alternatives)
      if (auto c = open_alternative(corpus, alt, norm, params)) children.push_back(std::move(c));
    if (children.empty()) {
      o.impossible = o.impossible || clause.occur == Occur::kMust;
      continue;
    }
    std::unique_ptr<Cursor> c =
        children.size() == 1 ? std::move(children[0]) : union_cursor(std::move(children));
    (clause.occur == Occur::kMust     ? o.must
     : clause.occur == Occur::kShould ? o.should
                                      : o.must_not)
        .push_back(std::move(c));
  }
  return o;
}

std::vector<Hit> corpus_top_k(const Corpus &corpus, const Query &query, std::size_t k,
                              const Params &params, CancelCheck &cancel, SearchStats *stats) {
  OpenedQuery o = open_query(corpus, query, params);
  std::vector<Hit> hits = top_k(o, k, cancel, stats);
  for (Hit &h : hits) h.key = corpus.key(h.doc);
  return hits;
}

}  // namespace commerce::text::bm25
