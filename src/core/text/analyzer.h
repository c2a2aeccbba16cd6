// The analyzer: turns text into the terms that are indexed and searched. One pipeline, configured
// per named analyzer:
//   ICU word segmentation -> NFKC case folding -> stop words -> Snowball stem -> accent folding
// plus model-number handling: letters and digits joined by - / . _ (WH-1000XM4, 1/2") also yield
// one joined term (wh1000xm4, 1/2), so a shopper finds the product whichever way they type it.
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/segmenter.h"
#include "core/text/stemmer.h"
#include "core/text/stopwords.h"

namespace commerce::text {

struct Token {
  std::string term;
  std::uint32_t position;  // word position; a joined model number shares its first part's
  std::size_t begin;       // byte span in the analysed text
  std::size_t end;
  bool joined;  // a model number joined from several words (not counted in the length)
};

struct AnalyzerConfig {
  std::string name;
  std::string stop_language;  // empty: keep every word
  std::string stem_language;  // empty: no stemming
  bool fold_accents = false;
};

// The named analyzers: simple, icu, english, thai, and one per Snowball language with a stop
// list (french, german, ...). nullopt for an unknown name.
std::optional<AnalyzerConfig> find_analyzer(std::string_view name);
std::vector<AnalyzerConfig> analyzers();

// Longest term kept, in bytes; longer words (base64, URLs) are dropped, not truncated.
inline constexpr std::size_t kMaxTermBytes = 128;

class Analyzer {
 public:
  explicit Analyzer(AnalyzerConfig config);
  const AnalyzerConfig &config() const { return config_; }

  // Every token of `text` in order. Not reentrant (ICU iterator and stemmer are reused).
  std::vector<Token> analyze(std::string_view text);
  // The number of words analyze() counts for BM25's document length (joined terms excluded).
  static std::size_t length(const std::vector<Token> &tokens);

 private:
  std::string term_for(std::string_view word, SegmentKind kind, bool *stop);

  AnalyzerConfig config_;
  Segmenter segmenter_;
  const StopList *stops_ = nullptr;
  std::unique_ptr<Stemmer> stemmer_;
};

// An analyzer by name, built on first use and cached for the life of the process. Throws
// Error 22023 for an unknown name.
Analyzer &cached_analyzer(std::string_view name);

}  // namespace commerce::text
