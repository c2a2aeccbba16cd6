// Query preparation for commerce_bm25 scans and functions.
#include "pg/am/bm25_query.h"

#include "core/text/analyzer.h"
#include "core/text/bm25/expansion.h"
#include "pg/am/bm25_am.h"

namespace commerce::pg::bm25 {

QuerySettings query_settings(Relation index) {
  const IndexOptions options = index_options(index);
  return QuerySettings{{options.k1, options.b}, options.typos && session_typos};
}

commerce::text::bm25::Query prepare_query(const IndexSnapshot &snapshot, std::string_view text,
                                          const QuerySettings &settings,
                                          const SynonymRows &synonyms) {
  namespace core = commerce::text::bm25;
  commerce::text::Analyzer &analyzer = commerce::text::cached_analyzer(snapshot.meta().analyzer);
  core::Query query = core::parse_query(text, analyzer);
  core::expand_synonyms(query, synonym_map(synonyms, analyzer));
  core::TypoOptions typos;
  typos.enabled = settings.typos;
  if (typos.enabled) core::expand_typos(query, snapshot.typo_parts(), typos);
  return query;
}

}  // namespace commerce::pg::bm25
