// Loaders for the classic IR test collections in shared/data/relevance (Cranfield, CISI,
// MEDLINE), following each folder's README: which SMART sections make a document and a query,
// how queries are numbered, and how judgements become gains.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace commerce::bench {

struct Collection {
  std::string name;
  std::vector<std::pair<int, std::string>> documents;  // (document id, text)
  std::vector<std::pair<int, std::string>> queries;    // (query id, text), judged queries only
  std::map<int, std::map<int, double>> gains;          // query id -> document id -> gain > 0
};

// Throws std::runtime_error naming the missing file when the collection is absent.
Collection load_cranfield(const std::string &dir);
Collection load_cisi(const std::string &dir);
Collection load_medline(const std::string &dir);

}  // namespace commerce::bench
