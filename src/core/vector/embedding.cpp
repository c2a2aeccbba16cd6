#include "core/vector/embedding.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/vector/distance.h"

namespace commerce::vector {
namespace {

constexpr const char *kTextHint = "An embedding is written like '[1,2,3]': numbers in brackets.";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view skip_space(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kShown = 60;
  std::string out = "\"";
  out.append(text.substr(0, kShown));
  if (text.size() > kShown) out.append("...");
  out.append("\"");
  return out;
}

[[noreturn]] void malformed(std::string_view text, const std::string &why) {
  throw Error(sqlstate::kInvalidTextRepresentation,
              "invalid input syntax for type embedding: " + quoted(text), kTextHint, why);
}

// The shortest decimal text that reads back as `value` (std::to_string would print 300 digits).
std::string shortest_text(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

const char *non_finite_name(float v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "Infinity" : "-Infinity";
}

[[noreturn]] void throw_non_finite(float v, std::size_t position) {
  throw Error(sqlstate::kNumericValueOutOfRange,
              std::string(non_finite_name(v)) + " is not allowed in an embedding",
              "Every element must be a finite float4; replace or drop the vector.",
              "element " + std::to_string(position + 1));
}

// Parses one number: the float4 nearest to the decimal text, as float4in would read it.
// Parsing to double first lets us tell overflow (an error) from underflow (rounds to zero).
float parse_element(std::string_view whole, std::string_view token, std::size_t position) {
  std::string_view digits = token;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (digits.empty()) malformed(whole, "element " + std::to_string(position + 1) + " is empty");
  double value = 0.0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (end != digits.data() + digits.size() || ec == std::errc::invalid_argument) {
    malformed(whole,
              "element " + std::to_string(position + 1) + " is not a number: " + quoted(token));
  }
  if (ec == std::errc::result_out_of_range) {
    const auto exponent = digits.find_first_of("eE");
    const bool tiny = exponent != std::string_view::npos && exponent + 1 < digits.size() &&
                      digits[exponent + 1] == '-';
    if (tiny) return 0.0f;
    throw Error(sqlstate::kNumericValueOutOfRange,
                quoted(token) + " is out of range for type embedding",
                "Elements are float4: their magnitude must stay below 3.4e38.",
                "element " + std::to_string(position + 1));
  }
  return narrow_to_float4(value, position);
}

template <typename Op>
void elementwise(std::span<const float> a, std::span<const float> b, std::span<float> out, Op op) {
  check_same_dimensions(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = op(a[i], b[i]);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!std::isfinite(out[i])) {
      throw Error(sqlstate::kNumericValueOutOfRange, "value out of range: overflow",
                  "The result of an element-wise operation must fit in float4.",
                  "element " + std::to_string(i + 1));
    }
  }
}

}  // namespace

void check_dimension_count(std::size_t dims) {
  if (dims == 0) {
    throw Error(sqlstate::kInvalidParameterValue, "embedding must have at least 1 dimension",
                "Write at least one number, e.g. '[0]'.");
  }
  if (dims > kMaxDimensions) {
    throw Error(sqlstate::kProgramLimitExceeded,
                "embedding cannot have more than " + std::to_string(kMaxDimensions) + " dimensions",
                "Reduce the dimensionality of the model output.",
                "got " + std::to_string(dims) + " dimensions");
  }
}

float narrow_to_float4(double value, std::size_t position) {
  // Doubles at or above FLT_MAX plus half an ulp round to infinity; anything below rounds to a
  // finite float4 (so the shortest text of FLT_MAX, 3.4028235e+38, is accepted).
  constexpr double kFirstOverflow = 0x1.ffffffp127;
  if (std::isnan(value) || std::isinf(value)) throw_non_finite(static_cast<float>(value), position);
  if (std::fabs(value) >= kFirstOverflow) {
    throw Error(sqlstate::kNumericValueOutOfRange,
                "value " + shortest_text(value) + " is out of range for type embedding",
                "Elements are float4: their magnitude must stay below 3.4e38.",
                "element " + std::to_string(position + 1));
  }
  return static_cast<float>(value);
}

void check_finite(std::span<const float> values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) throw_non_finite(values[i], i);
  }
}

void check_same_dimensions(std::size_t a, std::size_t b) {
  if (a != b) {
    throw Error(sqlstate::kStringDataLengthMismatch,
                "different embedding dimensions " + std::to_string(a) + " and " + std::to_string(b),
                "Both operands must come from the same model (same number of dimensions).");
  }
}

std::vector<float> parse_embedding_text(std::string_view text) {
  std::string_view rest = skip_space(text);
  if (rest.empty() || rest.front() != '[') malformed(text, "expected \"[\" at the start");
  rest.remove_prefix(1);
  const auto close = rest.find(']');
  if (close == std::string_view::npos) malformed(text, "expected \"]\" at the end");
  if (!skip_space(rest.substr(close + 1)).empty()) {
    malformed(text, "unexpected text after \"]\"");
  }
  std::string_view body = rest.substr(0, close);

  std::vector<float> values;
  if (skip_space(body).empty()) check_dimension_count(0);
  while (true) {
    const auto comma = body.find(',');
    std::string_view token = body.substr(0, comma);
    while (!token.empty() && is_space(token.front())) token.remove_prefix(1);
    while (!token.empty() && is_space(token.back())) token.remove_suffix(1);
    if (values.size() == kMaxDimensions) check_dimension_count(kMaxDimensions + 1);
    values.push_back(parse_element(text, token, values.size()));
    if (comma == std::string_view::npos) break;
    body.remove_prefix(comma + 1);
  }
  return values;
}

std::string format_embedding_text(std::span<const float> values) {
  std::string out;
  out.reserve(values.size() * 8 + 2);
  out.push_back('[');
  char buffer[32];
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, values[i]);
    out.append(buffer, result.ptr);
  }
  out.push_back(']');
  return out;
}

void add(std::span<const float> a, std::span<const float> b, std::span<float> out) {
  elementwise(a, b, out, [](float x, float y) { return x + y; });
}

void subtract(std::span<const float> a, std::span<const float> b, std::span<float> out) {
  elementwise(a, b, out, [](float x, float y) { return x - y; });
}

void multiply(std::span<const float> a, std::span<const float> b, std::span<float> out) {
  elementwise(a, b, out, [](float x, float y) { return x * y; });
}

void l2_normalize(std::span<const float> a, std::span<float> out) {
  const double length = norm(a.data(), a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    out[i] = length > 0.0 ? static_cast<float>(a[i] / length) : 0.0f;
  }
}

}  // namespace commerce::vector
