// The commerce_hnsw handler (what PostgreSQL asks about the access method), its reloptions m
// and ef_construction, the planner's cost estimate, and the commerce.hnsw_ef_search setting.
// No graph algorithm here: see hnsw_build/insert/scan/vacuum.cpp and src/core/vector/hnsw.
#include <algorithm>

#include "core/vector/hnsw/params.h"
#include "pg/am/hnsw_am.h"
#include "pg/am/hnsw_page.h"

extern "C" {
#include "access/amapi.h"
#include "commands/progress.h"
#include "commands/vacuum.h"
#include "optimizer/optimizer.h"
#include "utils/guc.h"
#include "utils/selfuncs.h"
#include "utils/float.h"
#include "utils/rel.h"
#include "utils/spccache.h"
}

// The opclasses' support function 1 is one of these (src/pg/types/embedding_distance.cpp); the
// index compares function addresses to learn its metric without calling through fmgr.
extern "C" {
Datum embedding_l2_squared_distance(PG_FUNCTION_ARGS);
Datum embedding_cosine_distance(PG_FUNCTION_ARGS);
Datum embedding_negative_inner_product(PG_FUNCTION_ARGS);
}

namespace commerce::pg::hnsw {

namespace core = commerce::vector::hnsw;

int ef_search = core::kDefaultEfSearch;

namespace {

relopt_kind options_kind;

bytea *options(Datum reloptions, bool validate) {
  static const relopt_parse_elt table[] = {
      {"m", RELOPT_TYPE_INT, offsetof(Options, m)},
      {"ef_construction", RELOPT_TYPE_INT, offsetof(Options, ef_construction)},
      {"storage", RELOPT_TYPE_STRING, offsetof(Options, storage)},
  };
  return static_cast<bytea *>(build_reloptions(reloptions, validate, options_kind, sizeof(Options),
                                               table, lengthof(table)));
}

// All the work happens on the first tuple, so startup cost = total cost. A scan reads roughly
// ef_search * 2m elements whatever the table size; genericcostestimate prices those pages.
void cost_estimate(PlannerInfo *root, IndexPath *path, double loop_count, Cost *startup,
                   Cost *total, Selectivity *selectivity, double *correlation, double *pages) {
  if (path->indexorderbys == NIL) {
    // Without ORDER BY <op> the index cannot answer anything: make sure it is never chosen.
    *startup = *total = get_float8_infinity();
    *selectivity = 0;
    *correlation = 0;
    *pages = 0;
    return;
  }
  GenericCosts costs{};
  const double tuples = path->indexinfo->tuples;
  costs.numIndexTuples = std::min(tuples, static_cast<double>(ef_search) * 2.0 * core::kDefaultM);
  genericcostestimate(root, path, loop_count, &costs);
  // genericcostestimate prices every visited page as a random read, but a scan keeps returning
  // to the same pages (the upper layers, the query's neighbourhood), which stay in shared
  // buffers: price them as sequential reads. Without this, wide embeddings (TOASTed, so the
  // heap looks small and the planner does not count detoasting) lost to seq scan + sort even
  // where the index was 100 times faster.
  double random_page_cost, seq_page_cost;
  get_tablespace_page_costs(path->indexinfo->reltablespace, &random_page_cost, &seq_page_cost);
  costs.indexTotalCost -= costs.numIndexPages * std::max(0.0, random_page_cost - seq_page_cost);
  *startup = costs.indexTotalCost;
  *total = costs.indexTotalCost;
  *selectivity = costs.indexSelectivity;
  *correlation = 0;
  *pages = costs.numIndexPages;
}

bool validate_opclass(Oid) {
  return true;
}

// PostgreSQL's enum reloptions reject a bad value with the valid ones in a detail and no hint,
// so storage is a string option checked here, on CREATE INDEX and ALTER INDEX ... SET alike.
void check_storage(const char *value) {
  if (value == nullptr || pg_strcasecmp(value, "float32") == 0 ||
      pg_strcasecmp(value, "float16") == 0) {
    return;
  }
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                  errmsg("invalid storage \"%s\" for a commerce_hnsw index", value),
                  errhint("Use storage = float32 (the default, exact vectors) or storage = "
                          "float16 (half the space, answers re-ranked exactly).")));
}

char *phase_name(int64 phase) {
  switch (phase) {
    case PROGRESS_CREATEIDX_SUBPHASE_INITIALIZE:
      return const_cast<char *>("initializing");
    case 2:
      return const_cast<char *>("loading tuples");
    case 3:
      return const_cast<char *>("writing pages");
    case 4:
      return const_cast<char *>("linking graph");
    default:
      return nullptr;
  }
}

}  // namespace

core::Metric index_metric(Relation index) {
  FmgrInfo *proc = index_getprocinfo(index, 1, 1);
  if (proc->fn_addr == embedding_cosine_distance) return core::Metric::kCosine;
  if (proc->fn_addr == embedding_negative_inner_product) return core::Metric::kInnerProduct;
  if (proc->fn_addr == embedding_l2_squared_distance) return core::Metric::kL2;
  ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                  errmsg("operator class of index \"%s\" has an unknown distance function",
                         RelationGetRelationName(index)),
                  errhint("Use embedding_l2_ops, embedding_cosine_ops or embedding_ip_ops.")));
}

void init() {
  options_kind = add_reloption_kind();
  add_int_reloption(options_kind, "m", "Links per node on upper layers (twice that on layer 0)",
                    core::kDefaultM, core::kMinM, core::kMaxM, AccessExclusiveLock);
  add_int_reloption(options_kind, "ef_construction", "Candidate list size while building",
                    core::kDefaultEfConstruction, core::kMinEfConstruction,
                    core::kMaxEfConstruction, AccessExclusiveLock);
  // Read at build only (the meta page records it): changing it later needs a REINDEX.
  add_string_reloption(options_kind, "storage",
                       "How vectors are stored in the index: float32 or float16", "float32",
                       check_storage, AccessExclusiveLock);
  DefineCustomIntVariable("commerce.hnsw_ef_search",
                          "Candidate list size of commerce_hnsw index scans.",
                          "Larger is slower and finds more of the true nearest neighbours.",
                          &ef_search, core::kDefaultEfSearch, core::kMinEfSearch,
                          core::kMaxEfSearch, PGC_USERSET, 0, nullptr, nullptr, nullptr);
}

}  // namespace commerce::pg::hnsw

PGC_FUNCTION(commerce_hnsw_handler)
Datum commerce_hnsw_handler(PG_FUNCTION_ARGS) {
  namespace h = commerce::pg::hnsw;
  IndexAmRoutine *am = makeNode(IndexAmRoutine);
  am->amstrategies = 0;
  am->amsupport = 1;
  am->amoptsprocnum = 0;
  am->amcanorder = false;
  am->amcanorderbyop = true;
  am->amcanbackward = false;
  am->amcanunique = false;
  am->amcanmulticol = false;
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
  am->ambuildphasename = h::phase_name;
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
