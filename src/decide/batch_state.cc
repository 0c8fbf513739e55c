#include "tierguard/batch_state.h"

#include "src/common/checked.h"
#include "src/ledger/ledger.h"

namespace tg {

Result<int64_t> BatchState::Used(const std::string& key) const {
  int64_t recorded = 0;
  if (view_ != nullptr) {
    TG_ASSIGN_OR_RETURN(recorded, view_->Counter(key));
  }
  auto it = used_.find(key);
  return CheckedAdd(recorded, it == used_.end() ? 0 : it->second, key);
}

Status BatchState::Add(const std::string& key, int64_t amount) {
  int64_t& used = used_[key];
  TG_ASSIGN_OR_RETURN(used, CheckedAdd(used, amount, key));
  return Status::Ok();
}

}  // namespace tg
