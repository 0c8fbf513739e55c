// The storage backends every conformance suite runs on, and a fresh ledger location on each for
// one test: memory; a new SQLite file in the temporary folder; a new schema in the PostgreSQL
// database that $TIERGUARD_TEST_POSTGRES names (a libpq connection string). Without that
// variable the PostgreSQL cases are skipped, saying so; CI sets it.
#pragma once

#include <string>
#include <string_view>

#include "tierguard/status.h"

namespace tg::testing {

inline constexpr const char* kBackends[] = {"memory", "sqlite", "postgres"};

class TestLocation {
 public:
  explicit TestLocation(std::string_view backend);
  ~TestLocation();  // removes the file, or drops the schema
  TestLocation(const TestLocation&) = delete;
  TestLocation& operator=(const TestLocation&) = delete;

  // What Engine::Open and store::OpenStore take; empty when skipped or failed.
  const std::string& location() const { return location_; }
  // Why this backend is not tested here (no database given), or empty.
  const std::string& skip() const { return skip_; }
  // An error setting the location up (a database given but unreachable): the test fails.
  const Status& status() const { return status_; }
  // PostgreSQL: the schema, which is also the application_name of the location's connections.
  const std::string& schema() const { return schema_; }

 private:
  std::string backend_;
  std::string location_;
  std::string skip_;
  Status status_;
  std::string admin_conninfo_;  // PostgreSQL: the database, to drop the schema from
  std::string schema_;
};

// The connection string $TIERGUARD_TEST_POSTGRES gives, or empty.
std::string TestPostgres();

}  // namespace tg::testing
