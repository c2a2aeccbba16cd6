// Writing and decoding the segment format described in segment.h.
#include "core/text/bm25/segment.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"

namespace commerce::text::bm25 {
namespace {

void put_varint(std::vector<std::uint8_t> &out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

template <typename T>
void put_raw(std::vector<std::uint8_t> &out, T value) {
  const auto *p = reinterpret_cast<const std::uint8_t *>(&value);
  out.insert(out.end(), p, p + sizeof(T));
}

// Integers below 2^40 as varint(v << 1); anything else as varint(1) and the raw value.
template <typename T>
void put_number(std::vector<std::uint8_t> &out, T value) {
  const double v = static_cast<double>(value);
  if (v >= 0.0 && v < 1099511627776.0 && std::floor(v) == v) {
    put_varint(out, static_cast<std::uint64_t>(v) << 1);
  } else {
    put_varint(out, 1);
    put_raw(out, value);
  }
}

[[noreturn]] void corrupted(const char *what) {
  throw Error(sqlstate::kIndexCorrupted, std::string("commerce_bm25 segment is corrupted: ") + what,
              "REINDEX the index.");
}

class Reader {
 public:
  Reader(const std::uint8_t *p, std::size_t n) : p_(p), end_(p + n) {}
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) corrupted("truncated varint");
      const std::uint8_t b = *p_++;
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    corrupted("overlong varint");
  }
  template <typename T>
  T raw() {
    if (end_ - p_ < static_cast<std::ptrdiff_t>(sizeof(T))) corrupted("truncated value");
    T v;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }
  template <typename T>
  T number() {
    const std::uint64_t code = varint();
    if (code == 1) return raw<T>();
    return static_cast<T>(code >> 1);
  }
  std::string_view bytes(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) corrupted("truncated text");
    std::string_view s(reinterpret_cast<const char *>(p_), n);
    p_ += n;
    return s;
  }
  std::size_t offset(const std::uint8_t *base) const { return static_cast<std::size_t>(p_ - base); }
  bool done() const { return p_ >= end_; }

 private:
  const std::uint8_t *p_, *end_;
};

// The largest float not above v: the bound must never exceed a real length.
float float_down(double v) {
  float f = static_cast<float>(v);
  if (static_cast<double>(f) > v) f = std::nextafter(f, -1.0f);
  return f;
}

}  // namespace

std::vector<Impact> competitive_impacts(std::vector<Impact> pairs) {
  // By descending tf, then ascending length: a pair is on the skyline when it is shorter than
  // every pair before it (all of which have at least its tf).
  std::sort(pairs.begin(), pairs.end(), [](const Impact &a, const Impact &b) {
    return a.tf > b.tf || (a.tf == b.tf && a.length < b.length);
  });
  std::vector<Impact> kept;
  for (const Impact &p : pairs)
    if (kept.empty() || p.length < kept.back().length) kept.push_back(p);
  std::reverse(kept.begin(), kept.end());
  return kept;
}

void VectorSink::write(const void *data, std::size_t size) {
  const auto *p = static_cast<const std::uint8_t *>(data);
  bytes.insert(bytes.end(), p, p + size);
}

void VectorSource::read(std::uint64_t offset, void *dst, std::size_t size) const {
  if (offset + size > bytes_.size()) corrupted("read past the end");
  std::memcpy(dst, bytes_.data() + offset, size);
}

SegmentWriter::SegmentWriter(ByteSink &sink, std::span<const std::int64_t> keys,
                             std::span<const double> lengths)
    : sink_(sink), lengths_(lengths.begin(), lengths.end()) {
  if (keys.size() != lengths.size() || keys.size() >= kNoDoc)
    corrupted("document table sizes differ");
  std::vector<std::uint8_t> table;
  table.reserve(std::min<std::size_t>(keys.size(), 4096) * 16);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    put_raw(table, keys[i]);
    put_raw(table, lengths[i]);
    total_length_ += lengths[i];
    if (table.size() >= 65536) {
      put(table.data(), table.size());
      table.clear();
    }
  }
  put(table.data(), table.size());
}

void SegmentWriter::put(const void *data, std::size_t size) {
  sink_.write(data, size);
  offset_ += size;
}

