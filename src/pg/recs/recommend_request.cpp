// Argument and context checking for commerce.recommend. Context values are read as ->> text and
// converted by the target type's input function, which is what the SQL version's
// (context->>'key')::type casts did, so errors keep their SQLSTATE and message.
#include "pg/recs/recommend_request.h"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_collation.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
}

namespace commerce::pg::recs {
namespace {

const char *const kKnownKeys[] = {"device",
                                  "entry_point",
                                  "at",
                                  "category",
                                  "exclude_purchased",
                                  "exclude_seen",
                                  "diversity",
                                  "candidates",
                                  "out_of_stock_factor",
                                  "collaborative_weight",
                                  "transition_weight",
                                  "popularity_weight",
                                  "segment_weight",
                                  "session_weight",
                                  "history_decay",
                                  "transition_depth",
                                  "transition_decay",
                                  "history_length",
                                  "model_id"};

// context->>key: NULL when absent or JSON null, else the value as text.
text *field_text(Jsonb *context, const char *key) {
  LOCAL_FCINFO(call, 2);
  InitFunctionCallInfoData(*call, nullptr, 2, InvalidOid, nullptr, nullptr);
  call->args[0].value = JsonbPGetDatum(context);
  call->args[0].isnull = false;
  call->args[1].value = CStringGetTextDatum(key);
  call->args[1].isnull = false;
  const Datum result = jsonb_object_field_text(call);
  return call->isnull ? nullptr : DatumGetTextPP(result);
}

char *field_cstring(Jsonb *context, const char *key) {
  text *value = field_text(context, key);
  return value == nullptr ? nullptr : text_to_cstring(value);
}

float4 field_real(Jsonb *context, const char *key, float4 fallback) {
  char *s = field_cstring(context, key);
  return s == nullptr ? fallback
                      : DatumGetFloat4(DirectFunctionCall1(float4in, CStringGetDatum(s)));
}

float8 field_double(Jsonb *context, const char *key, float8 fallback) {
  char *s = field_cstring(context, key);
  return s == nullptr ? fallback
                      : DatumGetFloat8(DirectFunctionCall1(float8in, CStringGetDatum(s)));
}

int32 field_integer(Jsonb *context, const char *key, int32 fallback) {
  char *s = field_cstring(context, key);
  return s == nullptr ? fallback : DatumGetInt32(DirectFunctionCall1(int4in, CStringGetDatum(s)));
}

bool field_boolean(Jsonb *context, const char *key, bool fallback) {
  char *s = field_cstring(context, key);
  return s == nullptr ? fallback : DatumGetBool(DirectFunctionCall1(boolin, CStringGetDatum(s)));
}

bool known_key(const char *key, int length) {
  for (const char *known : kKnownKeys) {
    if (static_cast<int>(strlen(known)) == length && strncmp(known, key, length) == 0) return true;
  }
  return false;
}

// Every unknown top-level key, in the context's key order, as "a, b"; NULL when none.
char *unknown_keys(Jsonb *context) {
  StringInfoData unknown;
  initStringInfo(&unknown);
  JsonbIterator *it = JsonbIteratorInit(&context->root);
  JsonbValue v;
  JsonbIteratorToken token;
  while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE) {
    if (token != WJB_KEY || known_key(v.val.string.val, v.val.string.len)) continue;
    if (unknown.len > 0) appendStringInfoString(&unknown, ", ");
    appendBinaryStringInfo(&unknown, v.val.string.val, v.val.string.len);
  }
  return unknown.len > 0 ? unknown.data : nullptr;
}

// lower(value) under the database's default collation, '' for NULL.
const char *lower_or_empty(text *value) {
  if (value == nullptr) return "";
  return TextDatumGetCString(
      DirectFunctionCall1Coll(lower, DEFAULT_COLLATION_OID, PointerGetDatum(value)));
}

// commerce.context_segment(entry_point, device, at): entry_point|device|daypart, the daypart
// from the hour of `at` in the session's time zone.
char *context_segment(text *entry_point, text *device, TimestampTz at) {
  static const char *const kDayparts[] = {"night", "morning", "afternoon", "evening"};
  struct pg_tm tm;
  fsec_t fsec;
  int tz;
  if (TIMESTAMP_NOT_FINITE(at) || timestamp2tm(at, &tz, &tm, &fsec, nullptr, nullptr) != 0) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("context value at must be a finite time"),
                    errhint("Pass a timestamp such as \"2026-01-02 10:00\", or leave at out.")));
  }
  return psprintf("%s|%s|%s", lower_or_empty(entry_point), lower_or_empty(device),
                  kDayparts[tm.tm_hour / 6]);
}

}  // namespace

