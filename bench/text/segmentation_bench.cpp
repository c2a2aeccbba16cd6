// Chinese word segmentation against gold brand and product spans (ecommerce-ner-zh): does ICU's
// dictionary segmentation keep brands (HP) and product nouns (HC) whole, and is each span found
// when searched for by itself? Character unigrams, the usual fallback for CJK search, are the
// baseline measured in the same run.
//
//   bench_segmentation <ecommerce-ner-zh dir>
//
// respected: no token crosses the span's start or end. exact: the span is exactly one token.
// findable: the span, analysed on its own with the 'icu' analyzer, occurs as a phrase in the
// analysed title (segmentation depends on context, so this is what a shopper's query needs).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/text/analyzer.h"
#include "core/text/segmenter.h"

namespace {

struct Span {
  std::size_t begin, end;  // bytes
  std::string type;        // HP brand, HC product
};

struct Title {
  std::string text;
  std::vector<std::size_t> char_starts;  // byte offset of each character
  std::vector<Span> spans;
};

std::vector<Title> read_titles(const std::string &path) {
  std::vector<Title> out;
  std::ifstream in(path);
  Title t;
  std::string line;
  std::size_t span_begin = 0;
  auto flush = [&] {
    if (!t.text.empty()) out.push_back(t);
    t = Title{};
  };
  while (std::getline(in, line)) {
    if (line.empty()) {
      flush();
      continue;
    }
    const auto tab = line.rfind('\t');
    if (tab == std::string::npos) continue;
    const std::string ch = line.substr(0, tab), tag = line.substr(tab + 1);
    const std::size_t at = t.text.size();
    t.char_starts.push_back(at);
    t.text += ch.empty() ? " " : ch;
    if (tag.size() > 2 && (tag[0] == 'B' || tag[0] == 'S')) span_begin = at;
    if (tag.size() > 2 && (tag[0] == 'E' || tag[0] == 'S'))
      t.spans.push_back({span_begin, t.text.size(), tag.substr(2)});
  }
  flush();
  return out;
}

struct Counts {
  int spans = 0, respected = 0, exact = 0, findable = 0;
};

bool contains_phrase(const std::vector<std::string> &hay, const std::vector<std::string> &needle) {
  if (needle.empty()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && hay[i + k] == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

std::vector<std::string> terms(commerce::text::Analyzer &a, std::string_view text) {
  std::vector<std::string> out;
  for (const auto &t : a.analyze(text))
    if (!t.joined) out.push_back(t.term);
  return out;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <ecommerce-ner-zh dir>\n", argv[0]);
    return 2;
  }
  std::vector<Title> titles;
  for (const char *file : {"train.txt.bieos", "dev.txt.bieos", "test.txt.bieos"}) {
    const auto part = read_titles(std::string(argv[1]) + "/" + file);
    titles.insert(titles.end(), part.begin(), part.end());
  }
  if (titles.empty()) {
    std::printf("ecommerce-ner-zh absent at %s\n", argv[1]);
    return 1;
  }
  commerce::text::Segmenter segmenter;
  auto &analyzer = commerce::text::cached_analyzer("icu");
  std::map<std::string, Counts> icu, unigram;
  for (const Title &t : titles) {
    const auto segments = segmenter.split(t.text);
    const auto title_terms = terms(analyzer, t.text);
    for (const Span &s : t.spans) {
      bool crossed = false, one = false;
      for (const auto &seg : segments) {
        crossed = crossed || (seg.begin < s.begin && s.begin < seg.end) ||
                  (seg.begin < s.end && s.end < seg.end);
        one = one || (seg.begin == s.begin && seg.end == s.end);
      }
      Counts &c = icu[s.type];
      ++c.spans;
      c.respected += crossed ? 0 : 1;
      c.exact += one ? 1 : 0;
      c.findable += contains_phrase(title_terms, terms(analyzer, std::string_view(t.text).substr(
                                                                     s.begin, s.end - s.begin)))
                        ? 1
                        : 0;
      Counts &u = unigram[s.type];
      ++u.spans;
      ++u.respected;  // single characters never cross a boundary, and are always found
      ++u.findable;
      const auto chars = std::count_if(t.char_starts.begin(), t.char_starts.end(),
                                       [&](std::size_t c) { return c >= s.begin && c < s.end; });
      const bool single_char = chars == 1;
      u.exact += single_char ? 1 : 0;
    }
  }
  std::printf("%zu titles\n%-16s %-8s %7s %10s %8s %9s\n", titles.size(), "segmenter", "spans",
              "count", "respected", "exact", "findable");
  for (const auto &[name, table] :
       {std::pair{"ICU dictionary", &icu}, {"char unigrams", &unigram}}) {
    for (const auto &[type, c] : *table) {
      std::printf("%-16s %-8s %7d %9.1f%% %7.1f%% %8.1f%%\n", name,
                  type == "HP" ? "brand" : "product", c.spans, 100.0 * c.respected / c.spans,
                  100.0 * c.exact / c.spans, 100.0 * c.findable / c.spans);
    }
  }
  return 0;
}
