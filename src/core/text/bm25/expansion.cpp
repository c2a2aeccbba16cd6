// Synonym and typo expansion of parsed queries.
#include "core/text/bm25/expansion.h"

#include <algorithm>
#include <cstdlib>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "core/error.h"
#include "core/text/bm25/edit_distance.h"

namespace commerce::text::bm25 {
namespace {

Alternative analysed(const std::string &text, Analyzer &analyzer, bool must_be_single) {
  Alternative alt;
  std::uint32_t first = 0;
  for (const Token &t : analyzer.analyze(text)) {
    if (t.joined) continue;
    if (alt.terms.empty()) first = t.position;
    alt.terms.push_back(t.term);
    alt.offsets.push_back(t.position - first);
  }
  if (alt.terms.empty()) {
    throw Error(sqlstate::kInvalidParameterValue,
                "synonym \"" + text + "\" has no searchable words",
                "Stop words and punctuation are not indexed; use a content word.");
  }
  if (must_be_single && alt.is_phrase()) {
    throw Error(sqlstate::kInvalidParameterValue, "synonym \"" + text + "\" must be a single word",
                "Only single words are looked up; make the rule one-way from a single word.");
  }
  return alt;
}

bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void SynonymMap::add(const std::string &from, const std::string &to, bool two_way,
                     Analyzer &analyzer) {
  const Alternative a = analysed(from, analyzer, true);
  const Alternative b = analysed(to, analyzer, two_way);
  auto link = [&](const Alternative &key, const Alternative &value) {
    std::vector<Alternative> &list = map_[key.terms[0]];
    for (const Alternative &existing : list)
      if (existing.terms == value.terms) return;
    if (value.terms != key.terms) list.push_back(value);
  };
  link(a, b);
  if (two_way) link(b, a);
}

const std::vector<Alternative> *SynonymMap::find(const std::string &term) const {
  auto it = map_.find(term);
  return it == map_.end() ? nullptr : &it->second;
}

void expand_synonyms(Query &query, const SynonymMap &synonyms) {
  for (Clause &clause : query.clauses) {
    std::vector<Alternative> added;
    for (const Alternative &alt : clause.alternatives) {
      if (alt.is_phrase()) continue;
      if (const auto *list = synonyms.find(alt.terms[0])) {
        for (Alternative syn : *list) {
          syn.boost = alt.boost;
          added.push_back(std::move(syn));
        }
      }
    }
    for (Alternative &a : added) {
      const bool duplicate = std::any_of(clause.alternatives.begin(), clause.alternatives.end(),
                                         [&](const Alternative &e) { return e.terms == a.terms; });
      if (!duplicate) clause.alternatives.push_back(std::move(a));
    }
  }
}

namespace {

class IndexVocabulary final : public Vocabulary {
 public:
  explicit IndexVocabulary(const InvertedIndex &index) : index_(index) {}
  void for_each(const Visit &visit) const override {
    for (TermId t = 0; t < index_.term_count(); ++t)
      if (index_.postings(t).live_docs > 0) visit(index_.term(t), index_.postings(t).live_docs);
  }

