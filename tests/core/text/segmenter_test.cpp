// ICU word segmentation: kinds, byte offsets, and dictionary segmentation of unspaced scripts.
#include "core/text/segmenter.h"

#include <gtest/gtest.h>

#include <string>

namespace commerce::text {
namespace {

std::vector<std::string> words(std::string_view text) {
  Segmenter s;
  std::vector<std::string> out;
  for (const Segment &seg : s.split(text))
    out.emplace_back(text.substr(seg.begin, seg.end - seg.begin));
  return out;
}

TEST(Segmenter, SplitsOnSpacesAndPunctuation) {
  EXPECT_EQ(words("Hello, world! 2.5 kg"),
            (std::vector<std::string>{"Hello", "world", "2.5", "kg"}));
}

TEST(Segmenter, ReportsKinds) {
  Segmenter s;
  const auto segs = s.split("abc 123 漢字");
  ASSERT_EQ(segs.size(), 3u);
  EXPECT_EQ(segs[0].kind, SegmentKind::kLetter);
  EXPECT_EQ(segs[1].kind, SegmentKind::kNumber);
  // ICU's CJ dictionary reports the words it segments, kana included, as ideographic.
  EXPECT_EQ(segs[2].kind, SegmentKind::kIdeographic);
}

TEST(Segmenter, SplitsThaiLaoKhmerAndBurmeseWithDictionaries) {
  EXPECT_GE(words("หูฟังไร้สาย").size(), 3u);           // Thai: headphones wireless
  EXPECT_GE(words("ສະບາຍດີປະເທດລາວ").size(), 2u);     // Lao
  EXPECT_GE(words("ប្រទេសកម្ពុជា").size(), 2u);         // Khmer
  EXPECT_GE(words("ကျွန်တော်နေကောင်းပါတယ်").size(), 3u);  // Burmese
}

TEST(Segmenter, ReusesItsIteratorAcrossCalls) {
  Segmenter s;
  EXPECT_EQ(s.split("one two").size(), 2u);
  EXPECT_EQ(s.split("").size(), 0u);
  EXPECT_EQ(s.split("three").size(), 1u);
}

}  // namespace
}  // namespace commerce::text
