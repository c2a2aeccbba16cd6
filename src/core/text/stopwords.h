// Stop words per language: the words an analyzer drops because they occur in nearly every
// document and so carry no ranking signal. The lists themselves live in stopwords_data.cpp.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace commerce::text {

class StopList {
 public:
  explicit StopList(std::string_view space_separated);
  bool contains(std::string_view word) const { return words_.count(std::string(word)) != 0; }
  std::size_t size() const { return words_.size(); }

 private:
  std::unordered_set<std::string> words_;
};

// The list for `language` (e.g. "english", "thai"), or nullptr when there is none. The lists are
// built on first use and live for the life of the process.
const StopList *stop_list(std::string_view language);

// The languages that have a list, in alphabetical order.
std::vector<std::string> stop_list_languages();

namespace detail {
struct StopListSource {
  const char *language;
  const char *words;
};
extern const StopListSource kStopListSources[];
extern const std::size_t kStopListSourceCount;
}  // namespace detail

}  // namespace commerce::text
