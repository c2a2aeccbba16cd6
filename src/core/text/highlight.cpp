// Window selection and tag insertion for highlight().
#include "core/text/highlight.h"

#include <algorithm>
#include <vector>

namespace commerce::text {

std::string highlight(std::string_view text, Analyzer &analyzer,
                      const std::unordered_set<std::string> &terms,
                      const HighlightOptions &options) {
  const std::vector<Token> tokens = analyzer.analyze(text);
  // Words in text order (joined model numbers are not words of their own) and the byte spans to
  // mark; a matched model number marks its whole span.
  std::vector<const Token *> words;
  std::vector<std::pair<std::size_t, std::size_t>> marks;
  for (const Token &t : tokens) {
    if (!t.joined) words.push_back(&t);
    if (terms.count(t.term)) marks.emplace_back(t.begin, t.end);
  }
  std::sort(marks.begin(), marks.end());
  std::vector<std::pair<std::size_t, std::size_t>> merged;
  for (const auto &m : marks) {
    if (!merged.empty() && m.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, m.second);
    } else {
      merged.push_back(m);
    }
  }

  std::size_t from = 0, to = text.size();
  if (options.max_words > 0 && words.size() > options.max_words) {
    // Slide a window of max_words words; keep the first one with the most marked words.
    auto marked = [&](const Token *w) {
      return std::any_of(merged.begin(), merged.end(),
                         [&](const auto &m) { return w->begin < m.second && m.first < w->end; });
    };
    std::vector<int> is_marked(words.size());
    for (std::size_t i = 0; i < words.size(); ++i) is_marked[i] = marked(words[i]) ? 1 : 0;
    int count = 0, best = -1;
    std::size_t best_start = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
      count += is_marked[i];
      if (i >= options.max_words) count -= is_marked[i - options.max_words];
      if (i + 1 >= options.max_words && count > best) {
        best = count;
        best_start = i + 1 - options.max_words;
      }
    }
    from = words[best_start]->begin;
    to = words[best_start + options.max_words - 1]->end;
  }

  std::string out;
  if (from > 0) out += options.ellipsis;
  std::size_t at = from;
  for (const auto &[begin, end] : merged) {
    if (end <= from || begin >= to) continue;
    const std::size_t b = std::max(begin, from), e = std::min(end, to);
    out.append(text.substr(at, b - at));
    out += options.start_tag;
    out.append(text.substr(b, e - b));
    out += options.stop_tag;
    at = e;
  }
  out.append(text.substr(at, to - at));
  if (to < text.size()) out += options.ellipsis;
  return out;
}

}  // namespace commerce::text
