// The query parser: splits the text into items, analyses each, and builds clauses.
#include "core/text/bm25/query.h"

#include "core/error.h"
#include "core/text/normalizer.h"

namespace commerce::text::bm25 {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

Alternative phrase_of(const std::vector<Token> &tokens) {
  Alternative alt;
  std::uint32_t first = 0;
  for (const Token &t : tokens) {
    if (t.joined) continue;
    if (alt.terms.empty()) first = t.position;
    alt.terms.push_back(t.term);
    alt.offsets.push_back(t.position - first);
  }
  return alt;
}

void add_item(Query &query, Occur occur, bool quoted, std::string_view item,
              const std::vector<Token> &tokens) {
  if (tokens.empty()) return;
  const bool single = tokens.size() == 1;
  if (!quoted && (single || occur == Occur::kShould)) {
    for (const Token &t : tokens) {
      Alternative alt{{t.term}, {0}, 1.0, fold_case(item.substr(t.begin, t.end - t.begin))};
      query.clauses.push_back({occur, {std::move(alt)}});
    }
    return;
  }
  Clause clause{occur, {}};
  if (!quoted) {
    // A required or excluded model number or unspaced run: the joined term, or its parts in order.
    for (const Token &t : tokens)
      if (t.joined) clause.alternatives.push_back(Alternative{{t.term}, {0}, 1.0, {}});
  }
  Alternative phrase = phrase_of(tokens);
  if (!phrase.terms.empty()) clause.alternatives.push_back(std::move(phrase));
  if (!clause.alternatives.empty()) query.clauses.push_back(std::move(clause));
}

}  // namespace

Query parse_query(std::string_view text, Analyzer &analyzer) {
  Query query;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    if (i == text.size()) break;
    Occur occur = Occur::kShould;
    if ((text[i] == '+' || text[i] == '-') && i + 1 < text.size() && !is_space(text[i + 1])) {
      occur = text[i] == '+' ? Occur::kMust : Occur::kMustNot;
      ++i;
    }
    if (text[i] == '"') {
      const std::size_t close = text.find('"', i + 1);
      if (close == std::string_view::npos) {
        throw Error(sqlstate::kInvalidTextRepresentation, "unterminated phrase in search query",
                    "Close the phrase with a second double quote, e.g. \"noise cancelling\".",
                    "query: " + std::string(text));
      }
      const std::string_view phrase = text.substr(i + 1, close - i - 1);
      add_item(query, occur, true, phrase, analyzer.analyze(phrase));
      i = close + 1;
      continue;
    }
    std::size_t end = i;
    // A quote inside a word (1/2") belongs to the word, not to a phrase.
    while (end < text.size() && !is_space(text[end])) ++end;
    const std::string_view item = text.substr(i, end - i);
    add_item(query, occur, false, item, analyzer.analyze(item));
    i = end;
  }
  return query;
}

Query parse_words(std::string_view text, Analyzer &analyzer) {
  Query query;
  for (const Token &t : analyzer.analyze(text)) {
    Alternative alt{{t.term}, {0}, 1.0, fold_case(text.substr(t.begin, t.end - t.begin))};
    query.clauses.push_back({Occur::kShould, {std::move(alt)}});
  }
  return query;
}

std::string describe(const Query &query) {
  std::string out;
  for (const Clause &c : query.clauses) {
    if (!out.empty()) out += ' ';
    if (c.occur == Occur::kMust) out += '+';
    if (c.occur == Occur::kMustNot) out += '-';
    if (c.alternatives.size() > 1) out += '(';
    for (std::size_t a = 0; a < c.alternatives.size(); ++a) {
      const Alternative &alt = c.alternatives[a];
      if (a > 0) out += " | ";
      if (alt.is_phrase()) out += '"';
      for (std::size_t t = 0; t < alt.terms.size(); ++t) {
        if (t > 0) out += ' ';
        out += alt.terms[t];
      }
      if (alt.is_phrase()) out += '"';
      if (alt.boost != 1.0) {
        out += '^';
        out += std::to_string(alt.boost).substr(0, 4);
      }
    }
    if (c.alternatives.size() > 1) out += ')';
  }
  return out;
}

}  // namespace commerce::text::bm25
