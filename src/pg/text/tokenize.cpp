// commerce.tokenize(text, analyzer) and commerce.analyzers(): let a DBA see exactly which terms
// an analyzer indexes and searches for. Also commerce.is_single_word(text), used by the CHECK on
// commerce.synonyms.
#include <cstring>
#include <string>
#include <vector>

#include "core/text/analyzer.h"
#include "pg/guard.h"
#include "pg/text/text_args.h"

extern "C" {
#include "funcapi.h"
#include "utils/tuplestore.h"
}

using commerce::pg::guarded;
using commerce::pg::palloc_or_throw;
namespace ctext = commerce::text;

namespace {

// palloc'd copy of a std::string, NUL-terminated; for use inside guarded regions.
char *copy_out(const std::string &s) {
  char *out = static_cast<char *>(palloc_or_throw(s.size() + 1));
  std::memcpy(out, s.data(), s.size());
  return out;
}

}  // namespace

// tokenize(document text, analyzer text) -> setof (term text, position int, joined bool)
PGC_FUNCTION(commerce_tokenize)
Datum commerce_tokenize(PG_FUNCTION_ARGS) {
  const ::text *document = PG_GETARG_TEXT_PP(0);
  const ::text *analyzer_name = PG_GETARG_TEXT_PP(1);
  int count = 0;
  char **terms = nullptr;
  int32 *positions = nullptr;
  bool *joined = nullptr;
  guarded([&] {
    auto &analyzer = ctext::cached_analyzer(commerce::pg::view(analyzer_name));
    const std::vector<ctext::Token> tokens = analyzer.analyze(commerce::pg::view(document));
    count = static_cast<int>(tokens.size());
    terms = static_cast<char **>(palloc_or_throw(sizeof(char *) * (tokens.size() + 1)));
    positions = static_cast<int32 *>(palloc_or_throw(sizeof(int32) * (tokens.size() + 1)));
    joined = static_cast<bool *>(palloc_or_throw(sizeof(bool) * (tokens.size() + 1)));
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      terms[i] = copy_out(tokens[i].term);
      positions[i] = static_cast<int32>(tokens[i].position);
      joined[i] = tokens[i].joined;
    }
  });
  ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
  InitMaterializedSRF(fcinfo, 0);
  for (int i = 0; i < count; ++i) {
    Datum values[3] = {PointerGetDatum(cstring_to_text(terms[i])), Int32GetDatum(positions[i]),
                       BoolGetDatum(joined[i])};
    bool nulls[3] = {false, false, false};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return static_cast<Datum>(0);
}

// analyzers() -> setof (name text, stop_words text, stemmer text, folds_accents bool)
PGC_FUNCTION(commerce_analyzers)
Datum commerce_analyzers(PG_FUNCTION_ARGS) {
  int count = 0;
  char **names = nullptr, **stops = nullptr, **stems = nullptr;
  bool *folds = nullptr;
  guarded([&] {
    const std::vector<ctext::AnalyzerConfig> all = ctext::analyzers();
    count = static_cast<int>(all.size());
    names = static_cast<char **>(palloc_or_throw(sizeof(char *) * all.size()));
    stops = static_cast<char **>(palloc_or_throw(sizeof(char *) * all.size()));
    stems = static_cast<char **>(palloc_or_throw(sizeof(char *) * all.size()));
    folds = static_cast<bool *>(palloc_or_throw(sizeof(bool) * all.size()));
    for (std::size_t i = 0; i < all.size(); ++i) {
      names[i] = copy_out(all[i].name);
      stops[i] = all[i].stop_language.empty() ? nullptr : copy_out(all[i].stop_language);
      stems[i] = all[i].stem_language.empty() ? nullptr : copy_out(all[i].stem_language);
      folds[i] = all[i].fold_accents;
    }
  });
  ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
  InitMaterializedSRF(fcinfo, 0);
  for (int i = 0; i < count; ++i) {
    Datum values[4] = {PointerGetDatum(cstring_to_text(names[i])),
                       stops[i] ? PointerGetDatum(cstring_to_text(stops[i])) : Datum(0),
                       stems[i] ? PointerGetDatum(cstring_to_text(stems[i])) : Datum(0),
                       BoolGetDatum(folds[i])};
    bool nulls[4] = {false, stops[i] == nullptr, stems[i] == nullptr, false};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return static_cast<Datum>(0);
}

// is_single_word(text) -> bool: exactly one word under ICU segmentation (the 'simple' analyzer).
PGC_FUNCTION(commerce_is_single_word)
Datum commerce_is_single_word(PG_FUNCTION_ARGS) {
  const ::text *word = PG_GETARG_TEXT_PP(0);
  bool single = false;
  guarded([&] {
    const auto tokens = ctext::cached_analyzer("simple").analyze(commerce::pg::view(word));
    single = ctext::Analyzer::length(tokens) == 1;
  });
  PG_RETURN_BOOL(single);
}
