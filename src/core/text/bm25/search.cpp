// Block-max WAND, the conjunctive driver for required clauses, and the exhaustive scorer.
#include "core/text/bm25/search.h"

#include <algorithm>
#include <memory>
#include <queue>

#include "core/text/bm25/cursor.h"

namespace commerce::text::bm25 {
namespace {

using CursorPtr = std::unique_ptr<Cursor>;

bool better(const Hit &a, const Hit &b) {
  return a.score > b.score || (a.score == b.score && a.doc < b.doc);
}

// The k best hits seen so far; threshold() is what a new document must beat.
class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) {}
  bool full() const { return heap_.size() >= k_; }
  double threshold() const { return full() ? heap_.front().score : -1.0; }
  void offer(const Hit &hit) {
    if (k_ == 0) return;
    if (!full()) {
      heap_.push_back(hit);
      std::push_heap(heap_.begin(), heap_.end(), better);
    } else if (better(hit, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = hit;
      std::push_heap(heap_.begin(), heap_.end(), better);
    }
  }
  std::vector<Hit> sorted() && {
    std::sort(heap_.begin(), heap_.end(), better);
    return std::move(heap_);
  }

 private:
  std::size_t k_;
  std::vector<Hit> heap_;  // a heap whose front is the worst kept hit
};

using Opened = OpenedQuery;

Opened open(const InvertedIndex &index, const Query &query, const Params &params) {
  Opened o;
  for (const Clause &clause : query.clauses) {
    CursorPtr c = open_clause(index, clause, params);
    if (!c) {
      o.impossible = o.impossible || clause.occur == Occur::kMust;
      continue;
    }
    (clause.occur == Occur::kMust     ? o.must
     : clause.occur == Occur::kShould ? o.should
                                      : o.must_not)
        .push_back(std::move(c));
  }
  return o;
}

bool excluded(std::vector<CursorPtr> &must_not, DocId d) {
  for (auto &c : must_not) {
    c->advance(d);
    if (c->doc() == d) return true;
  }
  return false;
}

// Orders the cursors by document, stably (equal documents keep their order, and so does the
// order in which their scores are summed).
void sort_by_doc(std::vector<Cursor *> &cursors) {
  std::stable_sort(cursors.begin(), cursors.end(),
                   [](const Cursor *a, const Cursor *b) { return a->doc() < b->doc(); });
}

// Restores that order after cursors[from..to] moved forward and the others stayed: each moved one,
// the last first, slides forward to just before the first cursor at or after its document. The
// result is the stable sort's, without the comparisons of a whole sort on every step of WAND
// (std::sort there was a sixth of a long query's search time).
void moved_forward(std::vector<Cursor *> &cursors, std::size_t from, std::size_t to) {
  for (std::size_t i = to + 1; i-- > from;) {
    Cursor *c = cursors[i];
    const DocId d = c->doc();
    std::size_t j = i;
    for (; j + 1 < cursors.size() && cursors[j + 1]->doc() < d; ++j) cursors[j] = cursors[j + 1];
    cursors[j] = c;
  }
}

// The first document from `target` on (but not past `limit`) at which the blocks of
// cursors[0..last] together may beat the threshold, given that no other cursor has a document
// before `limit`. Only skip entries are read: the blocks passed over are never decoded, which for a
// popular word is most of them once the threshold has risen.
DocId first_competitive(std::vector<Cursor *> &cursors, std::size_t last, DocId target, DocId limit,
                        double threshold) {
  while (target < limit) {
    double bound = 0.0;
    DocId end = kNoDoc;
    for (std::size_t i = 0; i <= last; ++i) {
      DocId block_last;
      bound += cursors[i]->block_bound(target, &block_last);
      end = std::min(end, block_last);
    }
    if (bound > threshold) return target;
    target = end < limit ? end + 1 : limit;
  }
  return target;
}

// The pivot is the first cursor alone, on a document whose block can beat the threshold: until
// the next cursor's document, the first cursor's documents are scored by it alone. This runs
// them in a loop of their own, with the same tests block_max_wand would make for each of them
// (global bound, then block bound), leaving as soon as one fails; it only skips recomputing the
// pivot and re-sorting the cursors per document, which were most of a one-word query's time.
// At the end of a block it moves straight to the next block that can beat the threshold.
void score_alone(std::vector<Cursor *> &cursors, std::vector<CursorPtr> &must_not, TopK &top,
                 CancelCheck &cancel, SearchStats &stats, DocId block_last, double block_bound) {
  Cursor &c = *cursors[0];
  const DocId limit = cursors.size() > 1 ? cursors[1]->doc() : kNoDoc;
  while (true) {
    const DocId d = c.doc();
    if (!excluded(must_not, d)) {
      const double score = c.score();
      if (score > top.threshold()) {
        ++stats.scored;
        top.offer({d, 0, score});
      }
    }
    const double threshold = top.threshold();
    if (d < block_last) {
      c.next();
    } else {
      c.advance(first_competitive(cursors, 0, d + 1, limit, threshold));
    }
    const DocId next = c.doc();
    if (next == kNoDoc || next >= limit) return;
    if (c.max_score() <= threshold) return;
    // Within one block the bound is the same; a new block asks the cursor.
    if (next > block_last) block_bound = c.block_bound(next, &block_last);
    if (block_bound <= threshold) return;
    cancel.poll();
  }
}

void block_max_wand(Opened &o, TopK &top, CancelCheck &cancel, SearchStats &stats) {
  std::vector<Cursor *> cursors;
  for (auto &c : o.should) cursors.push_back(c.get());
  std::vector<double> bounds(cursors.size());  // block bounds of cursors[0..pivot] at pivot_doc
  sort_by_doc(cursors);
  while (true) {
    cancel.poll();
    const double threshold = top.threshold();
    // Pivot: the first cursor at which the sum of global bounds can beat the threshold. Every
    // document before the pivot's lies only in cursors whose bounds together cannot.
    double bound = 0.0;
    std::size_t pivot = cursors.size();
    for (std::size_t i = 0; i < cursors.size() && cursors[i]->doc() != kNoDoc; ++i) {
      bound += cursors[i]->max_score();
      if (bound > threshold) {
        pivot = i;
        break;
      }
    }
    if (pivot == cursors.size()) return;
    const DocId pivot_doc = cursors[pivot]->doc();
    while (pivot + 1 < cursors.size() && cursors[pivot + 1]->doc() == pivot_doc) ++pivot;

    // Tighter check with the bounds of the blocks that hold pivot_doc.
    double block_bound = 0.0;
    DocId block_end = kNoDoc;
    for (std::size_t i = 0; i <= pivot; ++i) {
      DocId last;
      bounds[i] = cursors[i]->block_bound(pivot_doc, &last);
      block_bound += bounds[i];
      block_end = std::min(block_end, last);
    }
    std::size_t moved_from = 0, moved_to = pivot;
    if (block_bound > threshold) {
      if (pivot == 0 && cursors[0]->doc() == pivot_doc) {
        score_alone(cursors, o.must_not, top, cancel, stats, block_end, bounds[0]);
      } else if (cursors[0]->doc() == pivot_doc) {
        if (!excluded(o.must_not, pivot_doc)) {
          // Scored in cursor order; a document is dropped as soon as its score so far plus the
          // remaining cursors' block bounds, added in the same order, cannot beat the threshold.
          // Rounded addition is monotonic, so that sum is never below the full score, and a
          // document that only ties the threshold comes after the kept ones and loses the tie.
          double score = 0.0;
          bool possible = true;
          for (std::size_t i = 0; i <= pivot && possible; ++i) {
            score += cursors[i]->score();
            double best = score;
            for (std::size_t j = i + 1; j <= pivot; ++j) best += bounds[j];
            possible = best > threshold;
          }
          if (possible) {
            ++stats.scored;
            top.offer({pivot_doc, 0, score});
          }
        }
        for (std::size_t i = 0; i <= pivot; ++i) cursors[i]->next();
      } else {
        // Documents before pivot_doc cannot beat the threshold: catch one cursor up.
        std::size_t lag = 0;
        while (cursors[lag + 1]->doc() < pivot_doc) ++lag;
        cursors[lag]->advance(pivot_doc);
        moved_from = moved_to = lag;
      }
    } else {
      // No document up to the end of these blocks can beat the threshold, unless a cursor after
      // the pivot joins in: jump to whichever comes first, or past it to the first block that
      // can.
      const DocId limit = pivot + 1 < cursors.size() ? cursors[pivot + 1]->doc() : kNoDoc;
      DocId target = block_end == kNoDoc ? kNoDoc : block_end + 1;
      target = std::min(target, limit);
      if (target <= pivot_doc) target = pivot_doc + 1;
      target = first_competitive(cursors, pivot, target, limit, threshold);
      for (std::size_t i = 0; i <= pivot; ++i) cursors[i]->advance(target);
    }
    moved_forward(cursors, moved_from, moved_to);
  }
}

// A query of one term (one cursor, nothing required or excluded) over a cursor that can seek
// back: its block bounds are each block's best score, so the blocks are scored best bound first,
// and the search stops at the first block whose bound is below the k-th best score so far. A
// popular word's top 10 then comes from its few best blocks, where block-max WAND, going in
// document order, decoded every block until its threshold had risen (median 16 of 25 blocks of
// a one-word query over 1,000,000 products). A block whose bound equals the threshold is still
// scored: one of its documents could tie and win the tie by a smaller document number.
void best_blocks_first(Cursor &c, TopK &top, CancelCheck &cancel, SearchStats &stats) {
  struct Block {
    double bound;
    DocId first, last;
  };
  std::vector<Block> blocks;
  for (DocId first = c.doc(); first != kNoDoc;) {
    cancel.poll();
    DocId last;
    const double bound = c.block_bound(first, &last);
    if (last == kNoDoc) break;
    blocks.push_back({bound, first, last});
    first = last == kNoDoc - 1 ? kNoDoc : last + 1;
  }
  // Best bound first, equal bounds in document order. A heap rather than a sort: the search
  // usually stops after a few of a popular word's hundreds of blocks.
  const auto after = [](const Block &a, const Block &b) {
    return a.bound < b.bound || (a.bound == b.bound && a.first > b.first);
  };
  std::make_heap(blocks.begin(), blocks.end(), after);
  for (auto end = blocks.end(); end != blocks.begin(); --end) {
    std::pop_heap(blocks.begin(), end, after);
    const Block &b = *(end - 1);
    if (top.full() && b.bound < top.threshold()) return;
    cancel.poll();
    // The block's postings from b.first on are the rest of the block the seek lands in.
    c.seek(b.first);
    const Cursor::BlockView view = c.rest_of_block();
    for (std::size_t j = 0; j < view.docs.size(); ++j) {
      const double score = view.scores[j];
      if (!top.full() || score >= top.threshold()) {
        ++stats.scored;
        top.offer({view.base + view.docs[j], 0, score});
      }
    }
  }
}

void conjunctive(Opened &o, TopK &top, CancelCheck &cancel, SearchStats &stats) {
  double optional_bound = 0.0;
  for (auto &c : o.should) optional_bound += c->max_score();
  // The rarest list leads, so the intersection is walked from its shortest side.
  std::sort(o.must.begin(), o.must.end(),
            [](const CursorPtr &a, const CursorPtr &b) { return a->doc() > b->doc(); });
  DocId d = 0;
  while (true) {
    cancel.poll();
    // Leapfrog until every required cursor sits on the same document.
    bool aligned = false;
    while (!aligned) {
      aligned = true;
      for (auto &c : o.must) {
        c->advance(d);
        if (c->doc() == kNoDoc) return;
        if (c->doc() != d) {
          d = c->doc();
          aligned = false;
        }
      }
    }
    double required = 0.0;
    for (auto &c : o.must) required += c->score();
    if (required + optional_bound > top.threshold() && !excluded(o.must_not, d)) {
      double score = required;
      for (auto &c : o.should) {
        c->advance(d);
        if (c->doc() == d) score += c->score();
      }
      ++stats.scored;
      top.offer({d, 0, score});
    }
    if (d == kNoDoc - 1) return;
    ++d;
  }
}

}  // namespace

