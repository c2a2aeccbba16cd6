// The arguments and context of one commerce.recommend call, checked and converted in plain C
// (every conversion is PostgreSQL's own input function, so a malformed value fails exactly as a
// SQL cast would). Trivially destructible: it is alive while PostgreSQL may raise errors.
#pragma once

#include "pg/pg_headers.h"

extern "C" {
#include "utils/jsonb.h"
#include "utils/timestamp.h"
}

namespace commerce::pg::recs {

struct RecommendRequest {
  // Arguments.
  bool has_user, has_session;
  int64 user_id;
  text *session_id;
  int32 k;
  Jsonb *context;
  text *model;  // NULL when the argument is NULL
  // Context (docs/recommendations.md lists the keys and defaults).
  bool has_model_id;
  int64 model_id;
  TimestampTz at;
  char *segment;  // entry_point|device|daypart
  float4 collaborative_weight, transition_weight, popularity_weight, segment_weight, session_weight;
  float8 history_decay, transition_decay;
  int32 transition_depth, history_length, candidates;
  float4 out_of_stock_factor, diversity;
  bool exclude_purchased, exclude_seen;
  char *category_filter;  // NULL: no filter
  int32 stage_one_limit;  // candidates, or 20 x candidates with a category filter
};

// Reads the arguments and checks k, the context's shape and keys, and reads model_id (what
// choosing the model needs). Raises 22023 / 22P02 like the SQL function did.
void read_request_arguments(FunctionCallInfo fcinfo, RecommendRequest *request);

// Reads the rest of the context (after the model is known, which keeps the order of errors).
void read_request_context(RecommendRequest *request);

}  // namespace commerce::pg::recs
