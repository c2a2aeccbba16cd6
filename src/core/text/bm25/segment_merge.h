// Merging segments into one, dropping documents: how the commerce_bm25 index turns its pending
// list into a segment, compacts small segments, and removes deleted rows in VACUUM so that the
// corpus statistics stay exact. Streams term by term: memory is the largest term's postings plus
// the new segment's document table, not the segments' size.
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>
#include <functional>
#include <vector>

#include "core/cancel.h"
#include "core/text/bm25/segment.h"

namespace commerce::text::bm25 {

struct MergeResult {
  SegmentHeader header;
  std::uint64_t removed = 0;  // documents dropped
};

// Writes the documents of `inputs` (in order) for which dead(key) is false as one segment.
MergeResult merge_segments(const std::vector<SegmentView> &inputs,
                           const std::function<bool(std::int64_t key)> &dead, ByteSink &sink,
                           CancelCheck &cancel);

// The keys of a segment's documents, in document order (VACUUM's dead-row check).
std::vector<std::int64_t> segment_keys(const SegmentView &segment);

}  // namespace commerce::text::bm25
