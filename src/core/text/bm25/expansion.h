// Query-time expansion: synonyms (sofa <-> couch, tv -> television) and typo tolerance (each
// word of 5+ letters also matches dictionary terms one edit away, 9+ letters two edits). Both add
// alternatives to a clause, so a required word stays required but may be met by a variant.
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/text/analyzer.h"
#include "core/text/bm25/inverted_index.h"
#include "core/text/bm25/query.h"

namespace commerce::text::bm25 {

// Synonyms keyed by an analysed single term. Each entry is the analysed replacement (one term or
// a phrase).
class SynonymMap {
 public:
  // Adds `from` -> `to` (and `to` -> `from` when two_way). Both sides are analysed with
  // `analyzer`; a side that is looked up (from, and to when two_way) must be a single word.
  // Throws Error 22023 otherwise, or when a side analyses to nothing (a stop word).
  void add(const std::string &from, const std::string &to, bool two_way, Analyzer &analyzer);
  const std::vector<Alternative> *find(const std::string &term) const;
  std::size_t size() const { return map_.size(); }

 private:
  std::unordered_map<std::string, std::vector<Alternative>> map_;
};

struct TypoOptions {
  bool enabled = true;
  int one_edit_from = 5;         // words of at least this many letters tolerate one edit
  int two_edits_from = 9;        // and of at least this many, two
  double boost = 0.5;            // a variant counts for this fraction of an exact match
  std::size_t max_variants = 8;  // per word, nearest first, then most frequent
};

// Adds synonym alternatives to every single-term alternative that has synonyms.
void expand_synonyms(Query &query, const SynonymMap &synonyms);

// Adds dictionary terms within the edit bound to every single-term alternative of an optional or
// required clause. The bound and the word length are those of the word as typed; a dictionary
// term matches when it is within the bound of either the typed word or its stem (the dictionary
// holds stems: "wireles" is one edit from "wireless", "headphnes" stems to one edit from
// "headphon"). Words containing digits are left alone: WH-1000XM3 is not a typo of XM4.
void expand_typos(Query &query, const InvertedIndex &index, const TypoOptions &options);

// The terms typo expansion may pick from, with their document frequencies (of live documents).
// A term may be visited more than once (one index segment each): frequencies are summed.
class Vocabulary {
 public:
  using Visit = std::function<void(std::string_view term, std::uint64_t df)>;
  virtual ~Vocabulary() = default;
  virtual void for_each(const Visit &visit) const = 0;
};

// expand_typos over any vocabulary. Ties (same distance and frequency) go to the smaller term.
void expand_typos(Query &query, const Vocabulary &vocabulary, const TypoOptions &options);

// A vocabulary prepared for typo lookups: terms by code-point length, and optionally every
// one-deletion variant of every term (SymSpell), which finds the one-edit neighbours of a word
// without comparing it with every term. Worth building for a large vocabulary that is searched
// many times (an index's segments); a scan by length is fine for a small one.
class TypoIndex {
 public:
  TypoIndex(const Vocabulary &vocabulary, bool with_deletions);
  // Adds to `near` every term other than `term` itself, without digits, within max_edits of
  // `word` (term's code points) or `typed`: term -> (distance, document frequency). A term
  // already in `near` gets this index's frequency added.
  void find(std::string_view term, const std::u32string &word, const std::u32string &typed,
            int max_edits,
            std::unordered_map<std::string, std::pair<int, std::uint64_t>> &near) const;
  std::size_t memory_bytes() const { return bytes_; }

 private:
  void consider(std::uint32_t id, std::string_view term, const std::u32string &word,
                const std::u32string &typed, int max_edits,
                std::unordered_map<std::string, std::pair<int, std::uint64_t>> &near) const;
  std::vector<std::string> terms_;
  std::vector<std::u32string> points_;
  std::vector<std::uint64_t> df_;
  std::vector<std::vector<std::uint32_t>> by_length_;
  std::unordered_map<std::u32string, std::vector<std::uint32_t>> deletions_;
  bool with_deletions_;
  std::size_t bytes_ = 0;
};

// expand_typos over the union of several prepared vocabularies (frequencies summed).
void expand_typos(Query &query, const std::vector<const TypoIndex *> &parts,
                  const TypoOptions &options);

}  // namespace commerce::text::bm25
