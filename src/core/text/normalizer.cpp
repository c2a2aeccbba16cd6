// ICU-backed implementations of case and accent folding.
#include "core/text/normalizer.h"

#include <algorithm>

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "core/error.h"

namespace commerce::text {
namespace {

const icu::Normalizer2 &instance(const icu::Normalizer2 *(*get)(UErrorCode &), const char *what) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2 *n = get(status);
  if (U_FAILURE(status) || n == nullptr) {
    throw Error(sqlstate::kInternalError, std::string("could not load ICU ") + what + " data",
                "Check that the ICU data library the server links is installed.",
                u_errorName(status));
  }
  return *n;
}

std::string to_utf8(const icu::UnicodeString &s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

bool is_diacritic(UChar32 c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
         (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
         (c >= 0xFE20 && c <= 0xFE2F);
}

}  // namespace

std::string fold_case(std::string_view utf8) {
  // NFKC_Casefold maps ASCII only by lower-casing A-Z; most words in most catalogs are ASCII, and
  // this path skips two UTF-16 conversions.
  if (std::all_of(utf8.begin(), utf8.end(), [](char c) { return (c & 0x80) == 0; })) {
    std::string out(utf8);
    for (char &c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
  }
  static const icu::Normalizer2 &nfkc_cf =
      instance(&icu::Normalizer2::getNFKCCasefoldInstance, "NFKC_Casefold");
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  const icu::UnicodeString out = nfkc_cf.normalize(in, status);
  if (U_FAILURE(status)) {
    throw Error(sqlstate::kInvalidParameterValue, "could not normalise text",
                "Pass valid UTF-8 text.", u_errorName(status));
  }
  return to_utf8(out);
}

std::string fold_accents(std::string_view utf8) {
  static const icu::Normalizer2 &nfd = instance(&icu::Normalizer2::getNFDInstance, "NFD");
  static const icu::Normalizer2 &nfc = instance(&icu::Normalizer2::getNFCInstance, "NFC");
  // Pure ASCII has nothing to fold; this is the common case and skips two ICU passes.
  bool ascii = true;
  for (unsigned char c : utf8) ascii = ascii && c < 0x80;
  if (ascii) return std::string(utf8);
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString decomposed =
      nfd.normalize(icu::UnicodeString::fromUTF8(
                        icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size()))),
                    status);
  icu::UnicodeString kept;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    if (!is_diacritic(c)) kept.append(c);
    i += U16_LENGTH(c);
  }
  const icu::UnicodeString out = nfc.normalize(kept, status);
  if (U_FAILURE(status)) {
    throw Error(sqlstate::kInvalidParameterValue, "could not normalise text",
                "Pass valid UTF-8 text.", u_errorName(status));
  }
  return to_utf8(out);
}

}  // namespace commerce::text
