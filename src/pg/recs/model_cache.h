// Which model version commerce.recommend serves, cached per backend: the lookup in
// commerce.models (by context model_id, or the active version of a name) was one SPI statement
// on every call, while models change only when one is trained, activated or retired. Every change
// to commerce.models fires commerce.invalidate_caches(), which invalidates the table's relcache
// entry in every backend when the change commits (and in the changing backend at its next
// command); a relcache callback then empties the cache. A cached answer is used only when its
// row version is visible to the calling statement's snapshot, so a call answers as the lookup
// under that snapshot would; otherwise (a version this transaction wrote, or one committed after
// the snapshot) the caller runs the lookup itself. Plain C: call while SPI is connected and no
// C++ object is alive in the calling frame.
#pragma once

#include "pg/pg_headers.h"

extern "C" {
#include "utils/snapshot.h"
}

namespace commerce::pg::recs {

struct ServedModel {
  int64 id;
  TransactionId version;  // xmin of the commerce.models row (keys the list caches)
};

// The model to serve as `snapshot` sees it (InvalidSnapshot: the calling statement's):
// `model_id` when by_id (any status but retired), else the active version of `name`. False when
// there is none. Plain C: may raise ERROR.
bool find_model(bool by_id, int64 model_id, const text *name, Snapshot snapshot, ServedModel *out);

// The model to serve: `model_id` when by_id (any status but retired), else the active version of
// `name` (NULL: none). False when the cache cannot answer for this statement's snapshot (no such
// model, or its row version is not visible to it): then look it up under that snapshot.
bool cached_serving_model(bool by_id, int64 model_id, const text *name, ServedModel *out);

}  // namespace commerce::pg::recs
