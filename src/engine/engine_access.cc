// The Engine's API keys: authentication for the server, and the keys' commands.
#include "src/access/keys.h"
#include "src/engine/engine_impl.h"

namespace tg {

namespace {

// Runs `fn(txn)` in a read transaction of the engine's ledger.
template <typename Fn>
auto ReadKeys(const Engine::Impl& impl, Fn fn)
    -> decltype(fn(std::declval<store::Transaction&>())) {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl.Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  return fn(*txn);
}

}  // namespace

Result<ApiKey> Engine::Authenticate(std::string_view presented) const {
  return ReadKeys(*impl_,
                  [&](store::Transaction& txn) { return access::Authenticate(txn, presented); });
}

Result<ApiKey> Engine::FindKey(std::string_view name) const {
  return ReadKeys(*impl_, [&](store::Transaction& txn) { return access::GetKey(txn, name); });
}

Result<bool> Engine::LedgerHasKeys() const {
  return ReadKeys(*impl_, [](store::Transaction& txn) { return access::HasKeys(txn); });
}

Result<std::string> Session::AddKey(std::string_view name, Role role) const {
  return InTransaction(*this, [&](ledger::Ledger& l) -> Result<std::string> {
    TG_ASSIGN_OR_RETURN(const bool any, access::HasKeys(l.txn()));
    if (!any && role != Role::kAdmin) {
      return FailedPrecondition(
          "the first key of a ledger is an admin's (role admin), so that "
          "someone can manage the others");
    }
    return access::AddKey(l, name, role);
  });
}

Status Session::RevokeKey(std::string_view name) const {
  return InTransaction(*this, [&](ledger::Ledger& l) { return access::RevokeKey(l, name); });
}

Result<Page<ApiKey>> Session::ListKeys(const PageRequest& page) const {
  return InTransaction(
      *this, [&](ledger::Ledger& l) { return access::ListKeys(l.txn(), page); }, Access::kRead);
}

}  // namespace tg
