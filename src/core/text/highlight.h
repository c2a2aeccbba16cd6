// Snippets with the query's matches marked, for search result pages: picks the window of at most
// `max_words` words that holds the most matched words and wraps each match in the tags. A match
// is a word whose analysed term is one the query searches for (including its synonyms and, when
// typo tolerance is on, words within the typo bound), so "Running" is marked for the query "run".
#pragma once
#include "core/pure_cpp.h"

#include <string>
#include <string_view>
#include <unordered_set>

#include "core/text/analyzer.h"

namespace commerce::text {

struct HighlightOptions {
  std::string start_tag = "<b>";
  std::string stop_tag = "</b>";
  std::size_t max_words = 30;  // 0: the whole text
  std::string ellipsis = "…";  // marks text cut off before or after the window
};

// The text is copied verbatim apart from the tags: it is not HTML-escaped.
std::string highlight(std::string_view text, Analyzer &analyzer,
                      const std::unordered_set<std::string> &terms,
                      const HighlightOptions &options);

}  // namespace commerce::text