void read_request_arguments(FunctionCallInfo fcinfo, RecommendRequest *request) {
  memset(request, 0, sizeof(*request));
  request->has_user = !PG_ARGISNULL(0);
  request->user_id = request->has_user ? PG_GETARG_INT64(0) : 0;
  request->has_session = !PG_ARGISNULL(3);
  request->session_id = request->has_session ? PG_GETARG_TEXT_PP(3) : nullptr;
  request->model = PG_ARGISNULL(4) ? nullptr : PG_GETARG_TEXT_PP(4);
  if (PG_ARGISNULL(1) || PG_GETARG_INT32(1) < 1 || PG_GETARG_INT32(1) > 1000) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("k must be between 1 and 1000, got %s",
                           PG_ARGISNULL(1) ? "NULL" : psprintf("%d", PG_GETARG_INT32(1))),
                    errhint("Ask for the number of items the page shows.")));
  }
  request->k = PG_GETARG_INT32(1);
  Jsonb *context = PG_ARGISNULL(2) ? nullptr : PG_GETARG_JSONB_P(2);
  if (context == nullptr || !JB_ROOT_IS_OBJECT(context)) {
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("context must be a json object"),
             errhint("Pass e.g. '{\"device\": \"mobile\", \"entry_point\": \"home\"}'.")));
  }
  request->context = context;
  if (const char *unknown = unknown_keys(context)) {
    StringInfoData known;
    initStringInfo(&known);
    for (const char *key : kKnownKeys) {
      appendStringInfo(&known, "%s%s", known.len > 0 ? ", " : "", key);
    }
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("unknown context key %s", unknown),
             errhint("Known keys: %s.", known.data)));
  }
  char *model_id = field_cstring(context, "model_id");
  request->has_model_id = model_id != nullptr;
  if (model_id != nullptr) {
    request->model_id = DatumGetInt64(DirectFunctionCall1(int8in, CStringGetDatum(model_id)));
  }
}

void read_request_context(RecommendRequest *r) {
  Jsonb *context = r->context;
  char *at = field_cstring(context, "at");
  r->at = at == nullptr ? GetCurrentTransactionStartTimestamp()
                        : DatumGetTimestampTz(
                              DirectFunctionCall3(timestamptz_in, CStringGetDatum(at),
                                                  ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
  r->segment =
      context_segment(field_text(context, "entry_point"), field_text(context, "device"), r->at);
  r->collaborative_weight = field_real(context, "collaborative_weight", 1.0f);
  r->transition_weight = field_real(context, "transition_weight", 0.25f);
  r->popularity_weight = field_real(context, "popularity_weight", 0.01f);
  r->segment_weight = field_real(context, "segment_weight", 0.05f);
  r->session_weight = field_real(context, "session_weight", 0.2f);
  r->history_decay = field_double(context, "history_decay", 0.8);
  r->transition_decay = field_double(context, "transition_decay", 0.5);
  r->transition_depth = field_integer(context, "transition_depth", 3);
  r->history_length = field_integer(context, "history_length", 50);
  r->candidates = Max(field_integer(context, "candidates", 500), r->k);
  r->out_of_stock_factor = field_real(context, "out_of_stock_factor", 0.1f);
  r->diversity = field_real(context, "diversity", 1.0f);
  r->exclude_purchased = field_boolean(context, "exclude_purchased", true);
  r->exclude_seen = field_boolean(context, "exclude_seen", true);
  r->category_filter = field_cstring(context, "category");
  // NaN compares above every number in SQL, so it is out of range here too.
  if (r->diversity < 0 || !(r->diversity <= 1) || r->out_of_stock_factor < 0 ||
      !(r->out_of_stock_factor <= 1) || r->history_length < 1 || r->transition_depth < 0) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("context value out of range"),
                    errhint("diversity and out_of_stock_factor lie in [0, 1], history_length >= 1, "
                            "transition_depth >= 0.")));
  }
  if (r->category_filter != nullptr && r->candidates > PG_INT32_MAX / 20) {
    ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE), errmsg("integer out of range"),
                    errhint("Ask for fewer candidates with a category filter.")));
  }
  r->stage_one_limit = r->category_filter == nullptr ? r->candidates : r->candidates * 20;
}

}  // namespace commerce::pg::recs
