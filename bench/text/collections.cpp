// SMART-format parsing (.I id, then .T/.A/.B/.W/.X sections) and the three collections' rules.
#include "collections.h"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace commerce::bench {
namespace {

std::ifstream open(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("missing " + path);
  return in;
}

struct Record {
  int id;
  std::map<char, std::string> sections;
};

// Reads records; `keep` lists the sections whose text is kept (others, e.g. .X citation numbers,
// are skipped). CRLF line ends (CISI, cran.qry) are tolerated.
std::vector<Record> read_smart(const std::string &path) {
  std::ifstream in = open(path);
  std::vector<Record> records;
  std::string line;
  char section = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() >= 2 && line[0] == '.' && (line.size() == 2 || line[2] == ' ')) {
      section = line[1];
      if (section == 'I') {
        records.push_back({std::stoi(line.substr(3)), {}});
        section = 0;
      }
      continue;
    }
    if (records.empty() || section == 0) continue;
    std::string &text = records.back().sections[section];
    text += line;
    text += '\n';
  }
  return records;
}

std::string join(const Record &r, const std::string &sections) {
  std::string out;
  for (char s : sections) {
    auto it = r.sections.find(s);
    if (it != r.sections.end()) out += it->second + ' ';
  }
  return out;
}

void keep_judged(Collection &c) {
  std::vector<std::pair<int, std::string>> judged;
  for (auto &q : c.queries)
    if (c.gains.count(q.first) && !c.gains[q.first].empty()) judged.push_back(std::move(q));
  c.queries = std::move(judged);
}

}  // namespace

Collection load_cranfield(const std::string &dir) {
  Collection c{"cranfield", {}, {}, {}};
  for (const Record &r : read_smart(dir + "/cran.all.1400"))
    c.documents.emplace_back(r.id, join(r, "TW"));
  // cranqrel numbers the queries 1..225 by position, not by cran.qry's .I numbers.
  int position = 0;
  for (const Record &r : read_smart(dir + "/cran.qry"))
    c.queries.emplace_back(++position, join(r, "W"));
  std::ifstream in = open(dir + "/cranqrel");
  int q, d, code;
  while (in >> q >> d >> code)
    if (code >= 1 && code <= 4) c.gains[q][d] = 5 - code;  // -1: judged not relevant
  keep_judged(c);
  return c;
}

Collection load_cisi(const std::string &dir) {
  Collection c{"cisi", {}, {}, {}};
  for (const Record &r : read_smart(dir + "/CISI.ALL"))
    c.documents.emplace_back(r.id, join(r, "TW"));
  for (const Record &r : read_smart(dir + "/CISI.QRY")) c.queries.emplace_back(r.id, join(r, "TW"));
  std::ifstream in = open(dir + "/CISI.REL");
  int q, d;
  double unused1, unused2;
  while (in >> q >> d >> unused1 >> unused2) c.gains[q][d] = 1;
  keep_judged(c);
  return c;
}

Collection load_medline(const std::string &dir) {
  Collection c{"medline", {}, {}, {}};
  for (const Record &r : read_smart(dir + "/MED.ALL")) c.documents.emplace_back(r.id, join(r, "W"));
  for (const Record &r : read_smart(dir + "/MED.QRY")) c.queries.emplace_back(r.id, join(r, "W"));
  std::ifstream in = open(dir + "/MED.REL");
  int q, zero, d, rel;
  while (in >> q >> zero >> d >> rel)
    if (rel > 0) c.gains[q][d] = 1;
  keep_judged(c);
  return c;
}

}  // namespace commerce::bench
