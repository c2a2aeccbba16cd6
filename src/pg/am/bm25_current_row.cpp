// The per-backend table of rows that commerce_bm25 scans just returned (bm25_current_row.h).
// Fixed size and plain data: it is read by operator functions and cleared by memory-context
// callbacks, where nothing may raise ERROR.
#include "pg/am/bm25_current_row.h"

#include <cstring>

namespace commerce::pg::bm25 {
namespace {

struct Entry {
  const void *owner;
  int slot;
  const ::text *query;  // the scan's copy; valid while the scan is
  double score;
  bool matched;
  uint64 stamp;
};

constexpr int kEntries = 64;
Entry entries[kEntries];
uint64 clock = 0;

bool same_text(const ::text *a, const ::text *b) {
  const Size n = VARSIZE_ANY_EXHDR(a);
  return n == VARSIZE_ANY_EXHDR(b) && std::memcmp(VARDATA_ANY(a), VARDATA_ANY(b), n) == 0;
}

}  // namespace

void publish_row(const void *owner, int slot, const ::text *query, double score, bool matched) {
  Entry *target = nullptr;
  for (Entry &e : entries) {
    if (e.owner == owner && e.slot == slot) {
      target = &e;
      break;
    }
    if (target == nullptr && e.owner == nullptr) target = &e;
  }
  if (target == nullptr) {  // full: reuse the stalest entry
    target = &entries[0];
    for (Entry &e : entries)
      if (e.stamp < target->stamp) target = &e;
  }
  *target = Entry{owner, slot, query, score, matched, ++clock};
}

void forget_rows(const void *owner) {
  for (Entry &e : entries)
    if (e.owner == owner) e = Entry{};
}

bool current_row(const ::text *query, double *score, bool *matched) {
  const Entry *best = nullptr;
  for (const Entry &e : entries)
    if (e.owner != nullptr && (best == nullptr || e.stamp > best->stamp) &&
        same_text(e.query, query))
      best = &e;
  if (best == nullptr) return false;
  *score = best->score;
  *matched = best->matched;
  return true;
}

}  // namespace commerce::pg::bm25
