// Word segmentation with ICU's word break iterator. ICU's rules split on spaces and punctuation,
// and its dictionaries split the scripts that write no spaces between words: Thai, Lao, Khmer,
// Burmese, Chinese and Japanese. Segments keep byte offsets into the original UTF-8 text, which is
// what highlighting needs.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include <unicode/brkiter.h>

namespace commerce::text {

// ICU's word rule status, reduced to what the analyzer needs. Spaces, punctuation and symbols
// (ICU's "none" status) are not segments.
enum class SegmentKind { kNumber, kLetter, kKana, kIdeographic };

struct Segment {
  std::size_t begin;  // byte offsets into the text
  std::size_t end;
  SegmentKind kind;
};

class Segmenter {
 public:
  Segmenter();
  ~Segmenter();
  Segmenter(const Segmenter &) = delete;
  Segmenter &operator=(const Segmenter &) = delete;

  // The words of `utf8`, in order. Not reentrant: the iterator is reused between calls.
  std::vector<Segment> split(std::string_view utf8);

 private:
  std::unique_ptr<icu::BreakIterator> words_;
};

}  // namespace commerce::text
