// Analysing a document into terms, and the pending-list record encoding.
#include "core/text/bm25/document.h"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "core/error.h"

namespace commerce::text::bm25 {
namespace {

// Positions of consecutive fields are this far apart, so a phrase never matches across fields.
constexpr std::uint32_t kFieldGap = 16;

struct Occurrences {
  double tf = 0.0;
  std::vector<std::uint32_t> positions;
};

void put_varint(std::vector<std::uint8_t> &out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

[[noreturn]] void corrupted() {
  throw Error(sqlstate::kIndexCorrupted, "commerce_bm25 pending document is corrupted",
              "REINDEX the index.");
}

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> b) : p_(b.data()), end_(b.data() + b.size()) {}
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) corrupted();
      const std::uint8_t b = *p_++;
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    corrupted();
  }
  void raw(void *dst, std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) corrupted();
    std::memcpy(dst, p_, n);
    p_ += n;
  }
  bool done() const { return p_ == end_; }

 private:
  const std::uint8_t *p_, *end_;
};

}  // namespace

AnalysedDocument analyse_document(std::int64_t key, const std::vector<Field> &fields) {
  std::unordered_map<std::string_view, Occurrences> occurrences;
  std::vector<std::string_view> order;  // first-seen order, so term ids do not depend on hashing
  AnalysedDocument doc;
  doc.key = key;
  std::uint32_t base = 0;
  for (const Field &field : fields) {
    if (!(field.weight > 0.0)) {
      throw Error(sqlstate::kInvalidParameterValue, "field weights must be positive",
                  "Give every indexed field a weight above 0, e.g. 2.0 for titles.");
    }
    std::uint32_t last = 0;
    for (const Token &token : *field.tokens) {
      auto [it, inserted] = occurrences.try_emplace(token.term);
      if (inserted) order.push_back(token.term);
      it->second.tf += field.weight;
      it->second.positions.push_back(base + token.position);
      last = std::max(last, token.position);
    }
    doc.length += field.weight * static_cast<double>(Analyzer::length(*field.tokens));
    base += last + kFieldGap;
  }
  doc.terms.reserve(order.size());
  for (std::string_view text : order) {
    Occurrences &occ = occurrences[text];
    std::sort(occ.positions.begin(), occ.positions.end());
    doc.terms.push_back(
        DocumentTerm{std::string(text), static_cast<float>(occ.tf), std::move(occ.positions)});
  }
  return doc;
}

void encode_document(const AnalysedDocument &doc, std::vector<std::uint8_t> &out) {
  const auto *key = reinterpret_cast<const std::uint8_t *>(&doc.key);
  out.insert(out.end(), key, key + sizeof(doc.key));
  const auto *length = reinterpret_cast<const std::uint8_t *>(&doc.length);
  out.insert(out.end(), length, length + sizeof(doc.length));
  put_varint(out, doc.terms.size());
  for (const DocumentTerm &t : doc.terms) {
    put_varint(out, t.term.size());
    out.insert(out.end(), t.term.begin(), t.term.end());
    const auto *tf = reinterpret_cast<const std::uint8_t *>(&t.tf);
    out.insert(out.end(), tf, tf + sizeof(t.tf));
    put_varint(out, t.positions.size());
    std::uint32_t last = 0;
    for (std::uint32_t p : t.positions) {
      put_varint(out, p - last);
      last = p;
    }
  }
}

AnalysedDocument decode_document(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  AnalysedDocument doc;
  r.raw(&doc.key, sizeof(doc.key));
  r.raw(&doc.length, sizeof(doc.length));
  const std::size_t terms = r.varint();
  if (terms > bytes.size()) corrupted();
  doc.terms.resize(terms);
  for (DocumentTerm &t : doc.terms) {
    const std::size_t size = r.varint();
    if (size > bytes.size()) corrupted();
    t.term.resize(size);
    r.raw(t.term.data(), size);
    r.raw(&t.tf, sizeof(t.tf));
    const std::size_t count = r.varint();
    if (count > bytes.size()) corrupted();
    t.positions.resize(count);
    std::uint32_t last = 0;
    for (std::uint32_t &p : t.positions) {
      last += static_cast<std::uint32_t>(r.varint());
      p = last;
    }
  }
  if (!r.done()) corrupted();
  return doc;
}

}  // namespace commerce::text::bm25
