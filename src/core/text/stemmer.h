// Snowball stemming through libstemmer, the Snowball project's own C library (Debian's
// libstemmer-dev). Chosen over PostgreSQL's snowball dictionaries because the core may not call
// PostgreSQL, and the same stems must come out of the unit tests, the relevance bench and the
// server; both are generated from the same Snowball sources, so the stems agree with to_tsvector.
#pragma once
#include "core/pure_cpp.h"

#include <string>
#include <string_view>
#include <vector>

struct sb_stemmer;

namespace commerce::text {

class Stemmer {
 public:
  // Throws Error 22023 when libstemmer has no algorithm called `language`.
  explicit Stemmer(const std::string &language);
  ~Stemmer();
  Stemmer(const Stemmer &) = delete;
  Stemmer &operator=(const Stemmer &) = delete;

  // The stem of one case-folded UTF-8 word. Not reentrant: one Stemmer per thread.
  std::string stem(std::string_view word);

  // The algorithms libstemmer offers (english, french, ...).
  static std::vector<std::string> languages();

 private:
  sb_stemmer *stemmer_;
};

}  // namespace commerce::text
