// Search queries: what the user typed, parsed into clauses of analysed terms.
//
// Syntax (whitespace separates items):
//   word        optional: documents with more optional words rank higher (OR semantics)
//   +word       required: only documents containing it match
//   -word       excluded: documents containing it never match
//   "a b c"     phrase: the words in this order (stop words skipped as in the text); +"..." and
//               -"..." work too
// An item that the analyzer splits into several words (Thai or Chinese written without spaces,
// WH-1000XM4) becomes several optional words, or, when required or excluded, one phrase (with the
// joined model number as an alternative).
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/analyzer.h"

namespace commerce::text::bm25 {

enum class Occur { kShould, kMust, kMustNot };

// One way to satisfy a clause: a single term, or a phrase of terms at relative positions.
struct Alternative {
  std::vector<std::string> terms;
  std::vector<std::uint32_t> offsets;  // position of each term relative to the first
  double boost = 1.0;                  // typo variants and synonyms may count for less
  std::string surface;  // the word as typed, case-folded but not stemmed (for typo matching)
  bool is_phrase() const { return terms.size() > 1; }
};

// A clause matches a document when any of its alternatives does; its score is the sum of the
// scores of the alternatives the document contains.
struct Clause {
  Occur occur = Occur::kShould;
  std::vector<Alternative> alternatives;
};

struct Query {
  std::vector<Clause> clauses;
};

// Parses `text` with `analyzer`. Throws Error 22P02 for an unterminated phrase quote. Items that
// analyse to nothing (stop words, punctuation) are dropped; the query may end up empty.
Query parse_query(std::string_view text, Analyzer &analyzer);

// Every word of `text` as an optional term, with no syntax (quotes, + and - are just punctuation):
// for queries that are prose, such as the classic test collections' questions.
Query parse_words(std::string_view text, Analyzer &analyzer);

// The query as text in the same syntax, with analysed terms ("+runner" for "+Running"), for
// explaining what was searched.
std::string describe(const Query &query);

}  // namespace commerce::text::bm25
