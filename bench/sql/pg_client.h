// The libpq session the SQL benchmarks share: connect, run a statement, read one value. Any
// failure prints the server's message and exits, because a benchmark that carries on after an
// error would time nothing real.
#pragma once

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace commerce::bench {

class PgClient {
 public:
  explicit PgClient(const std::string &conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::fprintf(stderr, "connection failed: %s", PQerrorMessage(conn_));
      std::exit(2);
    }
  }
  ~PgClient() { PQfinish(conn_); }
  PgClient(const PgClient &) = delete;
  PgClient &operator=(const PgClient &) = delete;

  PGconn *get() const { return conn_; }

  // Returns `result` if it succeeded (including the start of a COPY FROM STDIN); exits otherwise.
  PGresult *check(PGresult *result, const std::string &what) const {
    const auto status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_COPY_IN) {
      std::fprintf(stderr, "%s failed: %s", what.c_str(), PQerrorMessage(conn_));
      std::exit(2);
    }
    return result;
  }

  void exec(const std::string &sql) const { PQclear(check(PQexec(conn_, sql.c_str()), sql)); }

  void prepare(const char *name, const char *sql, int params) const {
    PQclear(check(PQprepare(conn_, name, sql, params, nullptr), std::string("prepare ") + name));
  }

  // The first column of the first row, or "" when there is no row.
  std::string scalar(const std::string &sql) const {
    PGresult *result = check(PQexec(conn_, sql.c_str()), sql);
    std::string value = PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "";
    PQclear(result);
    return value;
  }

 private:
  PGconn *conn_;
};

// The text form of an embedding with 6 significant digits per element; benchmarks round their
// data the same way so that the server holds exactly the floats they compare against.
inline std::string embedding_text(const float *values, std::size_t dims) {
  std::string text = "[";
  char buffer[32];
  for (std::size_t i = 0; i < dims; ++i) {
    std::snprintf(buffer, sizeof buffer, i ? ",%.6g" : "%.6g", static_cast<double>(values[i]));
    text += buffer;
  }
  return text + "]";
}

}  // namespace commerce::bench