void SegmentWriter::add_term(std::string_view term, const TermPostings &p) {
  if (p.docs.empty() || (terms_ > 0 && term <= last_term_)) corrupted("terms out of order");
  last_term_.assign(term);
  const std::uint64_t start = offset_;
  const std::size_t n = p.docs.size();
  const std::size_t blocks = (n + kSegmentBlockSize - 1) / kSegmentBlockSize;
  skips_.assign(blocks, SkipEntry{});
  impacts_.clear();
  std::vector<std::uint8_t> body;
  std::vector<std::size_t> body_at(blocks);
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t from = b * kSegmentBlockSize, to = std::min(n, from + kSegmentBlockSize);
    block_.clear();
    values_.clear();
    positions_.clear();
    pairs_.clear();
    DocId previous = 0;
    for (std::size_t i = from; i < to; ++i) {
      const DocId d = p.docs[i];
      if (d >= lengths_.size() || (i > from && d <= previous)) corrupted("postings out of order");
      put_varint(block_, i == from ? d : d - previous);
      previous = d;
      put_number(values_, p.tfs[i]);
      put_number(values_, lengths_[d]);
      pairs_.push_back(Impact{p.tfs[i], float_down(lengths_[d])});
      put_varint(positions_, p.pos_from[i + 1] - p.pos_from[i]);
      std::uint32_t last = 0;
      for (std::uint32_t k = p.pos_from[i]; k < p.pos_from[i + 1]; ++k) {
        put_varint(positions_, p.positions[k] - last);
        last = p.positions[k];
      }
    }
    const std::vector<Impact> skyline = competitive_impacts(pairs_);
    impacts_.insert(impacts_.end(), skyline.begin(), skyline.end());
    SkipEntry &skip = skips_[b];
    skip.last = previous;
    skip.impacts_end = static_cast<std::uint32_t>(impacts_.size());
    body_at[b] = body.size();
    put_varint(body, block_.size());
    put_varint(body, values_.size());
    body.insert(body.end(), block_.begin(), block_.end());
    body.insert(body.end(), values_.begin(), values_.end());
    body.insert(body.end(), positions_.begin(), positions_.end());
    skip.size = static_cast<std::uint32_t>(body.size() - body_at[b]);
  }
  // Blocks follow the skip entries and the impacts, whose size is known only now.
  const std::size_t head = blocks * sizeof(SkipEntry) + impacts_.size() * sizeof(Impact);
  if (head + body.size() > 0xffffffffu)
    throw Error(sqlstate::kProgramLimitExceeded, "postings of one term exceed 4 GB",
                "Index fewer rows or shorter documents.");
  for (std::size_t b = 0; b < blocks; ++b)
    skips_[b].offset = static_cast<std::uint32_t>(head + body_at[b]);
  put(skips_.data(), blocks * sizeof(SkipEntry));
  put(impacts_.data(), impacts_.size() * sizeof(Impact));
  put(body.data(), body.size());

  const std::vector<Impact> term_impacts = competitive_impacts(impacts_);
  put_varint(dictionary_, term.size());
  dictionary_.insert(dictionary_.end(), term.begin(), term.end());
  put_varint(dictionary_, n);
  put_varint(dictionary_, start);
  put_varint(dictionary_, blocks);
  put_varint(dictionary_, term_impacts.size());
  for (const Impact &i : term_impacts) {
    put_raw(dictionary_, i.tf);
    put_raw(dictionary_, i.length);
  }
  ++terms_;
}

SegmentHeader SegmentWriter::finish() {
  SegmentHeader h;
  h.documents = static_cast<std::uint32_t>(lengths_.size());
  h.terms = terms_;
  h.total_length = total_length_;
  h.dictionary_offset = offset_;
  h.dictionary_bytes = dictionary_.size();
  put(dictionary_.data(), dictionary_.size());
  h.total_bytes = offset_;
  return h;
}

SegmentHeader write_segment(const InvertedIndex &index, std::span<const std::int64_t> keys,
                            ByteSink &sink) {
  const std::size_t n = index.document_slots();
  std::vector<double> lengths(n);
  for (DocId d = 0; d < n; ++d) {
    if (!index.alive(d)) corrupted("tombstone in a new segment");
    lengths[d] = index.length(d);
  }
  std::vector<TermId> order;
  order.reserve(index.term_count());
  for (TermId t = 0; t < index.term_count(); ++t)
    if (!index.postings(t).docs.empty()) order.push_back(t);
  std::sort(order.begin(), order.end(),
            [&](TermId a, TermId b) { return index.term(a) < index.term(b); });
  SegmentWriter writer(sink, keys, lengths);
  for (TermId t : order) {
    const Postings &p = index.postings(t);
    writer.add_term(index.term(t), TermPostings{p.docs, p.tfs, p.pos_from, p.positions});
  }
  return writer.finish();
}

Dictionary::Dictionary(const ByteSource &source, const SegmentHeader &header) {
  std::vector<std::uint8_t> raw(header.dictionary_bytes);
  source.read(header.dictionary_offset, raw.data(), raw.size());
  Reader r(raw.data(), raw.size());
  entries_.reserve(header.terms);
  while (!r.done()) {
    DictionaryEntry e;
    const std::size_t size = r.varint();
    e.text_offset = static_cast<std::uint32_t>(text_.size());
    e.text_size = static_cast<std::uint32_t>(size);
    text_.append(r.bytes(size));
    e.df = static_cast<std::uint32_t>(r.varint());
    e.postings = r.varint();
    e.blocks = static_cast<std::uint32_t>(r.varint());
    const std::uint64_t impacts = r.varint();
    if (impacts == 0 || impacts > e.df) corrupted("term impacts");
    e.impacts_from = static_cast<std::uint32_t>(impacts_.size());
    e.impacts_count = static_cast<std::uint32_t>(impacts);
    for (std::uint64_t i = 0; i < impacts; ++i) {
      const float tf = r.raw<float>();
      impacts_.push_back(Impact{tf, r.raw<float>()});
    }
    entries_.push_back(e);
  }
  if (entries_.size() != header.terms) corrupted("dictionary size");
}

