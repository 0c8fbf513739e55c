#include "group_commit.h"

#include <vector>

namespace tg::server {

GroupCommitter::GroupCommitter(const Engine& engine, size_t max_group)
    : engine_(engine), max_group_(max_group), thread_([this] { Run(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  ready_.notify_one();
  thread_.join();
}

void GroupCommitter::Submit(std::string document, std::string actor, std::string request_id,
                            Done done) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(
        {std::move(document), std::move(actor), std::move(request_id), std::move(done)});
  }
  ready_.notify_one();
}

void GroupCommitter::Run() {
  std::vector<Pending> group;
  std::vector<ShipCall> calls;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping, and nothing left to commit
      }
      while (!queue_.empty() && group.size() < max_group_) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    calls.clear();
    for (const Pending& p : group) {
      calls.push_back({.document = p.document, .actor = p.actor, .request_id = p.request_id});
    }
    auto answers = ShipGroup(engine_, clock_, calls, {});
    for (size_t i = 0; i < group.size(); ++i) {
      group[i].done(answers ? Result<std::string>(std::move((*answers)[i]))
                            : Result<std::string>(answers.error()));
    }
    group.clear();
  }
}

}  // namespace tg::server
