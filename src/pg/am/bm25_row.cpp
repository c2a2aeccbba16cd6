// Row analysis and the initial meta page of commerce_bm25 indexes.
#include "pg/am/bm25_row.h"

#include <cstring>
#include <string_view>
#include <vector>

#include "core/text/analyzer.h"
#include "pg/am/bm25_am.h"
#include "pg/guard.h"

extern "C" {
#include "utils/rel.h"
}

namespace commerce::pg::bm25 {

RowTexts row_texts(Relation index, const Datum *values, const bool *isnull) {
  RowTexts row;
  row.count = RelationGetDescr(index)->natts;
  row.any = false;
  for (int i = 0; i < row.count; ++i) {
    row.values[i] =
        isnull[i] ? nullptr : reinterpret_cast<const ::text *>(PG_DETOAST_DATUM_PACKED(values[i]));
    row.any = row.any || !isnull[i];
  }
  return row;
}

void initial_meta(Relation index, MetaData *meta) {
  const IndexOptions options = index_options(index);
  const int columns = RelationGetDescr(index)->natts;
  if (columns > kMaxColumns) {
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("a commerce_bm25 index has at most %d columns", kMaxColumns),
                    errhint("Index fewer columns, or concatenate some of them.")));
  }
  if (std::strlen(options.analyzer) >= kMaxAnalyzerName) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("unknown analyzer \"%s\"", options.analyzer),
                    errhint("Use one of the names commerce.analyzers() lists.")));
  }
  *meta = MetaData{};
  meta->magic = kMagic;
  meta->version = kVersion;
  strlcpy(meta->analyzer, options.analyzer, sizeof(meta->analyzer));
  meta->columns = static_cast<std::uint32_t>(columns);
  meta->next_segment_id = 1;
  meta->pending_head = meta->pending_tail = InvalidBlockNumber;
  for (int i = 0; i < columns; ++i) meta->weights[i] = 1.0;
  if (options.weights != nullptr) {
    const int n = parse_weights(options.weights, meta->weights, kMaxColumns);
    if (n != columns) {
      ereport(ERROR,
              (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
               errmsg("weights of index \"%s\" must have one value per column",
                      RelationGetRelationName(index)),
               errdetail("weights = '%s', %d columns", options.weights, columns),
               errhint("Give one positive number per indexed column, e.g. weights = '3,1' for "
                       "(name, description).")));
    }
  }
  const char *analyzer = meta->analyzer;
  guarded([&] { commerce::text::cached_analyzer(analyzer); });
}

commerce::text::bm25::AnalysedDocument analyse_row(const MetaData &meta, const RowTexts &row,
                                                   std::int64_t key) {
  namespace text = commerce::text;
  text::Analyzer &analyzer = text::cached_analyzer(meta.analyzer);
  std::vector<std::vector<text::Token>> tokens(static_cast<std::size_t>(row.count));
  std::vector<text::bm25::Field> fields;
  for (int i = 0; i < row.count; ++i) {
    if (row.values[i] == nullptr) continue;
    const ::text *t = row.values[i];
    tokens[i] = analyzer.analyze(std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
    fields.push_back(text::bm25::Field{&tokens[i], meta.weights[i]});
  }
  return text::bm25::analyse_document(key, fields);
}

}  // namespace commerce::pg::bm25
