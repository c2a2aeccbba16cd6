// The sign rules of the ledger's movement kinds (see ledger_rule.h).
#include "core/inventory/ledger_rule.h"

namespace commerce::inventory {

bool movement_fits_kind(std::string_view kind, std::int64_t on_hand_delta,
                        std::int64_t reserved_delta) noexcept {
  if (kind == "receipt") return on_hand_delta > 0 && reserved_delta == 0;
  if (kind == "adjustment") return on_hand_delta != 0 && reserved_delta == 0;
  if (kind == "reservation") return on_hand_delta == 0 && reserved_delta > 0;
  if (kind == "commit") return on_hand_delta < 0 && reserved_delta == on_hand_delta;
  if (kind == "release" || kind == "expiry") return on_hand_delta == 0 && reserved_delta < 0;
  return false;
}

}  // namespace commerce::inventory
