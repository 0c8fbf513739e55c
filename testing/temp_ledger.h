// A SQLite ledger file of a test's own in the temporary folder: removed, with its write-ahead log
// and its screening cache, before the test and after it.
#pragma once

#include <filesystem>
#include <string>
#include <unistd.h>

namespace tg::testing {

class TempLedger {
 public:
  explicit TempLedger(const std::string& name)
      : path_((std::filesystem::temp_directory_path() /
               ("tg_" + name + "_" + std::to_string(getpid()) + ".db"))
                  .string()) {
    Remove();
  }
  ~TempLedger() { Remove(); }
  TempLedger(const TempLedger&) = delete;
  TempLedger& operator=(const TempLedger&) = delete;
  const std::string& Path() const { return path_; }

 private:
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_ + suffix);
    }
    std::filesystem::remove_all(path_ + ".screening");
  }
  std::string path_;
};

}  // namespace tg::testing
