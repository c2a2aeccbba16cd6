// Unicode normalisation for the analyzer: NFKC with case folding (so "ＷＨ", "Wh" and "wh" are
// one term, and ligatures and full-width forms become their plain letters), and accent folding
// (café -> cafe) that leaves the marks of scripts whose vowels are combining marks (Thai, Indic,
// Japanese dakuten) alone.
#pragma once
#include "core/pure_cpp.h"

#include <string>
#include <string_view>

namespace commerce::text {

// NFKC_Casefold of UTF-8 text (Unicode's normalisation form for caseless matching). Invalid
// UTF-8 sequences become U+FFFD.
std::string fold_case(std::string_view utf8);

// Removes the combining diacritical marks (U+0300..U+036F and the other diacritic blocks) that
// canonical decomposition exposes, then recomposes. Other combining marks are kept: dropping all
// of category Mn would delete Thai vowels and tone marks.
std::string fold_accents(std::string_view utf8);

}  // namespace commerce::text
