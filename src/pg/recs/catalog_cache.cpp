// The per-backend catalogue caches of commerce.recommend and the trigger that invalidates them
// (see catalog_cache.h).
#include <new>

#include "pg/recs/catalog_cache.h"
#include "pg/cache/table_watch.h"
#include "pg/spi_plan.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/memutils.h"
}

namespace commerce::pg::recs {
namespace {

// Then the category table starts afresh: a backend's cache stays within a few tens of MB however
// large the catalogue is.
constexpr long kMaxCachedProducts = 200000;

// Product -> category: open addressing with linear probing over flat arrays (a dynahash lookup
// cost several times as much, with ~100 lookups a call).
struct CategoryTable {
  int64 *product;
  const char **category;  // NULL: no row, or no category
  bool *used;
  uint64 mask;  // capacity - 1, a power of 2
  long count;
};

struct CachedRule {
  commerce::recs::MerchRule rule;
  bool has_starts, has_ends;
  TimestampTz starts, ends;
};

MemoryContext cache_context = nullptr;  // everything below; reset when stale
CategoryTable categories{};
CachedRule *rules = nullptr;  // NULL: not read since the last reset
int rule_count = 0;
bool filling = false;  // set while the category table is being filled: an error leaves it half done
const char *const kCatalogTables[] = {"product_facets", "recommendation_rules"};
TableWatch catalog{kCatalogTables, 2};

SPIPlanPtr categories_plan = nullptr;
SPIPlanPtr rules_plan = nullptr;

void allocate_categories(uint64 capacity) {
  categories.product =
      static_cast<int64 *>(MemoryContextAlloc(cache_context, sizeof(int64) * capacity));
  categories.category = static_cast<const char **>(
      MemoryContextAlloc(cache_context, sizeof(const char *) * capacity));
  categories.used = static_cast<bool *>(MemoryContextAllocZero(cache_context, capacity));
  categories.mask = capacity - 1;
  categories.count = 0;
}

uint64 slot_of(int64 product) {
  uint64 at = (static_cast<uint64>(product) * UINT64CONST(0x9E3779B97F4A7C15)) >> 24;
  while (true) {
    at &= categories.mask;
    if (!categories.used[at] || categories.product[at] == product) return at;
    ++at;
  }
}

// The slot of `product`, added (without a category) if absent; the table doubles at half full.
uint64 enter(int64 product) {
  if (2 * (categories.count + 1) > static_cast<long>(categories.mask + 1)) {
    const CategoryTable old = categories;
    allocate_categories(2 * (old.mask + 1));
    for (uint64 i = 0; i <= old.mask; ++i) {
      if (!old.used[i]) continue;
      const uint64 at = slot_of(old.product[i]);
      categories.used[at] = true;
      categories.product[at] = old.product[i];
      categories.category[at] = old.category[i];
      ++categories.count;
    }
    pfree(old.product);
    pfree(old.category);
    pfree(old.used);
  }
  const uint64 at = slot_of(product);
  if (!categories.used[at]) {
    categories.used[at] = true;
    categories.product[at] = product;
    categories.category[at] = nullptr;
    ++categories.count;
  }
  return at;
}

void reset() {
  if (cache_context == nullptr) {
    cache_context = AllocSetContextCreate(TopMemoryContext, "commerce.recommend catalogue cache",
                                          ALLOCSET_DEFAULT_SIZES);
  }
  MemoryContextReset(cache_context);
  allocate_categories(1024);
  rules = nullptr;
  rule_count = 0;
}

// Runs a kept plan with the snapshot the watch gives (the latest, see snapshot_for_reading).
void run_latest(SPIPlanPtr plan, Datum *values, const char *what) {
  if (SPI_execute_snapshot(plan, values, nullptr, snapshot_for_reading(&catalog), InvalidSnapshot,
                           true, false, 0) != SPI_OK_SELECT) {
    elog(ERROR, "reading %s failed", what);
  }
}

Datum column(int row, int col, bool *isnull) {
  return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

const char *cache_text(Datum value) {
  return MemoryContextStrdup(cache_context, TextDatumGetCString(value));
}

int compare_int64(const void *a, const void *b) {
  const int64 x = *static_cast<const int64 *>(a), y = *static_cast<const int64 *>(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

void read_rules() {
  commerce::pg::keep_plan(rules_plan,
                          "SELECT r.rule_id, r.action, r.product_id, r.category, r.factor,"
                          "       r.position, r.starts_at, r.ends_at"
                          "  FROM commerce.recommendation_rules r WHERE r.active",
                          0, nullptr);
  run_latest(rules_plan, nullptr, "the rules");
  const int rows = static_cast<int>(SPI_processed);
  CachedRule *read = static_cast<CachedRule *>(
      MemoryContextAllocZero(cache_context, sizeof(CachedRule) * (rows + 1)));
  for (int i = 0; i < rows; ++i) {
    CachedRule &cached = *new (&read[i]) CachedRule{};
    commerce::recs::MerchRule &rule = cached.rule;
    bool isnull = false;
    rule.id = DatumGetInt64(column(i, 1, &isnull));
    const char *action = TextDatumGetCString(column(i, 2, &isnull));
    rule.action = strcmp(action, "boost") == 0    ? commerce::recs::RuleAction::kBoost
                  : strcmp(action, "bury") == 0   ? commerce::recs::RuleAction::kBury
                  : strcmp(action, "filter") == 0 ? commerce::recs::RuleAction::kFilter
                                                  : commerce::recs::RuleAction::kPin;
    const Datum product = column(i, 3, &isnull);
    if (!isnull) rule.product = DatumGetInt64(product);
    const Datum category = column(i, 4, &isnull);
    if (!isnull) rule.category = std::string_view(cache_text(category));
    const Datum factor = column(i, 5, &isnull);
    rule.factor = isnull ? 1.0f : DatumGetFloat4(factor);
    const Datum position = column(i, 6, &isnull);
    rule.position = isnull ? 0 : DatumGetInt32(position);
    const Datum starts = column(i, 7, &cached.has_starts);
    cached.has_starts = !cached.has_starts;
    if (cached.has_starts) cached.starts = DatumGetTimestampTz(starts);
    const Datum ends = column(i, 8, &cached.has_ends);
    cached.has_ends = !cached.has_ends;
    if (cached.has_ends) cached.ends = DatumGetTimestampTz(ends);
  }
  rules = read;
  rule_count = rows;
}

}  // namespace

void catalog_cache_begin() {
  const bool changed = take_changes(&catalog);
  if (changed || filling || categories.used == nullptr || categories.count >= kMaxCachedProducts) {
    reset();
    filling = false;
  }
}

void cached_categories(const int64 *items, int n, const char **category) {
  int64 *missing = static_cast<int64 *>(palloc(sizeof(int64) * (n + 1)));
  int missing_count = 0;
  for (int i = 0; i < n; ++i) {
    const uint64 at = slot_of(items[i]);
    category[i] = categories.used[at] ? categories.category[at] : nullptr;
    if (!categories.used[at]) missing[missing_count++] = items[i];
  }
  if (missing_count == 0) return;
  // The btree code sorts the keys of `= ANY ($1)` again, which is linear for sorted input.
  qsort(missing, missing_count, sizeof(int64), compare_int64);
  Datum *keys = static_cast<Datum *>(palloc(sizeof(Datum) * missing_count));
  for (int i = 0; i < missing_count; ++i) keys[i] = Int64GetDatum(missing[i]);
  Oid types[1] = {INT8ARRAYOID};
  commerce::pg::keep_plan(categories_plan,
                          "SELECT f.product_id, f.category FROM commerce.product_facets f"
                          " WHERE f.product_id = ANY ($1)",
                          1, types);
  Datum values[1] = {PointerGetDatum(
      construct_array(keys, missing_count, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE))};
  run_latest(categories_plan, values, "product facets");
  // Products without a row are cached too, as having no category.
  filling = true;
  for (int i = 0; i < missing_count; ++i) enter(missing[i]);
  for (uint64 row = 0; row < SPI_processed; ++row) {
    bool isnull = false;
    const int64 product = DatumGetInt64(column(static_cast<int>(row), 1, &isnull));
    const Datum value = column(static_cast<int>(row), 2, &isnull);
    if (!isnull) categories.category[enter(product)] = cache_text(value);
  }
  filling = false;
  for (int i = 0; i < n; ++i) {
    if (category[i] == nullptr) category[i] = categories.category[slot_of(items[i])];
  }
}

commerce::recs::MerchRule *cached_rules(TimestampTz at, int *count) {
  if (rules == nullptr) read_rules();
  auto *out = static_cast<commerce::recs::MerchRule *>(
      palloc0(sizeof(commerce::recs::MerchRule) * (rule_count + 1)));
  *count = 0;
  for (int i = 0; i < rule_count; ++i) {
    const CachedRule &cached = rules[i];
    if (cached.has_starts && cached.starts > at) continue;
    if (cached.has_ends && cached.ends <= at) continue;
    new (&out[(*count)++]) commerce::recs::MerchRule(cached.rule);
  }
  return out;
}

}  // namespace commerce::pg::recs
