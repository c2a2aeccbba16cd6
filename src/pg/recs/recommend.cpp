// commerce.recommend(user_id, k, context, session_id, model): the whole serving path in one C
// call. A few statements run through SPI with generic plans prepared once per backend (the
// history's events, live availability); the served model version (model_cache), the history's
// neighbour lists and the popularity lists come from per-backend caches (model_reads),
// categories and rules from another (catalog_cache). The blend (core/recs/blend) and stage 2
// (core/recs/stage_two: rules, stock, intent, MMR, pins) run in guarded C++ regions between the
// reads; the pool's categories are looked up in rounds, best candidate first, until the top k is
// settled, and stock is read only for the pool items that can change the top k; the reasons are
// built as jsonb for the returned rows only. Replaces a PL/pgSQL function whose statements (custom
// plans, 500-row sorts and joins) cost ~1.2 ms of CPU a call.
#include <algorithm>
#include <cstdint>
#include <new>
#include <optional>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/recs/blend.h"
#include "core/recs/stage_two.h"
#include "pg/guard.h"
#include "pg/recs/catalog_cache.h"
#include "pg/recs/model_cache.h"
#include "pg/recs/model_reads.h"
#include "pg/recs/recommend_request.h"

extern "C" {
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/varlena.h"
}

namespace {

namespace reads = commerce::pg::recs;
using commerce::pg::recs::RecommendRequest;
using commerce::recs::BlendedItem;

// Rules and pool items live in palloc'd memory across PostgreSQL calls that may raise errors.
static_assert(std::is_trivially_destructible_v<commerce::recs::MerchRule>);
static_assert(std::is_trivially_destructible_v<commerce::recs::PoolItem>);
static_assert(std::is_trivially_destructible_v<commerce::recs::StageTwoParams>);

// The blend's buffers, kept for the life of the backend (see BlendScratch).
commerce::recs::BlendScratch blend_scratch;

SPIPlanPtr history_plans[3] = {nullptr, nullptr, nullptr};  // user, session, both
SPIPlanPtr feed_plan = nullptr;
SPIPlanPtr availability_plan = nullptr;

using Model = reads::ServedModel;

// Runs a kept plan; the rows are in SPI_tuptable.
void run(SPIPlanPtr plan, Datum *values, const char *nulls, const char *what) {
  if (SPI_execute_plan(plan, values, nulls, true, 0) != SPI_OK_SELECT) {
    elog(ERROR, "reading %s failed", what);
  }
}

Datum column(int row, int col, bool *isnull) {
  return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

// The version a call serves: context model_id (any status but retired), else the active version
// of `model`; its commerce.models row's xmin keys the popularity cache. Usually from the
// per-backend cache (model_cache.h); else looked up under the statement's snapshot.
Model serving_model(const RecommendRequest &r) {
  Model model;
  if (reads::cached_serving_model(r.has_model_id, r.model_id, r.model, &model)) return model;
  const bool found =
      (r.has_model_id || r.model != nullptr) &&
      reads::find_model(r.has_model_id, r.model_id, r.model, InvalidSnapshot, &model);
  if (found) return model;
  if (r.has_model_id) {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("model " INT64_FORMAT " does not exist or is retired", r.model_id),
                    errhint("See commerce.models for the versions that can serve.")));
  }
  const char *name = r.model == nullptr ? "" : text_to_cstring(r.model);
  ereport(ERROR,
          (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
           errmsg("recommender %s has no active model",
                  r.model == nullptr ? "NULL" : quote_literal_cstr(name)),
           errhint("Train one with commerce.train_recommender(%s).", quote_literal_cstr(name))));
}

int64 *array_items(ArrayType *a, int *n) {
  *n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
  return reinterpret_cast<int64 *>(ARR_DATA_PTR(a));
}

