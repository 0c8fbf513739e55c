// Group commit for one-line shipments: concurrent POST /v1/shipments calls of one document each
// are recorded together, in one transaction and one fsync, and each call is answered once its
// group is on disk. No window is waited for: a group is whatever queued while the one before it
// committed, so a lone call commits at once and 64 concurrent ones share a commit.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "tierguard/engine.h"

namespace tg::server {

class GroupCommitter {
 public:
  using Done = std::function<void(Result<std::string>)>;
  // At most `max_group` calls a commit.
  GroupCommitter(const Engine& engine, size_t max_group);
  // Commits what is queued, then stops.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues one call; `done` is called, on the committer's thread, with its answer (a decision
  // with "recorded", or an error object for a document refused) or with the store's error.
  void Submit(std::string document, std::string actor, std::string request_id, Done done);

 private:
  struct Pending {
    std::string document;
    std::string actor;
    std::string request_id;
    Done done;
  };
  void Run();

  const Engine& engine_;
  const size_t max_group_;
  SystemClock clock_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  std::thread thread_;
};

}  // namespace tg::server
