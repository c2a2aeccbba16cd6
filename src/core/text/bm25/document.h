// One analysed document, as the index stores it before it joins a segment: its key (the heap
// TID), its length and, per distinct term, the (weighted) term frequency and the positions. Used
// by the in-memory index and by the commerce_bm25 pending list, whose records are the encoded form.
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/text/bm25/inverted_index.h"

namespace commerce::text::bm25 {

struct DocumentTerm {
  std::string term;
  float tf = 0.0f;
  std::vector<std::uint32_t> positions;  // ascending
};

struct AnalysedDocument {
  std::int64_t key = 0;
  double length = 0.0;
  std::vector<DocumentTerm> terms;  // in first-seen order
};

// Terms of all fields: a term's frequency and the length are sums of weight x count; positions of
// consecutive fields are kFieldGap apart so a phrase never spans two fields. Throws 22023 for a
// weight that is not positive.
AnalysedDocument analyse_document(std::int64_t key, const std::vector<Field> &fields);

void encode_document(const AnalysedDocument &doc, std::vector<std::uint8_t> &out);
// Throws XX002 when the bytes are not an encoded document.
AnalysedDocument decode_document(std::span<const std::uint8_t> bytes);

}  // namespace commerce::text::bm25
