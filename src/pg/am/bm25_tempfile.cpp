// BufFile access for the commerce_bm25 build's intermediate segments.
#include "pg/am/bm25_tempfile.h"

#include <algorithm>
#include <cstdio>

#include "core/error.h"
#include "pg/guard.h"

namespace commerce::pg::bm25 {

TempFile::TempFile(MemoryContext context) {
  file_ = call_pg([&] {
    MemoryContext old = MemoryContextSwitchTo(context);
    BufFile *file = BufFileCreateTemp(false);
    MemoryContextSwitchTo(old);
    return file;
  });
}

void TempFile::seek(std::uint64_t offset) const {
  if (position_ == offset) return;
  // BufFileSeek takes a segment-file number; BufFileSeekBlock only a block: seek to the block,
  // then read up to the byte.
  const long block = static_cast<long>(offset / BLCKSZ);
  if (call_pg([&] { return BufFileSeekBlock(file_, block); }) != 0) {
    throw Error(sqlstate::kInternalError, "could not seek in a commerce_bm25 build file");
  }
  char skip[BLCKSZ];
  const std::size_t within = static_cast<std::size_t>(offset % BLCKSZ);
  if (within > 0 && call_pg([&] { return BufFileRead(file_, skip, within); }) != within) {
    throw Error(sqlstate::kInternalError, "could not read a commerce_bm25 build file");
  }
  position_ = offset;
}

void TempFile::write(const void *data, std::size_t size) {
  seek(size_);
  call_pg([&] { BufFileWrite(file_, const_cast<void *>(data), size); });
  size_ += size;
  position_ = size_;
}

void TempFile::read(std::uint64_t offset, void *dst, std::size_t size) const {
  if (offset + size > size_) {
    throw Error(sqlstate::kIndexCorrupted, "commerce_bm25 build file read past its end",
                "Retry CREATE INDEX.");
  }
  seek(offset);
  if (call_pg([&] { return BufFileRead(file_, dst, size); }) != size) {
    throw Error(sqlstate::kInternalError, "could not read a commerce_bm25 build file");
  }
  position_ = offset + size;
}

void TempFile::close() {
  if (file_ == nullptr) return;
  BufFile *file = file_;
  file_ = nullptr;
  call_pg([&] { BufFileClose(file); });
}

}  // namespace commerce::pg::bm25
