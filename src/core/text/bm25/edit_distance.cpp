// Banded dynamic programme for the bounded edit distance.
#include "core/text/bm25/edit_distance.h"

#include <algorithm>
#include <vector>

#include <unicode/utf8.h>

namespace commerce::text::bm25 {

std::u32string code_points(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  const auto *s = reinterpret_cast<const uint8_t *>(utf8.data());
  const int32_t length = static_cast<int32_t>(utf8.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    out.push_back(c < 0 ? U'\uFFFD' : static_cast<char32_t>(c));
  }
  return out;
}

int bounded_edit_distance(std::u32string_view a, std::u32string_view b, int max_edits) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max_edits) return max_edits + 1;
  const int big = max_edits + 1;
  // Three rows: the one before the previous is needed for transpositions.
  std::vector<int> before(m + 1, big), previous(m + 1), current(m + 1, big);
  for (int j = 0; j <= m; ++j) previous[j] = std::min(j, big);
  for (int i = 1; i <= n; ++i) {
    std::fill(current.begin(), current.end(), big);
    current[0] = std::min(i, big);
    int row_min = current[0];
    // Cells further than max_edits from the diagonal cannot be within the bound.
    const int from = std::max(1, i - max_edits), to = std::min(m, i + max_edits);
    for (int j = from; j <= to; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int d = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d = std::min(d, before[j - 2] + 1);
      current[j] = std::min(d, big);
      row_min = std::min(row_min, current[j]);
    }
    if (row_min > max_edits) return big;
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return std::min(previous[m], big);
}

}  // namespace commerce::text::bm25