const DictionaryEntry *Dictionary::find(std::string_view term) const {
  auto it =
      std::lower_bound(entries_.begin(), entries_.end(), term,
                       [&](const DictionaryEntry &e, std::string_view t) { return text(e) < t; });
  if (it == entries_.end() || text(*it) != term) return nullptr;
  return &*it;
}

std::int64_t segment_key(const SegmentView &s, DocId local) {
  std::int64_t key;
  s.bytes->read(static_cast<std::uint64_t>(local) * 16, &key, sizeof(key));
  return key;
}

double segment_length(const SegmentView &s, DocId local) {
  double length;
  s.bytes->read(static_cast<std::uint64_t>(local) * 16 + 8, &length, sizeof(length));
  return length;
}

TermSkips read_skips(const ByteSource &bytes, const DictionaryEntry &entry) {
  TermSkips skips;
  skips.entries.resize(entry.blocks);
  const std::size_t entries_size = skips.entries.size() * sizeof(SkipEntry);
  bytes.read(entry.postings, skips.entries.data(), entries_size);
  std::uint32_t end = 0;
  for (const SkipEntry &s : skips.entries) {
    // Every block has at least one pair and at most one per posting.
    if (s.impacts_end <= end || s.impacts_end - end > kSegmentBlockSize) corrupted("block impacts");
    end = s.impacts_end;
  }
  skips.impacts.resize(end);
  bytes.read(entry.postings + entries_size, skips.impacts.data(), end * sizeof(Impact));
  return skips;
}

void BlockDecoder::load(const ByteSource &bytes, std::uint64_t postings, const SkipEntry &skip) {
  raw_.resize(skip.size);
  bytes.read(postings + skip.offset, raw_.data(), skip.size);
  Reader r(raw_.data(), raw_.size());
  const std::size_t docs_size = r.varint();
  const std::size_t values_size = r.varint();
  const std::size_t docs_start = r.offset(raw_.data());
  if (docs_size > raw_.size() - docs_start || values_size > raw_.size() - docs_start - docs_size) {
    corrupted("block size");
  }
  // The arrays are sized once and cut to the postings read: a push_back per value showed in the
  // profile of short queries. Plain pointers: through the vector the compiler reloaded its data
  // pointer per value.
  const std::size_t most = std::min<std::size_t>(docs_size, kSegmentBlockSize);
  docs.resize(most);
  DocId *doc_out = docs.data();
  Reader m(raw_.data() + docs_start, docs_size);
  DocId d = 0;
  std::size_t n = 0;
  while (!m.done()) {
    if (n == most) corrupted("block postings");
    d = n == 0 ? static_cast<DocId>(m.varint()) : d + static_cast<DocId>(m.varint());
    doc_out[n++] = d;
  }
  docs.resize(n);
  values_at_ = docs_start + docs_size;
  positions_at_ = values_at_ + values_size;
  values_ready_ = false;
  positions_ready_ = false;
}

void BlockDecoder::decode_values() {
  if (values_ready_) return;
  const std::size_t n = docs.size();
  tfs.resize(n);
  lengths.resize(n);
  float *tf_out = tfs.data();
  double *length_out = lengths.data();
  Reader m(raw_.data() + values_at_, positions_at_ - values_at_);
  for (std::size_t i = 0; i < n; ++i) {
    tf_out[i] = m.number<float>();
    length_out[i] = m.number<double>();
  }
  if (!m.done()) corrupted("block values");
  values_ready_ = true;
}

std::span<const std::uint32_t> BlockDecoder::positions(std::size_t i) {
  if (!positions_ready_) {
    Reader r(raw_.data() + positions_at_, raw_.size() - positions_at_);
    pos_from_.assign(1, 0);
    positions_.clear();
    for (std::size_t k = 0; k < docs.size(); ++k) {
      const std::size_t count = r.varint();
      std::uint32_t last = 0;
      for (std::size_t j = 0; j < count; ++j) {
        last += static_cast<std::uint32_t>(r.varint());
        positions_.push_back(last);
      }
      pos_from_.push_back(static_cast<std::uint32_t>(positions_.size()));
    }
    positions_ready_ = true;
  }
  return std::span<const std::uint32_t>(positions_)
      .subspan(pos_from_[i], pos_from_[i + 1] - pos_from_[i]);
}

}  // namespace commerce::text::bm25
