#include "testing/backends.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <libpq-fe.h>
#include <unistd.h>

namespace tg::testing {

namespace {

std::atomic<int> next_location{0};

// A libpq connection-string value, quoted.
std::string Quoted(std::string_view value) {
  std::string out = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

// `conninfo` (either form) as key=value pairs, its options with `extra_options` appended.
Result<std::string> WithOptions(const std::string& conninfo, const std::string& extra_options) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &error);
  if (parsed == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    return InvalidArgument("TIERGUARD_TEST_POSTGRES: " + message);
  }
  std::string out;
  std::string options = extra_options;
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) {
      continue;
    }
    if (std::string_view(o->keyword) == "options") {
      options = std::string(o->val) + " " + extra_options;
      continue;
    }
    out += std::string(o->keyword) + "=" + Quoted(o->val) + " ";
  }
  PQconninfoFree(parsed);
  return out + "options=" + Quoted(options);
}

Status Exec(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  Status s;
  if (PQstatus(conn) != CONNECTION_OK) {
    s = Unavailable(std::string("TIERGUARD_TEST_POSTGRES: ") + PQerrorMessage(conn));
  } else {
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);  // DROP's cascade notes
    PGresult* r = PQexec(conn, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      s = Internal(sql + ": " + PQresultErrorMessage(r));
    }
    PQclear(r);
  }
  PQfinish(conn);
  return s;
}

}  // namespace

std::string TestPostgres() {
  const char* dsn = std::getenv("TIERGUARD_TEST_POSTGRES");
  return dsn != nullptr ? dsn : "";
}

TestLocation::TestLocation(std::string_view backend) : backend_(backend) {
  const std::string unique =
      std::to_string(getpid()) + "_" + std::to_string(next_location.fetch_add(1));
  if (backend == "memory") {
    location_ = "memory";
  } else if (backend == "sqlite") {
    location_ = (std::filesystem::temp_directory_path() / ("tg_test_" + unique + ".db")).string();
  } else if (backend == "postgres") {
    admin_conninfo_ = TestPostgres();
    if (admin_conninfo_.empty()) {
      skip_ = "PostgreSQL is not tested: set TIERGUARD_TEST_POSTGRES to a connection string";
      return;
    }
    schema_ = "tg_test_" + unique;
    status_ = Exec(admin_conninfo_, "CREATE SCHEMA " + schema_);
    // Named after the schema, so that a test can find this location's connections.
    auto conninfo =
        WithOptions(admin_conninfo_ + " application_name=" + schema_, "-csearch_path=" + schema_);
    if (status_.ok() && !conninfo) {
      status_ = conninfo.error();
    }
    if (status_.ok()) {
      location_ = "pg:" + *conninfo;
    }
  } else {
    status_ = InvalidArgument("no backend " + std::string(backend));
  }
}

TestLocation::~TestLocation() {
  if (backend_ == "sqlite") {
    for (const char* suffix : {"", "-wal", "-shm", "-damage"}) {
      std::error_code ec;
      std::filesystem::remove(location_ + suffix, ec);
    }
    std::error_code ec;
    std::filesystem::remove_all(location_ + ".screening", ec);
  } else if (!schema_.empty() && status_.ok()) {
    Exec(admin_conninfo_, "DROP SCHEMA " + schema_ + " CASCADE").ok();  // best effort
  }
}

}  // namespace tg::testing
