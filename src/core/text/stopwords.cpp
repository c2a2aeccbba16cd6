// Parses the checked-in stop-word strings into lookup sets, once per language.
#include "core/text/stopwords.h"

#include <algorithm>
#include <map>
#include <memory>

namespace commerce::text {

StopList::StopList(std::string_view space_separated) {
  std::size_t pos = 0;
  while (pos < space_separated.size()) {
    const std::size_t end = std::min(space_separated.find(' ', pos), space_separated.size());
    if (end > pos) words_.emplace(space_separated.substr(pos, end - pos));
    pos = end + 1;
  }
}

const StopList *stop_list(std::string_view language) {
  static std::map<std::string, std::unique_ptr<StopList>, std::less<>> built;
  if (auto it = built.find(language); it != built.end()) return it->second.get();
  for (std::size_t i = 0; i < detail::kStopListSourceCount; ++i) {
    const auto &source = detail::kStopListSources[i];
    if (language == source.language) {
      auto list = std::make_unique<StopList>(source.words);
      return built.emplace(source.language, std::move(list)).first->second.get();
    }
  }
  return nullptr;
}

std::vector<std::string> stop_list_languages() {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < detail::kStopListSourceCount; ++i)
    names.emplace_back(detail::kStopListSources[i].language);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace commerce::text
