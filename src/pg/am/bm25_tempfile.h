// A PostgreSQL temporary file (BufFile: in temp_tablespaces, counted against temp_file_limit,
// removed at transaction end even after an ERROR) seen as the core's ByteSink and ByteSource, so
// that a build can keep the segments it writes whenever memory runs out outside the index, and
// merge them into the index's one segment at the end. Used inside guarded regions.
#pragma once

#include <cstdint>

#include "core/text/bm25/segment.h"
#include "pg/pg_headers.h"

extern "C" {
#include "storage/buffile.h"
}

namespace commerce::pg::bm25 {

class TempFile final : public commerce::text::bm25::ByteSink,
                       public commerce::text::bm25::ByteSource {
 public:
  // The file's bookkeeping lives in `context`, which must outlive it.
  explicit TempFile(MemoryContext context);
  // Appends at the end.
  void write(const void *data, std::size_t size) override;
  void read(std::uint64_t offset, void *dst, std::size_t size) const override;
  std::uint64_t size() const { return size_; }
  // Closes the file (after an ERROR, the transaction's cleanup closes it instead).
  void close();

 private:
  void seek(std::uint64_t offset) const;
  BufFile *file_ = nullptr;
  std::uint64_t size_ = 0;
  mutable std::uint64_t position_ = 0;
};

// A segment stored from `base` on in a TempFile.
class TempFileSegment final : public commerce::text::bm25::ByteSink,
                              public commerce::text::bm25::ByteSource {
 public:
  explicit TempFileSegment(TempFile &file) : file_(file), base_(file.size()) {}
  void write(const void *data, std::size_t size) override { file_.write(data, size); }
  void read(std::uint64_t offset, void *dst, std::size_t size) const override {
    file_.read(base_ + offset, dst, size);
  }

 private:
  TempFile &file_;
  std::uint64_t base_;
};

}  // namespace commerce::pg::bm25
