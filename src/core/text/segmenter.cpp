// ICU break iterator over UTF-8 text (UText), so boundaries are byte offsets with no UTF-16 copy.
#include "core/text/segmenter.h"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include "core/error.h"

namespace commerce::text {

Segmenter::Segmenter() {
  UErrorCode status = U_ZERO_ERROR;
  // The root locale: its rules plus every dictionary ICU ships, so one iterator handles a title
  // that mixes Latin, Thai and Japanese.
  words_.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !words_) {
    throw Error(sqlstate::kInternalError, "could not create the ICU word break iterator",
                "Check that the ICU data library the server links is installed.",
                u_errorName(status));
  }
}

Segmenter::~Segmenter() = default;

std::vector<Segment> Segmenter::split(std::string_view utf8) {
  std::vector<Segment> out;
  if (utf8.empty()) return out;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UText, UText *(*)(UText *)> text(
      utext_openUTF8(nullptr, utf8.data(), static_cast<int64_t>(utf8.size()), &status),
      &utext_close);
  if (U_FAILURE(status)) {
    throw Error(sqlstate::kInvalidParameterValue, "could not segment text",
                "Pass valid UTF-8 text.", u_errorName(status));
  }
  words_->setText(text.get(), status);
  int32_t begin = words_->first();
  for (int32_t end = words_->next(); end != icu::BreakIterator::DONE;
       begin = end, end = words_->next()) {
    const int32_t rule = words_->getRuleStatus();
    SegmentKind kind;
    if (rule >= UBRK_WORD_IDEO && rule < UBRK_WORD_IDEO_LIMIT) {
      kind = SegmentKind::kIdeographic;
    } else if (rule >= UBRK_WORD_KANA && rule < UBRK_WORD_KANA_LIMIT) {
      kind = SegmentKind::kKana;
    } else if (rule >= UBRK_WORD_LETTER && rule < UBRK_WORD_LETTER_LIMIT) {
      kind = SegmentKind::kLetter;
    } else if (rule >= UBRK_WORD_NUMBER && rule < UBRK_WORD_NUMBER_LIMIT) {
      kind = SegmentKind::kNumber;
    } else {
      continue;  // spaces, punctuation, symbols, emoji
    }
    out.push_back({static_cast<std::size_t>(begin), static_cast<std::size_t>(end), kind});
  }
  // Detach the iterator from the text before the UText is closed.
  words_->setText(icu::UnicodeString());
  return out;
}

}  // namespace commerce::text