// A bigint[] of `items`. Callers pass them sorted: the btree code sorts the keys of
// `= ANY ($1)` again, which is linear for sorted input (it was a tenth of a call for 500
// unsorted keys).
ArrayType *bigint_array(const int64 *items, int n) {
  Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * (n + 1)));
  for (int i = 0; i < n; ++i) values[i] = Int64GetDatum(items[i]);
  return construct_array(values, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

// One history product: its newest event and whether it was purchased.
struct HistoryItem {
  int64 product;
  TimestampTz last_at;
  bool bought;
};

// The history: distinct products of the user's and the session's events, newest first (ties:
// lower id first), at most history_length of them, and which of them were purchased. The
// statement only reads the events (one per combination of user and session, so that each has a
// generic plan that reads only the index it needs); grouping, ordering and the limit are done
// here: as SQL aggregates, sorts and a limit their executor start-up alone cost more.
void read_history(const RecommendRequest &r, ArrayType **history, ArrayType **purchased) {
  static const char *const kEvents[3] = {
      "SELECT u.product_id, u.occurred_at, u.event_type = 'purchase' FROM commerce.events u"
      " WHERE u.user_id = $1 AND u.product_id IS NOT NULL"
      "   AND u.event_type IN ('view', 'click', 'add_to_cart', 'purchase')",
      "SELECT s.product_id, s.occurred_at, s.event_type = 'purchase' FROM commerce.events s"
      " WHERE s.session_id = $2 AND s.product_id IS NOT NULL"
      "   AND s.event_type IN ('view', 'click', 'add_to_cart', 'purchase')",
      "SELECT u.product_id, u.occurred_at, u.event_type = 'purchase' FROM commerce.events u"
      " WHERE u.user_id = $1 AND u.product_id IS NOT NULL"
      "   AND u.event_type IN ('view', 'click', 'add_to_cart', 'purchase')"
      " UNION ALL"
      " SELECT s.product_id, s.occurred_at, s.event_type = 'purchase' FROM commerce.events s"
      " WHERE s.session_id = $2 AND s.product_id IS NOT NULL"
      "   AND s.event_type IN ('view', 'click', 'add_to_cart', 'purchase')"};
  *history = construct_empty_array(INT8OID);
  *purchased = construct_empty_array(INT8OID);
  if (!r.has_user && !r.has_session) return;
  const int variant = r.has_user && r.has_session ? 2 : r.has_user ? 0 : 1;
  Oid types[2] = {INT8OID, TEXTOID};
  commerce::pg::keep_plan(history_plans[variant], kEvents[variant], 2, types);
  Datum values[2] = {Int64GetDatum(r.user_id), PointerGetDatum(r.session_id)};
  const char nulls[2] = {r.has_user ? ' ' : 'n', r.has_session ? ' ' : 'n'};
  run(history_plans[variant], values, nulls, "the history");
  const int rows = static_cast<int>(SPI_processed);
  if (rows == 0) return;
  HistoryItem *items = static_cast<HistoryItem *>(palloc(sizeof(HistoryItem) * rows));
  for (int i = 0; i < rows; ++i) {
    bool isnull = false;
    items[i].product = DatumGetInt64(column(i, 1, &isnull));
    items[i].last_at = DatumGetTimestampTz(column(i, 2, &isnull));
    items[i].bought = DatumGetBool(column(i, 3, &isnull));
  }
  int distinct = 0, kept = 0, bought = 0;
  int64 *product = static_cast<int64 *>(palloc(sizeof(int64) * rows));
  bool *was_bought = static_cast<bool *>(palloc(sizeof(bool) * rows));
  commerce::pg::guarded([&] {
    std::sort(items, items + rows,
              [](const HistoryItem &a, const HistoryItem &b) { return a.product < b.product; });
    for (int i = 0; i < rows; ++i) {
      if (distinct > 0 && items[distinct - 1].product == items[i].product) {
        HistoryItem &group = items[distinct - 1];
        group.last_at = std::max(group.last_at, items[i].last_at);
        group.bought = group.bought || items[i].bought;
      } else {
        items[distinct++] = items[i];
      }
    }
    std::sort(items, items + distinct, [](const HistoryItem &a, const HistoryItem &b) {
      return a.last_at != b.last_at ? a.last_at > b.last_at : a.product < b.product;
    });
    kept = std::min(distinct, r.history_length);
    for (int i = 0; i < kept; ++i) {
      product[i] = items[i].product;
      was_bought[i] = items[i].bought;
    }
  });
  *history = bigint_array(product, kept);
  for (int i = 0; i < kept; ++i) {
    if (was_bought[i]) product[bought++] = product[i];
  }
  if (bought > 0) *purchased = bigint_array(product, bought);
}

// Session intent: the most frequent category among the ten newest history items (NULL if none),
// ties to the category that sorts first, as mode() WITHIN GROUP (ORDER BY category) over their
// commerce.product_facets rows gives it.
const char *read_intent(const int64 *history, int n) {
  n = Min(n, 10);
  const char *category[10];
  reads::cached_categories(history, n, category);
  const char *best = nullptr;
  int best_count = 0;
  for (int i = 0; i < n; ++i) {
    if (category[i] == nullptr) continue;
    int count = 0;
    for (int j = 0; j < n; ++j)
      count += category[j] != nullptr && strcmp(category[j], category[i]) == 0;
    if (count > best_count ||
        (count == best_count &&
         varstr_cmp(category[i], static_cast<int>(strlen(category[i])), best,
                    static_cast<int>(strlen(best)), DEFAULT_COLLATION_OID) < 0)) {
      best = category[i];
      best_count = count;
    }
  }
  return best;
}

// Candidates whose categories and stock stage 2 reads in its first round (at least 4 k): enough
// for the top 10 to be settled in one round unless boosts are large.
constexpr int kFirstRound = 64;

commerce::recs::StageTwoParams stage_two_params(const RecommendRequest &r, const char *intent,
                                                const int64 *purchased, int purchased_length) {
  commerce::recs::StageTwoParams params;
  params.k = static_cast<std::size_t>(r.k);
  params.candidates = static_cast<std::size_t>(r.candidates);
  params.out_of_stock_factor = r.out_of_stock_factor;
  params.session_weight = r.session_weight;
  params.diversity = r.diversity;
  if (intent != nullptr) params.intent = std::string_view(intent);
  if (r.category_filter != nullptr) params.category_filter = std::string_view(r.category_filter);
  params.exclude_purchased = r.exclude_purchased;
  params.purchased = {purchased, static_cast<std::size_t>(purchased_length)};
  return params;
}

// Rules in force at `at` (from the per-backend cache; the caller sets pins' categories).
struct Rules {
  int rows;
  commerce::recs::MerchRule *rule;
};

Rules read_rules(TimestampTz at) {
  Rules out{};
  out.rule = reads::cached_rules(at, &out.rows);
  return out;
}

// Live availability of a set of products (sorted): rows of commerce.product_availability.
struct Stock {
  int rows;
  int64 *item;
  int64 *available;
};

int compare_int64(const void *a, const void *b) {
  const int64 x = *static_cast<const int64 *>(a), y = *static_cast<const int64 *>(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

// One statement reads the availability feed of products without stock rows and names the
// products with stock rows; only when there are some does a second read their sellable
// quantity through the view. The view's plan is a dozen joins and aggregates whose start-up
// alone cost more than the feed's probes, and catalogues that do not use the inventory feature
// never need it.
Stock read_stock(const int64 *items, int n) {
  Oid types[1] = {INT8ARRAYOID};
  commerce::pg::keep_plan(
      feed_plan,
      "SELECT f.product_id, f.available, false FROM commerce.availability_feed f"
      " WHERE f.product_id = ANY ($1)"
      "   AND NOT EXISTS (SELECT 1 FROM commerce.stock s"
      "                    WHERE s.product_id = f.product_id)"
      " UNION ALL"
      " SELECT s.product_id, NULL::bigint, true FROM commerce.stock s"
      "  WHERE s.product_id = ANY ($1)",
      1, types);
  Datum values[1] = {PointerGetDatum(bigint_array(items, n))};
  run(feed_plan, values, nullptr, "availability");
  Stock out{};
  const int rows = static_cast<int>(SPI_processed);
  out.item = static_cast<int64 *>(palloc(sizeof(int64) * (rows + n + 1)));
  out.available = static_cast<int64 *>(palloc(sizeof(int64) * (rows + n + 1)));
  int64 *stocked = static_cast<int64 *>(palloc(sizeof(int64) * (rows + 1)));
  int stocked_count = 0;
  for (int i = 0; i < rows; ++i) {
    bool isnull = false;
    const int64 item = DatumGetInt64(column(i, 1, &isnull));
    if (DatumGetBool(column(i, 3, &isnull))) {
      // A product has a stock row per warehouse (and bucket): name it once, sorted.
      if (stocked_count == 0 || stocked[stocked_count - 1] != item) stocked[stocked_count++] = item;
      continue;
    }
    out.item[out.rows] = item;
    out.available[out.rows++] = DatumGetInt64(column(i, 2, &isnull));
  }
  if (stocked_count == 0) return out;
  qsort(stocked, stocked_count, sizeof(int64), compare_int64);
  commerce::pg::keep_plan(availability_plan,
                          "SELECT a.product_id, a.available FROM commerce.product_availability a"
                          " WHERE a.product_id = ANY ($1)",
                          1, types);
  values[0] = PointerGetDatum(bigint_array(stocked, stocked_count));
  run(availability_plan, values, nullptr, "availability");
  for (uint64 i = 0; i < SPI_processed; ++i) {
    bool isnull = false;
    const int64 item = DatumGetInt64(column(static_cast<int>(i), 1, &isnull));
    const Datum available = column(static_cast<int>(i), 2, &isnull);
    if (isnull) continue;
    out.item[out.rows] = item;
    out.available[out.rows++] = DatumGetInt64(available);
  }
  return out;
}

// A returned row in plain C memory, for building tuples after the guarded region.
struct Row {
  int64 item;
  float4 score;
  float4 part[4];
  int64 from[2];
  bool has_from[2];
  bool out_of_stock;
  bool session_intent;
  bool pinned;
  int64 pin_rule;
  bool has_pre_rank;
  int32 pre_rank;
  int rule_count;
  int64 *rule_ids;
};

struct Rows {
  int count;
  Row *row;
};

void push_key(JsonbParseState **state, const char *key) {
  JsonbValue v;
  v.type = jbvString;
  v.val.string.val = const_cast<char *>(key);
  v.val.string.len = static_cast<int>(strlen(key));
  pushJsonbValue(state, WJB_KEY, &v);
}

void push_numeric(JsonbParseState **state, JsonbIteratorToken token, Numeric n) {
  JsonbValue v;
  v.type = jbvNumeric;
  v.val.numeric = n;
  pushJsonbValue(state, token, &v);
}

// round(x::numeric, 4), or NULL when that is 0 (the SQL version's nullif(round(...), 0)).
Numeric rounded_or_null(float4 x) {
  const Datum n = DirectFunctionCall2(
      numeric_round, DirectFunctionCall1(float4_numeric, Float4GetDatum(x)), Int32GetDatum(4));
  const bool zero =
      DatumGetBool(DirectFunctionCall2(numeric_eq, n, NumericGetDatum(int64_to_numeric(0))));
  return zero ? nullptr : DatumGetNumeric(n);
}

void push_rounded(JsonbParseState **state, const char *key, float4 x) {
  Numeric n = rounded_or_null(x);
  if (n == nullptr) return;
  push_key(state, key);
  push_numeric(state, WJB_VALUE, n);
}

void push_bigint(JsonbParseState **state, const char *key, int64 x) {
  push_key(state, key);
  push_numeric(state, WJB_VALUE, int64_to_numeric(x));
}

void push_text(JsonbParseState **state, const char *key, const char *s) {
  push_key(state, key);
  JsonbValue v;
  v.type = jbvString;
  v.val.string.val = const_cast<char *>(s);
  v.val.string.len = static_cast<int>(strlen(s));
  pushJsonbValue(state, WJB_VALUE, &v);
}

// The reasons of one row; keys whose value would be NULL are left out.
Jsonb *reasons(const Row &row, const RecommendRequest &r, const char *intent) {
  JsonbParseState *state = nullptr;
  pushJsonbValue(&state, WJB_BEGIN_OBJECT, nullptr);
  push_rounded(&state, "collaborative", row.part[0]);
  if (row.part[0] > 0 && row.has_from[0]) push_bigint(&state, "because", row.from[0]);
  push_rounded(&state, "transition", row.part[1]);
  if (row.part[1] > 0 && row.has_from[1]) push_bigint(&state, "after", row.from[1]);
  push_rounded(&state, "popularity", row.part[2]);
  if (row.part[3] > 0) push_text(&state, "segment", r.segment);
  if (row.session_intent) push_text(&state, "session_intent", intent);
  if (row.out_of_stock) {
    push_key(&state, "out_of_stock");
    JsonbValue v;
    v.type = jbvBool;
    v.val.boolean = true;
    pushJsonbValue(&state, WJB_VALUE, &v);
  }
  if (row.rule_count > 0) {
    push_key(&state, "rules");
    pushJsonbValue(&state, WJB_BEGIN_ARRAY, nullptr);
    for (int i = 0; i < row.rule_count; ++i) {
      push_numeric(&state, WJB_ELEM, int64_to_numeric(row.rule_ids[i]));
    }
    pushJsonbValue(&state, WJB_END_ARRAY, nullptr);
  }
  if (row.pinned) push_bigint(&state, "pinned", row.pin_rule);
  if (r.diversity < 1 && row.has_pre_rank)
    push_bigint(&state, "rank_before_diversity", row.pre_rank);
  return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, nullptr));
}

}  // namespace

