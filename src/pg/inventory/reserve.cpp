// commerce.reserve: the hot path of inventory reservations in C over SPI, with every plan
// prepared once per backend (SPI_keepplan). A flash sale spends its CPU here: the PL/pgSQL
// version ran about a dozen statements per call (each with its own executor start-up, snapshot
// and constraint parsing); this one runs a single statement for a one-line order of a SKU it
// has seen before (plus a lookup of the SKU the first time, see sku_cache.h). That statement
// claims the idempotency key, writes the line and the ledger movement and takes the units from
// the backend's own bucket row, in that order.
//
// It serves the common request only: no policy, up to kFastLines well-formed lines of active
// products that one active warehouse stocks, a key and TTL that are valid; a retry of such a
// request is answered here too. Everything else (bad input, a key reused for a different
// request, warehouse choice, split shipments) goes to the PL/pgSQL commerce.reserve_general,
// which raises the precise error or plans the allocation; when the backend's own bucket cannot
// serve a line, commerce.hold_stock (spill-over and rebalancing) takes it. Both write the same rows
// under the same lock order, so the two paths mix freely (docs/inventory.md, "The fast path").
//
// Plain C, no C++ object is ever alive: every call here may raise ERROR, which then unwinds
// through C frames only (CPP_IN_POSTGRES.md F3), and the transaction's abort undoes whatever was
// written.
#include "pg/inventory/sku_cache.h"
#include "pg/pg_headers.h"
#include "pg/spi_plan.h"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "storage/backendid.h"
#include "utils/array.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"
}

PGC_FUNCTION(commerce_reserve)
PGC_FUNCTION(commerce_home_bucket)

