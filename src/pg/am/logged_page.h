// One page of a commerce index rewritten under GenericXLog, the WAL record both index access
// methods use (crash recovery and standbys replay it without a redo routine of ours). Plain C on
// PostgreSQL: call outside guarded regions; `fill` must not throw.
#pragma once

#include "pg/pg_headers.h"

extern "C" {
#include "access/generic_xlog.h"
#include "storage/bufmgr.h"
}

namespace commerce::pg {

// Locks page `block` of `fork` (P_NEW: a new page at its end), lets `fill` write its new image
// and logs it. `flags`: GENERIC_XLOG_FULL_IMAGE for a page written from scratch, else 0.
template <typename Fill>
void write_logged_page(Relation index, ForkNumber fork, BlockNumber block, int flags, Fill fill) {
  Buffer buffer = ReadBufferExtended(index, fork, block, RBM_NORMAL, nullptr);
  LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
  GenericXLogState *state = GenericXLogStart(index);
  fill(GenericXLogRegisterBuffer(state, buffer, flags));
  GenericXLogFinish(state);
  UnlockReleaseBuffer(buffer);
}

}  // namespace commerce::pg
