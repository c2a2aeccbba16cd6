// The analyzer pipeline and the registry of named analyzers.
#include "core/text/analyzer.h"

#include <map>

#include "core/error.h"
#include "core/text/normalizer.h"

namespace commerce::text {
namespace {

constexpr const char *kSnowballLanguages[] = {"danish",     "dutch",   "english", "finnish",
                                              "french",     "german",  "italian", "norwegian",
                                              "portuguese", "russian", "spanish", "swedish"};

bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ascii_alnum(char c) {
  return is_ascii_digit(c) || (c >= 'a' && c <= 'z');
}
bool is_joiner(char c) {
  return c == '-' || c == '/' || c == '.' || c == '_';
}

bool has_digit(std::string_view s) {
  for (char c : s)
    if (is_ascii_digit(c)) return true;
  return false;
}

// The joined form of a run of words such as "WH-1000XM4": case-folded, hyphens and underscores
// dropped, slashes and dots kept (so 1/2 and 2.5 stay distinct from 12 and 25). Empty when the
// run is not a model number: everything must be ASCII letters, digits and joiners, and there must
// be a digit or a one-letter part (t-shirt, x-ray), so ordinary hyphenated prose is left alone.
std::string joined_form(std::string_view folded_run, bool has_single_letter_part) {
  if (!has_digit(folded_run) && !has_single_letter_part) return {};
  std::string out;
  for (char c : folded_run) {
    if (is_ascii_alnum(c) || c == '/' || c == '.') {
      out.push_back(c);
    } else if (c != '-' && c != '_') {
      return {};
    }
  }
  return out.size() <= kMaxTermBytes ? out : std::string();
}

// True when the bytes between two words are one joiner character (after NFKC, so a full-width
// hyphen counts).
bool joins(std::string_view gap) {
  if (gap.empty() || gap.size() > 3) return false;
  const std::string folded = gap.size() == 1 ? std::string(gap) : fold_case(gap);
  return folded.size() == 1 && is_joiner(folded[0]);
}

}  // namespace

std::vector<AnalyzerConfig> analyzers() {
  std::vector<AnalyzerConfig> out;
  out.push_back({"icu", "", "", true});
  out.push_back({"simple", "", "", false});
  out.push_back({"thai", "thai", "", false});
  for (const char *language : kSnowballLanguages)
    out.push_back({language, language, language, true});
  return out;
}

std::optional<AnalyzerConfig> find_analyzer(std::string_view name) {
  for (auto &config : analyzers())
    if (config.name == name) return config;
  return std::nullopt;
}

Analyzer::Analyzer(AnalyzerConfig config) : config_(std::move(config)) {
  if (!config_.stop_language.empty()) stops_ = stop_list(config_.stop_language);
  if (!config_.stem_language.empty()) stemmer_ = std::make_unique<Stemmer>(config_.stem_language);
}

std::string Analyzer::term_for(std::string_view word, SegmentKind kind, bool *stop) {
  *stop = false;
  std::string term = fold_case(word);
  if (term.empty() || term.size() > kMaxTermBytes) return {};
  // Numbers and words with digits (4k, 1000xm4) are neither stop words nor stemmed.
  if (kind != SegmentKind::kNumber && !has_digit(term)) {
    if (stops_ != nullptr && stops_->contains(term)) {
      *stop = true;
      return {};
    }
    if (stemmer_) term = stemmer_->stem(term);
  }
  if (config_.fold_accents) term = fold_accents(term);
  return term;
}

std::vector<Token> Analyzer::analyze(std::string_view text) {
  const std::vector<Segment> segments = segmenter_.split(text);
  std::vector<Token> tokens;
  tokens.reserve(segments.size());
  std::uint32_t position = 0;
  std::size_t run_start = 0;  // first segment of the current run of joined words
  std::uint32_t run_position = 0;
  std::size_t run_first_token = 0;  // where the joined term goes, so tokens stay in text order
  bool run_single_letter = false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment &s = segments[i];
    const std::string_view word = text.substr(s.begin, s.end - s.begin);
    if (i == run_start) {
      run_position = position;
      run_first_token = tokens.size();
      run_single_letter = false;
    }
    run_single_letter = run_single_letter || (s.kind == SegmentKind::kLetter && word.size() == 1);
    bool stop = false;
    std::string term = term_for(word, s.kind, &stop);
    // Stop words keep their position, so a phrase query skips them exactly as the text did.
    const bool counted = stop || !term.empty();
    if (!term.empty()) tokens.push_back({std::move(term), position, s.begin, s.end, false});
    if (counted) ++position;

    const bool continues =
        i + 1 < segments.size() && joins(text.substr(s.end, segments[i + 1].begin - s.end));
    if (continues) continue;
    if (i > run_start) {
      const std::size_t begin = segments[run_start].begin;
      const std::string folded = fold_case(text.substr(begin, s.end - begin));
      std::string joined = joined_form(folded, run_single_letter);
      if (!joined.empty()) {
        tokens.insert(tokens.begin() + static_cast<std::ptrdiff_t>(run_first_token),
                      Token{std::move(joined), run_position, begin, s.end, true});
      }
    }
    run_start = i + 1;
  }
  return tokens;
}

std::size_t Analyzer::length(const std::vector<Token> &tokens) {
  std::size_t n = 0;
  for (const Token &t : tokens) n += t.joined ? 0 : 1;
  return n;
}

Analyzer &cached_analyzer(std::string_view name) {
  static std::map<std::string, std::unique_ptr<Analyzer>, std::less<>> cache;
  if (auto it = cache.find(name); it != cache.end()) return *it->second;
  std::optional<AnalyzerConfig> config = find_analyzer(name);
  if (!config) {
    throw Error(sqlstate::kInvalidParameterValue, "unknown analyzer \"" + std::string(name) + "\"",
                "Use one of the names commerce.analyzers() lists, e.g. 'english' or 'icu'.");
  }
  auto analyzer = std::make_unique<Analyzer>(std::move(*config));
  return *cache.emplace(std::string(name), std::move(analyzer)).first->second;
}

}  // namespace commerce::text