namespace {

using commerce::pg::keep_plan;

// Longer orders take the general path: one lookup per line is cheap for a cart, not for 1000.
constexpr int kFastLines = 16;
// commerce.max_line_qty(); the general path says why a larger quantity is refused.
constexpr int64 kMaxLineQty = 1000000;

using commerce::pg::inventory::SkuSettings;

// One requested line with its SKU's settings. Datums point into palloc'd memory of the call.
struct Line : SkuSettings {
  int line_no;  // position in the request, from 1
  Datum sku;    // text
  int64 qty;
  int bucket;  // the bucket row the units are taken from (predicted, then actual)
};

SPIPlanPtr lookup_plan = nullptr;
SPIPlanPtr write_plan = nullptr;
SPIPlanPtr write_one_plan = nullptr;
SPIPlanPtr take_plan = nullptr;
SPIPlanPtr ladder_plan = nullptr;
SPIPlanPtr rebucket_plan = nullptr;
SPIPlanPtr signal_plan = nullptr;
SPIPlanPtr general_plan = nullptr;
SPIPlanPtr replay_plan = nullptr;

// Runs `attempt` in a subtransaction, kept when it returns true and rolled back when it returns
// false; an error rolls it back and is raised again. Taking units from one bucket row of a hot
// SKU runs in here: an UPDATE whose row was changed after its snapshot locks the newest version
// before it rechecks the units, and keeps that lock when the units are gone. Rolling back drops
// it, so the spill-over and rebalancing that follow hold no bucket of that SKU while they wait
// (the lock order in docs/inventory.md). `attempt` copies what it needs out of SPI's results.
template <typename Attempt>
bool in_subtransaction(Attempt &&attempt) {
  MemoryContext const context = CurrentMemoryContext;
  ResourceOwner const owner = CurrentResourceOwner;
  volatile bool kept = false;
  BeginInternalSubTransaction(nullptr);
  MemoryContextSwitchTo(context);
  PG_TRY();
  { kept = attempt(); }
  PG_CATCH();
  {
    MemoryContextSwitchTo(context);
    ErrorData *error = CopyErrorData();
    FlushErrorState();
    RollbackAndReleaseCurrentSubTransaction();
    MemoryContextSwitchTo(context);
    CurrentResourceOwner = owner;
    ReThrowError(error);
  }
  PG_END_TRY();
  if (kept) {
    ReleaseCurrentSubTransaction();
  } else {
    RollbackAndReleaseCurrentSubTransaction();
  }
  MemoryContextSwitchTo(context);
  CurrentResourceOwner = owner;
  return kept;
}

// The bucket row this backend takes hot-SKU units from. Backend ids are small and dense (the
// lowest free slot), so N clients on N buckets mostly get a row each; with the process id
// modulo N, a client shared its bucket about 1 - ((N-1)/N)^(N-1) of the time (63 % for 64).
int home_bucket(int buckets) {
  return buckets > 1 ? static_cast<int>(MyBackendId % buckets) : 0;
}

// A JSON number that is a whole count of units between 1 and kMaxLineQty.
bool line_qty(const JsonbValue &value, int64 *qty) {
  if (value.type != jbvNumeric) return false;
  Numeric n = value.val.numeric;
  if (numeric_is_nan(n) || numeric_is_inf(n)) return false;
  const Datum d = NumericGetDatum(n);
  if (!DatumGetBool(DirectFunctionCall2(numeric_ge, d, NumericGetDatum(int64_to_numeric(1)))) ||
      !DatumGetBool(
          DirectFunctionCall2(numeric_le, d, NumericGetDatum(int64_to_numeric(kMaxLineQty))))) {
    return false;
  }
  const int64 whole = DatumGetInt64(DirectFunctionCall1(numeric_int8, d));
  if (!DatumGetBool(DirectFunctionCall2(numeric_eq, d, NumericGetDatum(int64_to_numeric(whole))))) {
    return false;  // fractional
  }
  *qty = whole;
  return true;
}

// Reads `lines` when it is a well-formed request of at most kFastLines lines without a repeated
// SKU; returns the number of lines, or 0 to leave the request (and its error) to the general path.
int parse_lines(Jsonb *lines, Line *out) {
  if (!JB_ROOT_IS_ARRAY(lines) || JB_ROOT_IS_SCALAR(lines)) return 0;
  const uint32 n = JB_ROOT_COUNT(lines);
  if (n < 1 || n > kFastLines) return 0;
  for (uint32 i = 0; i < n; ++i) {
    JsonbValue *element = getIthJsonbValueFromContainer(&lines->root, i);
    if (element == nullptr || element->type != jbvBinary) return 0;
    JsonbContainer *object = element->val.binary.data;
    // Exactly the keys sku and qty (jsonb keeps one value per key).
    if (!JsonContainerIsObject(object) || JsonContainerSize(object) != 2) return 0;
    JsonbValue sku, qty;
    if (getKeyJsonValueFromContainer(object, "sku", 3, &sku) == nullptr || sku.type != jbvString ||
        sku.val.string.len == 0) {
      return 0;
    }
    if (getKeyJsonValueFromContainer(object, "qty", 3, &qty) == nullptr ||
        !line_qty(qty, &out[i].qty)) {
      return 0;
    }
    text *name = cstring_to_text_with_len(sku.val.string.val, sku.val.string.len);
    for (uint32 j = 0; j < i; ++j) {
      text *other = DatumGetTextPP(out[j].sku);
      if (VARSIZE_ANY_EXHDR(other) == VARSIZE_ANY_EXHDR(name) &&
          memcmp(VARDATA_ANY(other), VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name)) == 0) {
        return 0;
      }
    }
    out[i].sku = PointerGetDatum(name);
    out[i].line_no = static_cast<int>(i) + 1;
  }
  return static_cast<int>(n);
}

// A TTL the general path would accept: positive and at most 30 days.
bool ttl_ok(Interval *ttl) {
  Interval zero{0, 0, 0};
  Interval month{0, 30, 0};
  return DatumGetBool(
             DirectFunctionCall2(interval_gt, IntervalPGetDatum(ttl), IntervalPGetDatum(&zero))) &&
         DatumGetBool(
             DirectFunctionCall2(interval_le, IntervalPGetDatum(ttl), IntervalPGetDatum(&month)));
}