std::vector<Hit> top_k(const InvertedIndex &index, const Query &query, std::size_t k,
                       const Params &params, CancelCheck &cancel, SearchStats *stats) {
  check_params(params);
  index.prepare(params);
  SearchStats local;
  SearchStats &s = stats != nullptr ? *stats : local;
  Opened o = open(index, query, params);
  std::vector<Hit> hits = top_k(o, k, cancel, &s);
  for (Hit &h : hits) h.key = index.key(h.doc);
  return hits;
}

std::vector<Hit> top_k(OpenedQuery &o, std::size_t k, CancelCheck &cancel, SearchStats *stats) {
  SearchStats local;
  SearchStats &s = stats != nullptr ? *stats : local;
  TopK top(k);
  if (o.impossible || k == 0) return {};
  if (!o.must.empty()) {
    conjunctive(o, top, cancel, s);
  } else if (o.should.size() == 1 && o.must_not.empty() && o.should[0]->seekable()) {
    best_blocks_first(*o.should[0], top, cancel, s);
  } else {
    block_max_wand(o, top, cancel, s);
  }
  for (const auto *list : {&o.must, &o.should, &o.must_not})
    for (const auto &c : *list) s.blocks_decoded += c->blocks_decoded();
  return std::move(top).sorted();
}

std::vector<Hit> score_all(const InvertedIndex &index, const Query &query, const Params &params,
                           CancelCheck &cancel) {
  check_params(params);
  index.prepare(params);
  Opened o = open(index, query, params);
  if (o.impossible) return {};
  const std::size_t slots = index.document_slots();
  std::vector<double> score(slots, 0.0);
  std::vector<std::uint32_t> required_hits(slots, 0);
  std::vector<bool> any(slots, false), banned(slots, false);
  auto walk = [&](Cursor &c, auto &&visit) {
    for (; c.doc() != kNoDoc; c.next()) {
      cancel.poll();
      visit(c.doc(), c.score());
    }
  };
  for (auto &c : o.must) walk(*c, [&](DocId d, double s) { score[d] += s, ++required_hits[d]; });
  for (auto &c : o.should) walk(*c, [&](DocId d, double s) { score[d] += s, any[d] = true; });
  for (auto &c : o.must_not) walk(*c, [&](DocId d, double) { banned[d] = true; });
  std::vector<Hit> hits;
  for (DocId d = 0; d < slots; ++d) {
    const bool matches = o.must.empty() ? any[d] : required_hits[d] == o.must.size();
    if (matches && !banned[d]) hits.push_back({d, index.key(d), score[d]});
  }
  std::sort(hits.begin(), hits.end(), better);
  return hits;
}

}  // namespace commerce::text::bm25
