// keep_plan: see spi_plan.h.
#include "pg/spi_plan.h"

namespace commerce::pg {

SPIPlanPtr keep_plan(SPIPlanPtr &plan, const char *sql, int nargs, Oid *types) {
  if (plan == nullptr) {
    SPIPlanPtr fresh = SPI_prepare_cursor(sql, nargs, types, CURSOR_OPT_GENERIC_PLAN);
    if (fresh == nullptr) elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    if (SPI_keepplan(fresh) != 0) elog(ERROR, "SPI_keepplan failed");
    plan = fresh;
  }
  return plan;
}

}  // namespace commerce::pg
