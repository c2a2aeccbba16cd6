// RAII wrapper over a libstemmer stemmer.
#include "core/text/stemmer.h"

#include <libstemmer.h>

#include <new>

#include "core/error.h"

namespace commerce::text {

Stemmer::Stemmer(const std::string &language)
    : stemmer_(sb_stemmer_new(language.c_str(), "UTF_8")) {
  if (stemmer_ == nullptr) {
    throw Error(sqlstate::kInvalidParameterValue, "no snowball stemmer for \"" + language + "\"",
                "Use one of the languages commerce.analyzers() lists.");
  }
}

Stemmer::~Stemmer() {
  sb_stemmer_delete(stemmer_);
}

std::string Stemmer::stem(std::string_view word) {
  const sb_symbol *out = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol *>(word.data()),
                                         static_cast<int>(word.size()));
  if (out == nullptr) throw std::bad_alloc();
  return std::string(reinterpret_cast<const char *>(out),
                     static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
}

std::vector<std::string> Stemmer::languages() {
  std::vector<std::string> names;
  for (const char **name = sb_stemmer_list(); *name != nullptr; ++name) names.emplace_back(*name);
  return names;
}

}  // namespace commerce::text
