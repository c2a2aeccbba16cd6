// Which stock movements the inventory ledger accepts: the sign rules of each movement kind.
// commerce.stock_movements enforces them with a CHECK that calls this through
// commerce.movement_fits_kind (src/pg/inventory/ledger_rule.cpp).
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>
#include <string_view>

namespace commerce::inventory {

// True when a movement of `kind` may change on_hand by `on_hand_delta` and reserved by
// `reserved_delta`:
//   receipt      on_hand up, reserved unchanged
//   adjustment   on_hand up or down, reserved unchanged
//   reservation  reserved up, on_hand unchanged
//   commit       both down by the same amount (units leave the warehouse)
//   release      reserved down, on_hand unchanged
//   expiry       reserved down, on_hand unchanged
// Any other kind is refused.
bool movement_fits_kind(std::string_view kind, std::int64_t on_hand_delta,
                        std::int64_t reserved_delta) noexcept;

}  // namespace commerce::inventory