 private:
  const InvertedIndex &index_;
};

}  // namespace

void expand_typos(Query &query, const InvertedIndex &index, const TypoOptions &options) {
  expand_typos(query, IndexVocabulary(index), options);
}

void expand_typos(Query &query, const Vocabulary &vocabulary, const TypoOptions &options) {
  if (!options.enabled) return;
  const TypoIndex index(vocabulary, false);
  expand_typos(query, std::vector<const TypoIndex *>{&index}, options);
}

TypoIndex::TypoIndex(const Vocabulary &vocabulary, bool with_deletions)
    : with_deletions_(with_deletions) {
  std::unordered_map<std::string, std::uint32_t> ids;
  vocabulary.for_each([&](std::string_view term, std::uint64_t df) {
    if (has_digit(term)) return;  // never a typo variant
    auto [it, inserted] =
        ids.try_emplace(std::string(term), static_cast<std::uint32_t>(terms_.size()));
    if (!inserted) {
      df_[it->second] += df;
      return;
    }
    terms_.emplace_back(term);
    points_.push_back(code_points(term));
    df_.push_back(df);
  });
  for (std::uint32_t id = 0; id < terms_.size(); ++id) {
    const std::size_t n = points_[id].size();
    if (by_length_.size() <= n) by_length_.resize(n + 1);
    by_length_[n].push_back(id);
    bytes_ += terms_[id].size() + 4 * n + 64;
    if (!with_deletions_) continue;
    deletions_[points_[id]].push_back(id);
    std::u32string variant;
    for (std::size_t i = 0; i < n; ++i) {
      variant = points_[id];
      variant.erase(i, 1);
      auto &list = deletions_[variant];
      if (list.empty() || list.back() != id) list.push_back(id);
      bytes_ += 4 * n + 48;
    }
  }
}

void TypoIndex::consider(
    std::uint32_t id, std::string_view term, const std::u32string &word,
    const std::u32string &typed, int max_edits,
    std::unordered_map<std::string, std::pair<int, std::uint64_t>> &near) const {
  const std::string &candidate = terms_[id];
  if (candidate == term) return;
  const int d = std::min(bounded_edit_distance(word, points_[id], max_edits),
                         bounded_edit_distance(typed, points_[id], max_edits));
  if (d > max_edits) return;
  auto [it, inserted] = near.try_emplace(candidate, d, 0);
  it->second.second += df_[id];
}

void TypoIndex::find(std::string_view term, const std::u32string &word, const std::u32string &typed,
                     int max_edits,
                     std::unordered_map<std::string, std::pair<int, std::uint64_t>> &near) const {
  if (with_deletions_ && max_edits == 1) {
    // A term one edit from a word shares a one-deletion variant (or itself) with it.
    std::vector<std::uint32_t> candidates;
    std::u32string variant;
    for (const std::u32string *w : {&word, &typed}) {
      for (std::size_t i = 0; i <= w->size(); ++i) {
        variant = *w;
        if (i < w->size()) variant.erase(i, 1);
        if (auto it = deletions_.find(variant); it != deletions_.end())
          candidates.insert(candidates.end(), it->second.begin(), it->second.end());
      }
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (std::uint32_t id : candidates) consider(id, term, word, typed, max_edits, near);
    return;
  }
  const std::size_t shortest = std::min(word.size(), typed.size());
  const std::size_t longest = std::max(word.size(), typed.size());
  const std::size_t from =
      shortest > static_cast<std::size_t>(max_edits) ? shortest - max_edits : 0;
  for (std::size_t n = from; n <= longest + max_edits && n < by_length_.size(); ++n)
    for (std::uint32_t id : by_length_[n]) consider(id, term, word, typed, max_edits, near);
}

void expand_typos(Query &query, const std::vector<const TypoIndex *> &parts,
                  const TypoOptions &options) {
  if (!options.enabled) return;
  for (Clause &clause : query.clauses) {
    if (clause.occur == Occur::kMustNot) continue;  // -word excludes exactly that word
    std::vector<Alternative> added;
    for (const Alternative &alt : clause.alternatives) {
      if (alt.is_phrase() || alt.boost != 1.0 || has_digit(alt.terms[0])) continue;
      const std::u32string word = code_points(alt.terms[0]);
      const std::u32string typed = code_points(alt.surface.empty() ? alt.terms[0] : alt.surface);
      const int length = static_cast<int>(typed.size());
      const int max_edits = length >= options.two_edits_from  ? 2
                            : length >= options.one_edit_from ? 1
                                                              : 0;
      if (max_edits == 0) continue;
      // term -> (distance, document frequency summed over the parts)
      std::unordered_map<std::string, std::pair<int, std::uint64_t>> near;
      for (const TypoIndex *part : parts) part->find(alt.terms[0], word, typed, max_edits, near);
      // (distance, -document frequency, term): nearest first, then the most common spelling.
      std::vector<std::tuple<int, std::int64_t, std::string>> found;
      for (auto &[term, v] : near)
        found.emplace_back(v.first, -static_cast<std::int64_t>(v.second), term);
      std::sort(found.begin(), found.end());
      if (found.size() > options.max_variants) found.resize(options.max_variants);
      for (const auto &[d, df, t] : found) added.push_back(Alternative{{t}, {0}, options.boost});
    }
    for (Alternative &a : added) {
      const bool duplicate = std::any_of(clause.alternatives.begin(), clause.alternatives.end(),
                                         [&](const Alternative &e) { return e.terms == a.terms; });
      if (!duplicate) clause.alternatives.push_back(std::move(a));
    }
  }
}

}  // namespace commerce::text::bm25
