// A search query prepared for one commerce_bm25 index: parsed with the index's analyzer, with
// synonyms from commerce.synonyms and typo variants from the index's own dictionary (when the
// index's typos option and commerce.bm25_typos allow), as commerce.bm25_score does in memory.
#pragma once

#include <string_view>

#include "core/text/bm25/params.h"
#include "core/text/bm25/query.h"
#include "pg/am/bm25_storage.h"
#include "pg/text/text_args.h"

namespace commerce::pg::bm25 {

struct QuerySettings {
  commerce::text::bm25::Params params;
  bool typos;
};

// From the index options and the session (PostgreSQL code, no ERROR).
QuerySettings query_settings(Relation index);

// Inside a guarded region.
commerce::text::bm25::Query prepare_query(const IndexSnapshot &snapshot, std::string_view text,
                                          const QuerySettings &settings,
                                          const SynonymRows &synonyms);

}  // namespace commerce::pg::bm25
