// From a table row to the document a commerce_bm25 index stores: the indexed columns' text
// (detoasted by PostgreSQL first), analysed with the analyzer and weighted with the weights that
// the meta page fixed at build. Also the build's initial meta page from the index options.
#pragma once

#include <cstdint>

#include "core/text/bm25/document.h"
#include "pg/am/bm25_page.h"

namespace commerce::pg::bm25 {

// The indexed columns of one row; NULL columns are nullptr. Trivially destructible: filled by
// PostgreSQL calls before a guarded region reads it.
struct RowTexts {
  int count;
  const ::text *values[kMaxColumns];
  bool any;  // at least one column is not NULL
};

// Detoasts the row's columns into CurrentMemoryContext (may raise ERROR).
RowTexts row_texts(Relation index, const Datum *values, const bool *isnull);

// The meta page of a new index from its options: ERROR 22023 (with a hint) for an unknown
// analyzer or a weights list whose length is not the number of columns.
void initial_meta(Relation index, MetaData *meta);

// Analyses the row (inside a guarded region).
commerce::text::bm25::AnalysedDocument analyse_row(const MetaData &meta, const RowTexts &row,
                                                   std::int64_t key);

}  // namespace commerce::pg::bm25
