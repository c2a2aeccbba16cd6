// The per-backend SKU cache of commerce.reserve's fast path and the trigger that invalidates it
// (see sku_cache.h).
#include "pg/inventory/sku_cache.h"

extern "C" {
#include "commands/trigger.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
}

PGC_FUNCTION(commerce_stock_settings_changed)

namespace commerce::pg::inventory {
namespace {

constexpr int kSkuKeyBytes = 64;         // longer SKUs are looked up every time
constexpr long kMaxCachedSkus = 100000;  // then the table starts afresh

struct CachedSku {
  char sku[kSkuKeyBytes];  // the hash key, NUL-padded
  uint64 generation;       // good while this is the current generation
  SkuSettings settings;
};

HTAB *sku_cache = nullptr;
uint64 cache_generation = 1;

// Any relcache invalidation (the trigger's, or DDL, or statistics) moves the generation on:
// telling them apart would save little, and a stale entry must never survive one of ours.
void invalidate_sku_cache(Datum, Oid) {
  ++cache_generation;
}

HTAB *sku_cache_table() {
  if (sku_cache == nullptr || hash_get_num_entries(sku_cache) >= kMaxCachedSkus) {
    static bool registered = false;
    if (!registered) {
      CacheRegisterRelcacheCallback(invalidate_sku_cache, static_cast<Datum>(0));
      registered = true;
    }
    if (sku_cache != nullptr) hash_destroy(sku_cache);
    HASHCTL control{};
    control.keysize = kSkuKeyBytes;
    control.entrysize = sizeof(CachedSku);
    control.hcxt = TopMemoryContext;
    sku_cache = hash_create("commerce.reserve SKU cache", 256, &control,
                            HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
  }
  return sku_cache;
}

// The cache key of `sku`, or false when it is too long to cache.
bool sku_key(Datum sku, char *key) {
  text *t = DatumGetTextPP(sku);
  const int length = VARSIZE_ANY_EXHDR(t);
  if (length >= kSkuKeyBytes) return false;
  memset(key, 0, kSkuKeyBytes);
  memcpy(key, VARDATA_ANY(t), length);
  return true;
}

}  // namespace

void sku_cache_refresh() {
  AcceptInvalidationMessages();
}

uint64 sku_cache_generation() {
  return cache_generation;
}

bool sku_cache_get(Datum sku, SkuSettings *settings) {
  char key[kSkuKeyBytes];
  if (!sku_key(sku, key)) return false;
  bool found = false;
  auto *entry = static_cast<CachedSku *>(hash_search(sku_cache_table(), key, HASH_FIND, &found));
  if (entry == nullptr || entry->generation != cache_generation) return false;
  *settings = entry->settings;
  return true;
}

void sku_cache_put(Datum sku, const SkuSettings &settings, uint64 generation) {
  char key[kSkuKeyBytes];
  if (generation != cache_generation || !sku_key(sku, key)) return;
  bool found = false;
  auto *entry = static_cast<CachedSku *>(hash_search(sku_cache_table(), key, HASH_ENTER, &found));
  entry->generation = generation;
  entry->settings = settings;
}

}  // namespace commerce::pg::inventory

// Trigger on commerce.products, commerce.warehouses and commerce.stock_settings: invalidates the
// relation's cache entry in every backend when the change commits, which empties the SKU cache
// of every backend. The rows are not looked at.
Datum commerce_stock_settings_changed(PG_FUNCTION_ARGS) {
  if (!CALLED_AS_TRIGGER(fcinfo)) {
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("commerce.stock_settings_changed() is a trigger function"),
                    errhint("Attach it with CREATE TRIGGER; do not call it directly.")));
  }
  TriggerData *trigger = reinterpret_cast<TriggerData *>(fcinfo->context);
  CacheInvalidateRelcache(trigger->tg_relation);
  return PointerGetDatum(nullptr);
}