PGC_FUNCTION(recommend)
Datum recommend(PG_FUNCTION_ARGS) {
  RecommendRequest r;
  reads::read_request_arguments(fcinfo, &r);
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  const Model model = serving_model(r);
  reads::read_request_context(&r);
  reads::catalog_cache_begin();

  ArrayType *history_array = nullptr, *purchased_array = nullptr;
  read_history(r, &history_array, &purchased_array);
  int history_length = 0, purchased_length = 0;
  const int64 *history = array_items(history_array, &history_length);
  const int64 *purchased = array_items(purchased_array, &purchased_length);
  const char *intent = read_intent(history, history_length);
  const reads::StoredLists lists =
      reads::read_lists_cached(model.id, model.version, history, history_length);
  const reads::StoredPopularity global = reads::read_popularity(
      model.id, model.version, "", r.popularity_weight != 0.0f ? r.stage_one_limit : 0);
  const reads::StoredPopularity by_segment = reads::read_popularity(
      model.id, model.version, r.segment, r.segment_weight != 0.0f ? r.stage_one_limit : 0);

  const Rules rules = read_rules(r.at);

  // Stage 1: the blended candidates, best first.
  int stage_one_count = 0;
  BlendedItem *stage_one = nullptr;
  commerce::pg::guarded([&] {
    std::vector<int64_t> excluded;
    if (r.exclude_purchased) excluded.assign(purchased, purchased + purchased_length);
    if (r.exclude_seen) excluded.insert(excluded.end(), history, history + history_length);
    commerce::recs::BlendParams params;
    params.history = {history, static_cast<std::size_t>(history_length)};
    params.excluded = excluded;
    params.weights = {r.collaborative_weight, r.transition_weight, r.popularity_weight,
                      r.segment_weight};
    params.history_decay = r.history_decay;
    params.transition_decay = r.transition_decay;
    params.transition_depth = r.transition_depth;
    params.candidates = static_cast<std::size_t>(r.stage_one_limit);
    const auto list_views = reads::history_lists(lists);
    const auto rows =
        commerce::recs::blend_history(list_views, reads::popularity_list(global),
                                      reads::popularity_list(by_segment), params, blend_scratch);
    stage_one_count = static_cast<int>(rows.size());
    stage_one = static_cast<BlendedItem *>(
        commerce::pg::palloc_or_throw(sizeof(BlendedItem) * (rows.size() + 1)));
    std::copy(rows.begin(), rows.end(), stage_one);
  });

  // Stage 2 reads the categories and live availability of the pool (the best `candidates`
  // candidates that pass the category filter) in rounds from the best down, and stops as soon
  // as no unread candidate can reach the top k (stage_two_settled), or when the pool is full.
  // Without diversification that is usually the first round; MMR needs the whole pool.
  const commerce::recs::StageTwoParams params =
      stage_two_params(r, intent, purchased, purchased_length);
  commerce::recs::PoolItem *pool = static_cast<commerce::recs::PoolItem *>(
      palloc0(sizeof(commerce::recs::PoolItem) * (stage_one_count + 1)));
  int64 *wanted = static_cast<int64 *>(palloc(sizeof(int64) * (stage_one_count + rules.rows + 1)));
  bool *stock_read = static_cast<bool *>(palloc0(sizeof(bool) * (stage_one_count + 1)));
  int *needed_index = static_cast<int *>(palloc(sizeof(int) * (stage_one_count + 1)));
  int pool_count = 0, read = 0, stock_count = 0;
  int round = Max(kFirstRound, 4 * r.k);
  bool settled = false;
  for (bool first = true; !settled; first = false, round *= 4) {
    const int end = r.diversity < 1 ? stage_one_count : Min(stage_one_count, read + round);
    // Categories of this round's candidates (and, in the first, of the pinned products).
    const int round_start = read;
    int wanted_count = 0;
    for (int i = read; i < end; ++i) wanted[wanted_count++] = stage_one[i].item;
    for (int i = 0; first && i < rules.rows; ++i) {
      if (rules.rule[i].action == commerce::recs::RuleAction::kPin && rules.rule[i].product) {
        wanted[wanted_count++] = *rules.rule[i].product;
      }
    }
    const char **category = static_cast<const char **>(palloc(sizeof(char *) * (wanted_count + 1)));
    reads::cached_categories(wanted, wanted_count, category);
    commerce::pg::guarded([&] {
      for (int i = 0, at = end - round_start; first && i < rules.rows; ++i) {
        commerce::recs::MerchRule &rule = rules.rule[i];
        if (rule.action != commerce::recs::RuleAction::kPin || !rule.product) continue;
        if (category[at] != nullptr) rule.product_category = std::string_view(category[at]);
        ++at;
      }
      for (; read < end && pool_count < r.candidates; ++read) {
        commerce::recs::PoolItem &p = *new (&pool[pool_count]) commerce::recs::PoolItem{};
        p.blended = stage_one[read];
        if (category[read - round_start] != nullptr) {
          p.category = std::string_view(category[read - round_start]);
        }
        if (params.category_filter &&
            !commerce::recs::category_matches(p.category, params.category_filter)) {
          continue;
        }
        ++pool_count;
      }
    });
    // Live availability of the pool items that can still change the top k, best candidates first
    // (usually a few more than k: those that out-of-stock demotion moves up).
    for (;;) {
      int needed_count = 0;
      commerce::pg::guarded([&] {
        const auto needed = commerce::recs::stock_needed(
            {pool, static_cast<std::size_t>(pool_count)},
            {stock_read, static_cast<std::size_t>(pool_count)},
            {rules.rule, static_cast<std::size_t>(rules.rows)}, params);
        for (const std::size_t i : needed) {
          needed_index[needed_count] = static_cast<int>(i);
          wanted[needed_count++] = pool[i].blended.item;
          stock_read[i] = true;
        }
        std::sort(wanted, wanted + needed_count);
      });
      if (needed_count == 0) break;
      stock_count += needed_count;
      const Stock stock = read_stock(wanted, needed_count);
      commerce::pg::guarded([&] {
        std::unordered_map<int64_t, int64_t> available;
        for (int i = 0; i < stock.rows; ++i) available.emplace(stock.item[i], stock.available[i]);
        for (int n = 0; n < needed_count; ++n) {
          commerce::recs::PoolItem &p = pool[needed_index[n]];
          const auto found = available.find(p.blended.item);
          if (found != available.end()) p.available = found->second;
        }
      });
    }
    commerce::pg::guarded([&] {
      settled = read == stage_one_count || pool_count == r.candidates ||
                commerce::recs::stage_two_settled(
                    {pool, static_cast<std::size_t>(pool_count)},
                    {stage_one + read, static_cast<std::size_t>(stage_one_count - read)},
                    {rules.rule, static_cast<std::size_t>(rules.rows)}, params);
    });
  }
  // What the call considered (the bench reads this line for a sample of calls).
  elog(DEBUG1,
       "recommend: %d candidates from stage 1, categories and stock read for %d, %d of them in the "
       "pool, stock read for %d",
       stage_one_count, read, pool_count, stock_count);

  // Stage 2 in C++.
  Rows out{};
  commerce::pg::guarded([&] {
    const auto ranked =
        commerce::recs::rank_stage_two({pool, static_cast<std::size_t>(pool_count)},
                                       {rules.rule, static_cast<std::size_t>(rules.rows)}, params);
    out.count = static_cast<int>(ranked.size());
    out.row = static_cast<Row *>(commerce::pg::palloc_or_throw(sizeof(Row) * (ranked.size() + 1)));
    for (std::size_t i = 0; i < ranked.size(); ++i) {
      const commerce::recs::Recommendation &rec = ranked[i];
      Row &row = out.row[i];
      row.item = rec.item;
      row.score = rec.score;
      for (int s = 0; s < 4; ++s) row.part[s] = rec.part[s];
      for (int s = 0; s < 2; ++s) {
        row.from[s] = rec.from[s];
        row.has_from[s] = rec.has_from[s];
      }
      row.out_of_stock = rec.out_of_stock;
      row.pinned = rec.pinned.has_value();
      row.pin_rule = rec.pinned.value_or(0);
      row.has_pre_rank = rec.pre_rank.has_value();
      row.pre_rank = rec.pre_rank.value_or(0);
      row.rule_count = static_cast<int>(ranked[i].rule_ids.size());
      row.rule_ids = static_cast<int64 *>(
          commerce::pg::palloc_or_throw(sizeof(int64) * (ranked[i].rule_ids.size() + 1)));
      std::copy(ranked[i].rule_ids.begin(), ranked[i].rule_ids.end(), row.rule_ids);
      row.session_intent = params.intent && ranked[i].category == params.intent;
    }
  });

  InitMaterializedSRF(fcinfo, 0);
  ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
  for (int i = 0; i < out.count; ++i) {
    Datum values[3] = {Int64GetDatum(out.row[i].item), Float4GetDatum(out.row[i].score),
                       JsonbPGetDatum(reasons(out.row[i], r, intent))};
    bool nulls[3] = {false, false, false};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  SPI_finish();
  return static_cast<Datum>(0);
}
