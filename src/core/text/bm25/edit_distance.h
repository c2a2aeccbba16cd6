// Bounded edit distance for typo tolerance: Levenshtein with adjacent transpositions (optimal
// string alignment), over code points, giving up as soon as the bound is exceeded.
#pragma once
#include "core/pure_cpp.h"

#include <string>
#include <string_view>

namespace commerce::text::bm25 {

// The code points of UTF-8 text (invalid bytes become U+FFFD).
std::u32string code_points(std::string_view utf8);

// The distance between a and b if it is at most max_edits, otherwise max_edits + 1.
int bounded_edit_distance(std::u32string_view a, std::u32string_view b, int max_edits);

}  // namespace commerce::text::bm25
