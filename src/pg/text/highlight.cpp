// commerce.highlight(document, query [, analyzer, start_tag, stop_tag, max_words]): a snippet of
// the document with the words the query matches wrapped in tags. The query is parsed and
// expanded (synonyms from commerce.synonyms; typos against the document's own words) exactly as
// for scoring, so what is marked is what made the row match.
#include <string>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "core/text/analyzer.h"
#include "core/text/bm25/expansion.h"
#include "core/text/bm25/query.h"
#include "core/text/highlight.h"
#include "pg/guard.h"
#include "pg/text/text_args.h"

namespace ctext = commerce::text;
namespace bm25 = commerce::text::bm25;
using commerce::pg::guarded;

PGC_FUNCTION(commerce_highlight)
Datum commerce_highlight(PG_FUNCTION_ARGS) {
  const ::text *document = PG_GETARG_TEXT_PP(0);
  const ::text *query_text = PG_GETARG_TEXT_PP(1);
  const ::text *analyzer_name = PG_GETARG_TEXT_PP(2);
  const ::text *start_tag = PG_GETARG_TEXT_PP(3);
  const ::text *stop_tag = PG_GETARG_TEXT_PP(4);
  const int32 max_words = PG_GETARG_INT32(5);
  const commerce::pg::SynonymRows synonyms = commerce::pg::read_synonyms();
  ::text *result = nullptr;
  guarded([&] {
    if (max_words < 0) {
      throw commerce::Error(commerce::sqlstate::kInvalidParameterValue,
                            "max_words must not be negative",
                            "Pass the snippet length in words, or 0 for the whole text.",
                            "got " + std::to_string(max_words));
    }
    auto &analyzer = ctext::cached_analyzer(commerce::pg::view(analyzer_name));
    const std::string_view doc = commerce::pg::view(document);
    bm25::Query query = bm25::parse_query(commerce::pg::view(query_text), analyzer);
    bm25::expand_synonyms(query, commerce::pg::synonym_map(synonyms, analyzer));
    const std::vector<ctext::Token> tokens = analyzer.analyze(doc);
    bm25::InvertedIndex own_words;
    own_words.add(0, {bm25::Field{&tokens, 1.0}});
    bm25::expand_typos(query, own_words, bm25::TypoOptions{});
    std::unordered_set<std::string> terms;
    for (const bm25::Clause &clause : query.clauses) {
      if (clause.occur == bm25::Occur::kMustNot) continue;
      for (const bm25::Alternative &alt : clause.alternatives)
        terms.insert(alt.terms.begin(), alt.terms.end());
    }
    ctext::HighlightOptions options;
    options.start_tag = std::string(commerce::pg::view(start_tag));
    options.stop_tag = std::string(commerce::pg::view(stop_tag));
    options.max_words = static_cast<std::size_t>(max_words);
    const std::string snippet = ctext::highlight(doc, analyzer, terms, options);
    result = static_cast<::text *>(commerce::pg::palloc_or_throw(VARHDRSZ + snippet.size()));
    SET_VARSIZE(result, VARHDRSZ + snippet.size());
    std::copy(snippet.begin(), snippet.end(), VARDATA(result));
  });
  PG_RETURN_TEXT_P(result);
}