Datum column(int row, int col, bool *isnull) {
  return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

// Reads a line's product, its one active warehouse and that warehouse's settings. False when
// the general path has to decide: an unknown or inactive SKU, or a product stocked in no or
// several active warehouses.
bool lookup_line(Line &line) {
  Oid types[1] = {TEXTOID};
  keep_plan(lookup_plan,
            "SELECT p.product_id, p.active, ss.warehouse_id, ss.buckets, ss.safety_stock, "
            "       ss.low_stock_threshold, ss.low_stock_signalled "
            "  FROM commerce.products p "
            "  LEFT JOIN LATERAL ( "
            "    SELECT s.warehouse_id, s.buckets, s.safety_stock, s.low_stock_threshold, "
            "           s.low_stock_signalled "
            "      FROM commerce.stock_settings s "
            "      JOIN commerce.warehouses w ON w.warehouse_id = s.warehouse_id AND w.active "
            "     WHERE s.product_id = p.product_id LIMIT 2) ss ON true "
            " WHERE p.sku = $1",
            1, types);
  Datum args[1] = {line.sku};
  if (SPI_execute_plan(lookup_plan, args, nullptr, true, 0) != SPI_OK_SELECT) {
    elog(ERROR, "SPI_execute_plan failed for the product lookup");
  }
  if (SPI_processed != 1) return false;
  bool isnull;
  line.product_id = DatumGetInt64(column(0, 1, &isnull));
  if (!DatumGetBool(column(0, 2, &isnull))) return false;
  line.warehouse_id = DatumGetInt32(column(0, 3, &isnull));
  if (isnull) return false;
  line.buckets = DatumGetInt16(column(0, 4, &isnull));
  line.safety_stock = DatumGetInt64(column(0, 5, &isnull));
  line.threshold = DatumGetInt64(column(0, 6, &isnull));
  line.signalled = DatumGetBool(column(0, 7, &isnull));
  return true;
}

// Resolves every line (from the cache or lookup_line) and sorts the lines into product order.
// False when the general path has to decide, including lines stocked in different warehouses.
bool resolve_lines(Line *lines, int n) {
  commerce::pg::inventory::sku_cache_refresh();
  for (int i = 0; i < n; ++i) {
    Line &line = lines[i];
    SkuSettings &settings = line;
    if (!commerce::pg::inventory::sku_cache_get(line.sku, &settings)) {
      const uint64 generation = commerce::pg::inventory::sku_cache_generation();
      if (!lookup_line(line)) return false;
      commerce::pg::inventory::sku_cache_put(line.sku, settings, generation);
    }
    if (i > 0 && line.warehouse_id != lines[0].warehouse_id) return false;
    line.bucket = home_bucket(line.buckets);
  }
  // Product order is the lock order; n is small.
  for (int i = 1; i < n; ++i) {
    for (int j = i; j > 0 && lines[j].product_id < lines[j - 1].product_id; --j) {
      const Line swap = lines[j];
      lines[j] = lines[j - 1];
      lines[j - 1] = swap;
    }
  }
  return true;
}

// The arguments as the caller passed them (NULLs included); the key detoasted.
struct Request {
  Datum args[5];
  bool nulls[5];
};

// What write_reservation did.
struct Written {
  bool created;  // false: the key exists already, nothing was written
  int64 reservation_id;
  TimestampTz expires_at;
  bool took_first;  // the first line's units were taken from take_bucket
  int64 available;  // what that bucket row has left
};

ArrayType *array_of(const Datum *values, int n, Oid type) {
  int16 len;
  bool byval;
  char align;
  get_typlenbyvalalign(type, &len, &byval, &align);
  return construct_array(const_cast<Datum *>(values), n, type, len, byval, align);
}

// The tail shared by both forms of the reservation statement: take the first line's units
// (product $11, bucket $12, qty $13, safety stock $14, warehouse $9) once the movements `m` are
// written, and return the reservation with what the bucket row has left.
#define TAKE_FIRST_LINE                                                       \
  "s AS ( "                                                                   \
  "  UPDATE commerce.stock s SET reserved = s.reserved + $13 "                \
  "   WHERE s.product_id = $11 AND s.warehouse_id = $9 AND s.bucket = $12 "   \
  "     AND s.available - CASE WHEN s.bucket = 0 THEN $14 ELSE 0 END >= $13 " \
  "     AND EXISTS (SELECT FROM m) "                                          \
  "  RETURNING s.available) "                                                 \
  "SELECT r.reservation_id, r.expires_at, (SELECT s.available FROM s) FROM r"

// The one-line order, most of a flash sale, in the same statement without arrays: no unnest
// function scan to start, no arrays to build and take apart, and the movement follows the
// reservation directly. Its normalised request is the same text as the array form's
// (jsonb_build_array of one value is that value's one-element array).
SPIPlanPtr one_line_plan(Oid *types) {
  return keep_plan(
      write_one_plan,
      "WITH r AS ( "
      "  INSERT INTO commerce.reservations AS r "
      "    (idempotency_key, request, order_ref, expires_at) "
      "  VALUES ($1, jsonb_build_array(jsonb_build_array($2), jsonb_build_array($3), $4, "
      "                                $5::text, $6)::text, "
      "          $6, clock_timestamp() + $5) "
      "  ON CONFLICT (idempotency_key) DO NOTHING "
      "  RETURNING r.reservation_id, r.expires_at), "
      "l AS ( "
      "  INSERT INTO commerce.reservation_lines "
      "    (reservation_id, line_no, product_id, warehouse_id, bucket, qty, expires_at) "
      "  SELECT r.reservation_id, $7, $8, $9, $10, $3, r.expires_at FROM r), "
      "m AS ( "
      "  INSERT INTO commerce.stock_movements "
      "    (kind, product_id, warehouse_id, on_hand_delta, reserved_delta, reservation_id) "
      "  SELECT 'reservation', $8, $9, 0, $3, r.reservation_id FROM r "
      "  RETURNING reservation_id), " TAKE_FIRST_LINE,
      14, types);
}

// Any number of lines: the lines and movements come from arrays.
SPIPlanPtr many_lines_plan(Oid *types) {
  return keep_plan(
      write_plan,
      "WITH r AS ( "
      "  INSERT INTO commerce.reservations AS r "
      "    (idempotency_key, request, order_ref, expires_at) "
      "  VALUES ($1, jsonb_build_array($2, $3, $4, $5::text, $6)::text, $6, "
      "          clock_timestamp() + $5) "
      "  ON CONFLICT (idempotency_key) DO NOTHING "
      "  RETURNING r.reservation_id, r.expires_at), "
      "l AS ( "
      "  INSERT INTO commerce.reservation_lines "
      "    (reservation_id, line_no, product_id, warehouse_id, bucket, qty, expires_at) "
      "  SELECT r.reservation_id, x.line_no, x.product_id, $9, x.bucket, x.qty, r.expires_at "
      "    FROM r, unnest($7, $8, $3, $10) AS x(line_no, product_id, qty, bucket) "
      "  RETURNING reservation_id, product_id, qty), "
      "m AS ( "
      "  INSERT INTO commerce.stock_movements "
      "    (kind, product_id, warehouse_id, on_hand_delta, reserved_delta, reservation_id) "
      "  SELECT 'reservation', l.product_id, $9, 0, l.qty, l.reservation_id FROM l "
      "  RETURNING reservation_id), " TAKE_FIRST_LINE,
      14, types);
}

#undef TAKE_FIRST_LINE

// The reservation, its lines and movements, and the units of the first line (the lowest
// product) from its predicted bucket, in one statement. The key is claimed first (a retry
// racing its original waits there, holding no stock), the lines and the movement follow, and
// the stock row is locked last, so it stays locked only until commit: the gating EXISTS on the
// movements makes the update wait for them. Without a new key nothing is written and no row
// comes back. The normalised request is the general path's, so retries match across the two paths.
// `take_bucket` -1 writes the rows and takes nothing.
void write_reservation(const Request &request, const Line *lines, int n, int take_bucket,
                       Written *written) {
  const Line &first = lines[0];
  SPIPlanPtr plan;
  Datum args[14] = {request.args[0],
                    0,
                    0,
                    request.args[3],
                    request.args[2],
                    request.args[4],
                    0,
                    0,
                    Int32GetDatum(first.warehouse_id),
                    0,
                    Int64GetDatum(first.product_id),
                    Int16GetDatum(static_cast<int16>(take_bucket)),
                    Int64GetDatum(first.qty),
                    Int64GetDatum(first.safety_stock)};
  if (n == 1) {
    Oid types[14] = {TEXTOID, TEXTOID, INT8OID, JSONBOID, INTERVALOID, TEXTOID, INT2OID,
                     INT8OID, INT4OID, INT2OID, INT8OID,  INT2OID,     INT8OID, INT8OID};
    plan = one_line_plan(types);
    args[1] = first.sku;
    args[2] = Int64GetDatum(first.qty);
    args[6] = Int16GetDatum(static_cast<int16>(first.line_no));
    args[7] = Int64GetDatum(first.product_id);
    args[9] = Int16GetDatum(static_cast<int16>(first.bucket));
  } else {
    Oid types[14] = {TEXTOID, TEXTARRAYOID, INT8ARRAYOID, JSONBOID, INTERVALOID,
                     TEXTOID, INT2ARRAYOID, INT8ARRAYOID, INT4OID,  INT2ARRAYOID,
                     INT8OID, INT2OID,      INT8OID,      INT8OID};
    plan = many_lines_plan(types);
    Datum skus[kFastLines], qtys[kFastLines], line_nos[kFastLines], products[kFastLines],
        buckets[kFastLines];
    for (int i = 0; i < n; ++i) {
      skus[i] = lines[i].sku;
      qtys[i] = Int64GetDatum(lines[i].qty);
      line_nos[i] = Int16GetDatum(static_cast<int16>(lines[i].line_no));
      products[i] = Int64GetDatum(lines[i].product_id);
      buckets[i] = Int16GetDatum(static_cast<int16>(lines[i].bucket));
    }
    args[1] = PointerGetDatum(array_of(skus, n, TEXTOID));
    args[2] = PointerGetDatum(array_of(qtys, n, INT8OID));
    args[6] = PointerGetDatum(array_of(line_nos, n, INT2OID));
    args[7] = PointerGetDatum(array_of(products, n, INT8OID));
    args[9] = PointerGetDatum(array_of(buckets, n, INT2OID));
  }
  char nulls[14];
  memset(nulls, ' ', sizeof nulls);
  if (request.nulls[4]) nulls[5] = 'n';
  if (SPI_execute_plan(plan, args, nulls, false, 0) != SPI_OK_SELECT) {
    elog(ERROR, "SPI_execute_plan failed for the reservation");
  }
  written->created = SPI_processed == 1;
  written->took_first = false;
  if (!written->created) return;
  bool isnull;
  written->reservation_id = DatumGetInt64(column(0, 1, &isnull));
  written->expires_at = DatumGetTimestampTz(column(0, 2, &isnull));
  written->available = DatumGetInt64(column(0, 3, &isnull));
  written->took_first = !isnull;
}

// A retry: the key exists already. When it holds the same request (normalised as on both
// paths), returns that reservation and its state now (a held one past its expiry is expired),
// copied out of SPI's memory. False otherwise: the general path raises PC001 with the details.
bool replay(const Request &request, const Line *lines, int n, Datum *values, bool *nulls) {
  Oid types[6] = {TEXTOID, TEXTARRAYOID, INT8ARRAYOID, JSONBOID, INTERVALOID, TEXTOID};
  keep_plan(replay_plan,
            "SELECT r.reservation_id, "
            "       CASE WHEN r.state = 'held' AND r.expires_at <= clock_timestamp() "
            "            THEN 'expired' ELSE r.state::text END, "
            "       r.expires_at "
            "  FROM commerce.reservations r "
            " WHERE r.idempotency_key = $1 "
            "   AND r.request = jsonb_build_array($2, $3, $4, $5::text, $6)::text",
            6, types);
  Datum skus[kFastLines], qtys[kFastLines];
  for (int i = 0; i < n; ++i) {
    skus[i] = lines[i].sku;
    qtys[i] = Int64GetDatum(lines[i].qty);
  }
  Datum args[6] = {request.args[0],
                   PointerGetDatum(array_of(skus, n, TEXTOID)),
                   PointerGetDatum(array_of(qtys, n, INT8OID)),
                   request.args[3],
                   request.args[2],
                   request.args[4]};
  char spi_nulls[6];
  memset(spi_nulls, ' ', sizeof spi_nulls);
  if (request.nulls[4]) spi_nulls[5] = 'n';
  if (SPI_execute_plan(replay_plan, args, spi_nulls, true, 0) != SPI_OK_SELECT) {
    elog(ERROR, "SPI_execute_plan failed for the retry");
  }
  if (SPI_processed != 1) return false;
  bool isnull;
  values[0] = column(0, 1, &isnull);
  values[1] = SPI_datumTransfer(column(0, 2, &isnull), false, -1);
  values[2] = column(0, 3, &isnull);
  values[3] = BoolGetDatum(true);
  nulls[0] = nulls[1] = nulls[2] = nulls[3] = false;
  return true;
}

// Takes a later line's units from its predicted bucket; false when that bucket is short.
bool take_units(const Line &line, int64 *available) {
  Oid types[5] = {INT8OID, INT4OID, INT2OID, INT8OID, INT8OID};
  keep_plan(take_plan,
            "UPDATE commerce.stock s SET reserved = s.reserved + $4 "
            " WHERE s.product_id = $1 AND s.warehouse_id = $2 AND s.bucket = $3 "
            "   AND s.available - CASE WHEN s.bucket = 0 THEN $5 ELSE 0 END >= $4 "
            "RETURNING s.available",
            5, types);
  Datum args[5] = {Int64GetDatum(line.product_id), Int32GetDatum(line.warehouse_id),
                   Int16GetDatum(static_cast<int16>(line.bucket)), Int64GetDatum(line.qty),
                   Int64GetDatum(line.safety_stock)};
  if (SPI_execute_plan(take_plan, args, nullptr, false, 0) != SPI_OK_UPDATE_RETURNING) {
    elog(ERROR, "SPI_execute_plan failed for the stock update");
  }
  if (SPI_processed == 0) return false;
  bool isnull;
  *available = DatumGetInt64(column(0, 1, &isnull));
  return true;
}

// The predicted bucket was short: commerce.hold_stock spills over to another bucket or
// rebalances (raising PC002 when the units are not there at all), and the line is corrected to
// name the bucket the units came from. Returns whether the low-stock threshold needs a look.
bool take_units_elsewhere(Line &line, int64 reservation_id) {
  Oid types[3] = {INT8OID, INT4OID, INT8OID};
  keep_plan(ladder_plan,
            "SELECT h.bucket, h.check_low_stock FROM commerce.hold_stock($1, $2, $3) h", 3, types);
  Datum args[3] = {Int64GetDatum(line.product_id), Int32GetDatum(line.warehouse_id),
                   Int64GetDatum(line.qty)};
  if (SPI_execute_plan(ladder_plan, args, nullptr, false, 0) != SPI_OK_SELECT ||
      SPI_processed != 1) {
    elog(ERROR, "SPI_execute_plan failed for commerce.hold_stock");
  }
  bool isnull;
  const int bucket = DatumGetInt16(column(0, 1, &isnull));
  const bool check_low_stock = DatumGetBool(column(0, 2, &isnull));
  if (bucket != line.bucket) {
    Oid rtypes[3] = {INT8OID, INT8OID, INT2OID};
    keep_plan(rebucket_plan,
              "UPDATE commerce.reservation_lines l SET bucket = $3 "
              " WHERE l.reservation_id = $1 AND l.product_id = $2",
              3, rtypes);
    Datum rargs[3] = {Int64GetDatum(reservation_id), Int64GetDatum(line.product_id),
                      Int16GetDatum(static_cast<int16>(bucket))};
    if (SPI_execute_plan(rebucket_plan, rargs, nullptr, false, 0) != SPI_OK_UPDATE) {
      elog(ERROR, "SPI_execute_plan failed for the line's bucket");
    }
    line.bucket = bucket;
  }
  return check_low_stock;
}

void signal_low_stock(const Line &line) {
  Oid types[2] = {INT8OID, INT4OID};
  keep_plan(signal_plan, "SELECT commerce.signal_low_stock($1, $2)", 2, types);
  Datum args[2] = {Int64GetDatum(line.product_id), Int32GetDatum(line.warehouse_id)};
  if (SPI_execute_plan(signal_plan, args, nullptr, false, 0) != SPI_OK_SELECT) {
    elog(ERROR, "SPI_execute_plan failed for commerce.signal_low_stock");
  }
}

// commerce.reserve_general with the same arguments; its four result values are copied out of
// SPI's memory.
void reserve_general(const Request &request, Datum *values, bool *nulls) {
  Oid types[5] = {TEXTOID, JSONBOID, INTERVALOID, JSONBOID, TEXTOID};
  keep_plan(general_plan,
            "SELECT reservation_id, state, expires_at, replayed "
            "  FROM commerce.reserve_general($1, $2, $3, $4, $5)",
            5, types);
  char spi_nulls[5];
  for (int i = 0; i < 5; ++i) spi_nulls[i] = request.nulls[i] ? 'n' : ' ';
  if (SPI_execute_plan(general_plan, const_cast<Datum *>(request.args), spi_nulls, false, 0) !=
          SPI_OK_SELECT ||
      SPI_processed != 1) {
    elog(ERROR, "SPI_execute_plan failed for commerce.reserve_general");
  }
  for (int c = 0; c < 4; ++c) {
    values[c] = column(0, c + 1, &nulls[c]);
    if (!nulls[c]) values[c] = SPI_datumTransfer(values[c], c != 1, c == 1 ? -1 : 8);
  }
}

}  // namespace

