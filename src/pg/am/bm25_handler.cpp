// The commerce_bm25 handler (what PostgreSQL asks about the access method), its reloptions
// (analyzer, k1, b, weights, typos), the planner's cost estimate, and commerce.bm25_typos.
// No search algorithm here: see bm25_build/insert/scan/vacuum.cpp and src/core/text/bm25.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "core/text/analyzer.h"
#include "core/text/bm25/params.h"
#include "pg/am/bm25_am.h"
#include "pg/am/bm25_page.h"
#include "pg/guard.h"

extern "C" {
#include "access/amapi.h"
#include "commands/vacuum.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/rel.h"
#include "utils/selfuncs.h"
}

namespace commerce::pg::bm25 {

bool session_typos = true;

namespace {

relopt_kind options_kind;

// The reloption machinery's own range errors have no hint, so k1 and b accept any number there
// and are checked here, with the same messages as commerce.bm25_score.
void validate(const Options *opts) {
  const char *analyzer = GET_STRING_RELOPTION(opts, analyzer);
  const char *weights = GET_STRING_RELOPTION(opts, weights);
  const double k1 = opts->k1, b = opts->b;
  guarded([&] {
    commerce::text::bm25::check_params({k1, b});
    if (analyzer != nullptr) commerce::text::cached_analyzer(analyzer);
  });
  double parsed[kMaxColumns];
  if (weights != nullptr && parse_weights(weights, parsed, kMaxColumns) < 0) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("invalid weights \"%s\" for a commerce_bm25 index", weights),
                    errhint("Give one positive number per indexed column, separated by commas, "
                            "e.g. weights = '3,1'.")));
  }
}

bytea *options(Datum reloptions, bool validate_values) {
  static const relopt_parse_elt table[] = {
      {"analyzer", RELOPT_TYPE_STRING, offsetof(Options, analyzer)},
      {"k1", RELOPT_TYPE_REAL, offsetof(Options, k1)},
      {"b", RELOPT_TYPE_REAL, offsetof(Options, b)},
      {"weights", RELOPT_TYPE_STRING, offsetof(Options, weights)},
      {"typos", RELOPT_TYPE_BOOL, offsetof(Options, typos)},
  };
  bytea *result = static_cast<bytea *>(build_reloptions(reloptions, validate_values, options_kind,
                                                        sizeof(Options), table, lengthof(table)));
  if (validate_values && result != nullptr) validate(reinterpret_cast<const Options *>(result));
  return result;
}

// A scan reads the query terms' postings blocks (the dictionaries are cached per backend),
// not the table: price a few dozen page reads. The operators' functions are costly (they can
// only run inside the index), so neither a sequential scan with a filter nor a sort wins.
void cost_estimate(PlannerInfo *root, IndexPath *path, double loop_count, Cost *startup,
                   Cost *total, Selectivity *selectivity, double *correlation, double *pages) {
  if (path->indexorderbys == NIL && path->indexclauses == NIL) {
    *startup = *total = get_float8_infinity();
    *selectivity = 0;
    *correlation = 0;
    *pages = 0;
    return;
  }
  GenericCosts costs{};
  costs.numIndexTuples = std::min(path->indexinfo->tuples, 1000.0);
  genericcostestimate(root, path, loop_count, &costs);
  const double read = std::min(static_cast<double>(path->indexinfo->pages), 32.0);
  *startup = read * random_page_cost + costs.numIndexTuples * cpu_index_tuple_cost;
  *total = *startup;
  *selectivity =
      path->indexorderbys != NIL && path->indexclauses == NIL ? 1.0 : costs.indexSelectivity;
  *correlation = 0;
  *pages = read;
}

bool validate_opclass(Oid) {
  return true;
}

}  // namespace

