// commerce.movement_fits_kind(kind, on_hand_delta, reserved_delta): the ledger's CHECK
// (stock_movements_kind_deltas). The rule is in src/core/inventory/ledger_rule.h. It is a C
// function rather than the CASE expression it replaces because PostgreSQL 15 deserialises and
// plans every table CHECK anew on each INSERT statement, and that CASE (7.6 kB of node text)
// cost about 6 % of a reservation; a function call is a few hundred bytes.
#include <string_view>

#include "core/inventory/ledger_rule.h"
#include "pg/guard.h"

PGC_FUNCTION(commerce_movement_fits_kind)

Datum commerce_movement_fits_kind(PG_FUNCTION_ARGS) {
  text *kind = PG_GETARG_TEXT_PP(0);
  const int64 on_hand_delta = PG_GETARG_INT64(1);
  const int64 reserved_delta = PG_GETARG_INT64(2);
  const char *data = VARDATA_ANY(kind);
  const std::size_t length = VARSIZE_ANY_EXHDR(kind);
  bool fits = false;
  commerce::pg::guarded([&] {
    fits = commerce::inventory::movement_fits_kind(std::string_view(data, length), on_hand_delta,
                                                   reserved_delta);
  });
  PG_RETURN_BOOL(fits);
}
