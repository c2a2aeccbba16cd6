// Rules every embedding value obeys, whatever produced it (text, binary, an array cast or
// arithmetic): 1..kMaxDimensions float32 elements, all finite. The PostgreSQL layer calls these
// checks; the errors they throw carry the SQLSTATEs documented in docs/embedding.md.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace commerce::vector {

inline constexpr std::size_t kMaxDimensions = 16000;

// Throws 22023 for 0 dimensions and 54000 above kMaxDimensions.
void check_dimension_count(std::size_t dims);

// Throws 22003 naming the first non-finite element (NaN, +Infinity or -Infinity).
void check_finite(std::span<const float> values);

// Rounds a double to the nearest float4 as float4 input does. Throws 22003 for NaN, infinities
// and magnitudes that round beyond the largest float4; `position` (0-based) names the element.
float narrow_to_float4(double value, std::size_t position);

// Throws 22026 when two operands differ in length.
void check_same_dimensions(std::size_t a, std::size_t b);

// Parses the text form "[1, 2.5, -3e-2]" (the same as pgvector's). Whitespace is allowed around
// brackets and numbers. Throws 22P02 for malformed text, 22003 for values outside float4 or not
// finite, and the dimension-count errors above.
std::vector<float> parse_embedding_text(std::string_view text);

// Formats as "[1,2.5,-0.03]" with the shortest text that reads back to the same float.
std::string format_embedding_text(std::span<const float> values);

// Element-wise arithmetic into `out` (which may alias an input). Throws 22003 when a result
// overflows float4.
void add(std::span<const float> a, std::span<const float> b, std::span<float> out);
void subtract(std::span<const float> a, std::span<const float> b, std::span<float> out);
void multiply(std::span<const float> a, std::span<const float> b, std::span<float> out);

// Scales to unit Euclidean length; the zero vector stays zero.
void l2_normalize(std::span<const float> a, std::span<float> out);

}  // namespace commerce::vector