IndexOptions index_options(Relation index) {
  IndexOptions o{"english", 1.2, 0.75, nullptr, true};
  if (const Options *opts = reinterpret_cast<const Options *>(index->rd_options)) {
    if (const char *a = GET_STRING_RELOPTION(opts, analyzer)) o.analyzer = a;
    o.k1 = opts->k1;
    o.b = opts->b;
    o.weights = GET_STRING_RELOPTION(opts, weights);
    o.typos = opts->typos;
  }
  return o;
}

int parse_weights(const char *text, double *out, int max) {
  int n = 0;
  const char *p = text;
  while (true) {
    char *end = nullptr;
    const double v = std::strtod(p, &end);
    if (end == p || !(v > 0.0) || v > 1e6 || n == max) return -1;
    out[n++] = v;
    while (*end == ' ') ++end;
    if (*end == '\0') return n;
    if (*end != ',') return -1;
    p = end + 1;
  }
}

void init() {
  options_kind = add_reloption_kind();
  add_string_reloption(options_kind, "analyzer", "Analyzer (commerce.analyzers()) of the index",
                       "english", nullptr, AccessExclusiveLock);
  add_real_reloption(options_kind, "k1", "BM25 term-frequency saturation", 1.2, -1e300, 1e300,
                     AccessExclusiveLock);
  add_real_reloption(options_kind, "b", "BM25 length normalisation", 0.75, -1e300, 1e300,
                     AccessExclusiveLock);
  add_string_reloption(options_kind, "weights", "Weight of each column, e.g. '3,1'", nullptr,
                       nullptr, AccessExclusiveLock);
  add_bool_reloption(options_kind, "typos", "Typo tolerance of searches", true,
                     AccessExclusiveLock);
  DefineCustomBoolVariable("commerce.bm25_typos",
                           "Typo tolerance of commerce_bm25 index scans in this session.",
                           "off turns it off even for indexes built with typos = on.",
                           &session_typos, true, PGC_USERSET, 0, nullptr, nullptr, nullptr);
}

}  // namespace commerce::pg::bm25

PGC_FUNCTION(commerce_bm25_handler)
Datum commerce_bm25_handler(PG_FUNCTION_ARGS) {
  namespace h = commerce::pg::bm25;
  IndexAmRoutine *am = makeNode(IndexAmRoutine);
  am->amstrategies = 2;
  am->amsupport = 0;
  am->amoptsprocnum = 0;
  am->amcanorder = false;
  am->amcanorderbyop = true;
  am->amcanbackward = false;
  am->amcanunique = false;
  am->amcanmulticol = true;
  am->amoptionalkey = true;
  am->amsearcharray = false;
  am->amsearchnulls = false;
  am->amstorage = false;
  am->amclusterable = false;
  am->ampredlocks = false;
  am->amcanparallel = false;
  am->amcaninclude = false;
  am->amusemaintenanceworkmem = false;
  am->amparallelvacuumoptions = VACUUM_OPTION_NO_PARALLEL;
  am->amkeytype = InvalidOid;
  am->ambuild = h::build;
  am->ambuildempty = h::build_empty;
  am->aminsert = h::insert;
  am->ambulkdelete = h::bulk_delete;
  am->amvacuumcleanup = h::vacuum_cleanup;
  am->amcanreturn = nullptr;
  am->amcostestimate = h::cost_estimate;
  am->amoptions = h::options;
  am->amproperty = nullptr;
  am->ambuildphasename = nullptr;
  am->amvalidate = h::validate_opclass;
  am->amadjustmembers = nullptr;
  am->ambeginscan = h::begin_scan;
  am->amrescan = h::rescan;
  am->amgettuple = h::get_tuple;
  am->amgetbitmap = nullptr;
  am->amendscan = h::end_scan;
  am->ammarkpos = nullptr;
  am->amrestrpos = nullptr;
  am->amestimateparallelscan = nullptr;
  am->aminitparallelscan = nullptr;
  am->amparallelrescan = nullptr;
  PG_RETURN_POINTER(am);
}