// commerce.reserve(idempotency_key, lines, ttl, policy, order_ref): see docs/inventory.md.
Datum commerce_reserve(PG_FUNCTION_ARGS) {
  Request request;
  for (int i = 0; i < 5; ++i) {
    request.nulls[i] = PG_ARGISNULL(i);
    request.args[i] = request.nulls[i] ? static_cast<Datum>(0) : PG_GETARG_DATUM(i);
  }
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE) {
    elog(ERROR, "commerce.reserve must return a record");
  }
  Datum values[4];
  bool nulls[4] = {false, false, false, false};

  // Is this the common request? Every test here only decides the path; the general path
  // checks everything again and says what is wrong.
  Line lines[kFastLines];
  int n = 0;
  if (!request.nulls[0] && !request.nulls[1] && !request.nulls[2] && !request.nulls[3]) {
    text *key = PG_GETARG_TEXT_PP(0);
    Jsonb *policy = PG_GETARG_JSONB_P(3);
    Interval *ttl = PG_GETARG_INTERVAL_P(2);
    if (VARSIZE_ANY_EXHDR(key) >= 1 && VARSIZE_ANY_EXHDR(key) <= 200 && JB_ROOT_IS_OBJECT(policy) &&
        JB_ROOT_COUNT(policy) == 0 && ttl_ok(ttl)) {
      request.args[0] = PointerGetDatum(key);
      n = parse_lines(PG_GETARG_JSONB_P(1), lines);
    }
  }

  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  Written written{};
  const bool common = n > 0 && resolve_lines(lines, n);
  if (common) {
    if (lines[0].buckets > 1) {
      // A hot SKU first: kept only when its units were taken (see in_subtransaction). When its
      // bucket was short, the rows are written again without taking and the units come from
      // elsewhere below.
      in_subtransaction([&] {
        write_reservation(request, lines, n, lines[0].bucket, &written);
        return written.created && written.took_first;
      });
      if (written.created && !written.took_first) {
        write_reservation(request, lines, n, -1, &written);
      }
    } else {
      // One stock row (bucket 0, the lowest): holding it while hold_stock takes the rest of
      // them in order is within the lock order, so no subtransaction is needed.
      write_reservation(request, lines, n, lines[0].bucket, &written);
    }
  }
  if (written.created) {
    for (int i = 0; i < n; ++i) {
      int64 available = written.available;
      bool took = written.took_first;
      if (i > 0 && lines[i].buckets > 1) {
        took = in_subtransaction([&] { return take_units(lines[i], &available); });
      } else if (i > 0) {
        took = take_units(lines[i], &available);
      }
      const bool check_low_stock =
          took ? lines[i].threshold > 0 && !lines[i].signalled && available < lines[i].threshold
               : take_units_elsewhere(lines[i], written.reservation_id);
      if (check_low_stock) signal_low_stock(lines[i]);
    }
    values[0] = Int64GetDatum(written.reservation_id);
    values[2] = TimestampTzGetDatum(written.expires_at);
    values[3] = BoolGetDatum(false);
    SPI_finish();
    values[1] = CStringGetTextDatum("held");
  } else if (common && replay(request, lines, n, values, nulls)) {
    SPI_finish();
  } else {
    // Not the common request, or the key is used by a different request (PC001).
    reserve_general(request, values, nulls);
    SPI_finish();
  }
  HeapTuple tuple = heap_form_tuple(BlessTupleDesc(desc), values, nulls);
  PG_RETURN_DATUM(HeapTupleGetDatum(tuple));
}

// commerce.home_bucket(buckets): this backend's own bucket row of a hot SKU with `buckets`
// rows (0 for a normal SKU); commerce.hold_stock starts there too.
Datum commerce_home_bucket(PG_FUNCTION_ARGS) {
  const int32 buckets = PG_GETARG_INT32(0);
  PG_RETURN_INT32(home_bucket(buckets));
}
