// K-way merge of segment dictionaries with document renumbering.
#include "core/text/bm25/segment_merge.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

namespace commerce::text::bm25 {
namespace {

struct DocTable {
  std::vector<std::int64_t> keys;
  std::vector<double> lengths;
};

DocTable read_doc_table(const SegmentView &s) {
  DocTable t;
  const std::size_t n = s.header.documents;
  t.keys.resize(n);
  t.lengths.resize(n);
  std::vector<std::uint8_t> chunk;
  constexpr std::size_t kChunk = 4096;
  for (std::size_t from = 0; from < n; from += kChunk) {
    const std::size_t count = std::min(kChunk, n - from);
    chunk.resize(count * 16);
    s.bytes->read(from * 16, chunk.data(), chunk.size());
    for (std::size_t i = 0; i < count; ++i) {
      std::memcpy(&t.keys[from + i], chunk.data() + i * 16, 8);
      std::memcpy(&t.lengths[from + i], chunk.data() + i * 16 + 8, 8);
    }
  }
  return t;
}

}  // namespace

std::vector<std::int64_t> segment_keys(const SegmentView &segment) {
  return read_doc_table(segment).keys;
}

MergeResult merge_segments(const std::vector<SegmentView> &inputs,
                           const std::function<bool(std::int64_t key)> &dead, ByteSink &sink,
                           CancelCheck &cancel) {
  MergeResult result;
  std::vector<std::int64_t> keys;
  std::vector<double> lengths;
  std::vector<std::vector<DocId>> renumber(inputs.size());
  for (std::size_t s = 0; s < inputs.size(); ++s) {
    DocTable t = read_doc_table(inputs[s]);
    renumber[s].resize(t.keys.size(), kNoDoc);
    for (std::size_t i = 0; i < t.keys.size(); ++i) {
      cancel.poll();
      if (dead(t.keys[i])) {
        ++result.removed;
        continue;
      }
      renumber[s][i] = static_cast<DocId>(keys.size());
      keys.push_back(t.keys[i]);
      lengths.push_back(t.lengths[i]);
    }
  }
  SegmentWriter writer(sink, keys, lengths);
  keys = {};
  lengths = {};

  std::vector<std::size_t> at(inputs.size(), 0);  // next dictionary entry per input
  std::vector<DocId> docs;
  std::vector<float> tfs;
  std::vector<std::uint32_t> pos_from, positions;
  BlockDecoder block;
  while (true) {
    // The smallest term among the inputs' next entries.
    std::string_view term;
    bool any = false;
    for (std::size_t s = 0; s < inputs.size(); ++s) {
      const Dictionary &d = *inputs[s].dictionary;
      if (at[s] == d.size()) continue;
      const std::string_view t = d.text(d.entries()[at[s]]);
      if (!any || t < term) term = t;
      any = true;
    }
    if (!any) break;
    const std::string current(term);
    docs.clear();
    tfs.clear();
    positions.clear();
    pos_from.assign(1, 0);
    for (std::size_t s = 0; s < inputs.size(); ++s) {
      const Dictionary &d = *inputs[s].dictionary;
      if (at[s] == d.size() || d.text(d.entries()[at[s]]) != current) continue;
      const DictionaryEntry &e = d.entries()[at[s]++];
      for (const SkipEntry &skip : read_skips(*inputs[s].bytes, e).entries) {
        cancel.poll();
        block.load(*inputs[s].bytes, e.postings, skip);
        block.decode_values();
        for (std::size_t i = 0; i < block.size(); ++i) {
          const DocId to = renumber[s][block.docs[i]];
          if (to == kNoDoc) continue;
          docs.push_back(to);
          tfs.push_back(block.tfs[i]);
          const auto pos = block.positions(i);
          positions.insert(positions.end(), pos.begin(), pos.end());
          pos_from.push_back(static_cast<std::uint32_t>(positions.size()));
        }
      }
    }
    if (!docs.empty()) writer.add_term(current, TermPostings{docs, tfs, pos_from, positions});
  }
  result.header = writer.finish();
  return result;
}

}  // namespace commerce::text::bm25
