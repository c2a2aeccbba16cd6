// What commerce.reserve's fast path knows about a SKU, cached per backend: the product, the one
// active warehouse that stocks it and that warehouse's stock settings (docs/inventory.md, "SKU
// cache"). Every change to commerce.products (product_id, sku, active), commerce.warehouses
// (warehouse_id, active) or commerce.stock_settings fires the trigger function
// commerce_stock_settings_changed, which invalidates that relation's cache entry in every
// backend when the change commits; a relcache callback then moves this cache's generation on.
// reserve() takes in pending invalidations before it reads the cache (sku_cache_refresh), so a
// reservation uses settings that were current when it started, as if it had read them itself.
// All of it is plain C on PostgreSQL's memory and hash tables: nothing here owns a C++ object.
#pragma once

#include "pg/pg_headers.h"

namespace commerce::pg::inventory {

// What the fast path needs about one SKU.
struct SkuSettings {
  int64 product_id;
  int32 warehouse_id;
  int buckets;
  int64 safety_stock;
  int64 threshold;
  bool signalled;
};

// Takes in pending invalidations, also inside an open transaction. Call before sku_cache_get.
void sku_cache_refresh();

// The generation to pass to sku_cache_put; take it before reading the database.
uint64 sku_cache_generation();

// Fills *settings and returns true when `sku` (a text Datum) is cached and current.
bool sku_cache_get(Datum sku, SkuSettings *settings);

// Caches what was read about `sku`, unless an invalidation arrived since `generation` was
// taken: the read's snapshot may predate the change that sent it.
void sku_cache_put(Datum sku, const SkuSettings &settings, uint64 generation);

}  // namespace commerce::pg::inventory
