// API keys: shown once, checked against a salted hash, revoked at once; the roles as the HTTP
// contract grants them.
#include "src/access/keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tierguard/clock.h"

#include "src/audit/audit_log.h"
#include "testing/status_matchers.h"

namespace tg::access {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using ::testing::HasSubstr;
using ::testing::Not;
using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

class KeysTest : public ::testing::Test {
 protected:
  // Runs `fn(ledger)` in one committed transaction, as `actor`.
  template <typename Fn>
  auto Write(Fn fn, const std::string& actor = "root") {
    auto txn = store_->Begin();
    EXPECT_THAT(txn.status(), IsOk());
    ledger::Ledger l(**txn, clock_, actor);
    auto result = fn(l);
    if (internal::AsStatus(result).ok()) {
      EXPECT_THAT(l.Finish(), IsOk());
      EXPECT_THAT((*txn)->Commit(), IsOk());
    }
    return result;
  }
  Result<ApiKey> Check(std::string_view presented) {
    auto txn = store_->BeginRead();
    EXPECT_THAT(txn.status(), IsOk());
    return Authenticate(**txn, presented);
  }
  std::unique_ptr<store::Store> store_ = store::OpenMemoryStore();
  FixedClock clock_{1767225600};
};

TEST_F(KeysTest, AKeyNamesItsHolderAndRoleUntilItIsRevoked) {
  auto key = Write([](ledger::Ledger& l) { return AddKey(l, "erp-prod", Role::kClerk); });
  ASSERT_THAT(key, IsOk());
  auto who = Check(*key);
  ASSERT_THAT(who, IsOk());
  EXPECT_EQ(who->name, "erp-prod");
  EXPECT_EQ(who->role, Role::kClerk);
  EXPECT_EQ(who->created, 1767225600);

  // Another secret under the same name, the key cut short, text that is no key: all refused
  // alike, saying nothing of which part was wrong.
  std::string forged = *key;
  char& mid = forged[forged.size() - 10];  // a character that carries six bits of the secret
  mid = mid == 'A' ? 'B' : 'A';
  // The last character's two low bits are padding: setting them gives another text for the
  // same bytes, which is refused too.
  std::string padded = *key;
  const size_t at = std::string_view(kAlphabet).find(padded.back());
  padded.back() = kAlphabet[at ^ 1];
  for (const std::string& wrong : {forged, padded, key->substr(0, key->size() - 4),
                                   std::string("tgk."), std::string("Bearer x"), std::string()}) {
    EXPECT_THAT(Check(wrong), StatusIs(StatusCode::kUnauthenticated, "unknown, revoked or"))
        << wrong;
  }

  ASSERT_THAT(Write([](ledger::Ledger& l) { return RevokeKey(l, "erp-prod"); }), IsOk());
  EXPECT_THAT(Check(*key), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(Write([](ledger::Ledger& l) { return RevokeKey(l, "erp-prod"); }),
              StatusIs(StatusCode::kFailedPrecondition, "revoked already"));
  // A name is never given to another holder, so the log's actor names one holder.
  EXPECT_THAT(Write([](ledger::Ledger& l) { return AddKey(l, "erp-prod", Role::kAdmin); }),
              StatusIs(StatusCode::kAlreadyExists));
}

TEST_F(KeysTest, TheLedgerKeepsAHashAndTheLogNeitherKeyNorHash) {
  auto key = Write([](ledger::Ledger& l) { return AddKey(l, "auditor-1", Role::kAuditor); });
  ASSERT_THAT(key, IsOk());
  const std::string secret = key->substr(key->rfind('.') + 1);
  auto txn = store_->BeginRead();
  ASSERT_THAT(txn.status(), IsOk());
  auto row = (*txn)->Get(kKeys, "auditor-1");
  ASSERT_THAT(row.status(), IsOk());
  ASSERT_TRUE(row->has_value());
  EXPECT_THAT(**row, Not(HasSubstr(secret)));
  audit::AuditLog log(**txn);
  auto record = log.Record(0);
  ASSERT_THAT(record.status(), IsOk());
  EXPECT_THAT(*record, HasSubstr("\"kind\":\"key.add\""));
  EXPECT_THAT(*record, HasSubstr("\"actor\":\"root\""));
  EXPECT_THAT(*record, HasSubstr("\"role\":\"auditor\""));
  EXPECT_THAT(*record, Not(HasSubstr(secret)));
  EXPECT_THAT(*record, Not(HasSubstr("sha256")));
  EXPECT_THAT(*record, Not(HasSubstr("salt")));
}

TEST_F(KeysTest, NamesAreShortPrintableAndTheKeysListByName) {
  for (const std::string& bad :
       {std::string(), std::string("two words"), std::string(65, 'k'), std::string("tab\there")}) {
    EXPECT_THAT(Write([&](ledger::Ledger& l) { return AddKey(l, bad, Role::kViewer); }),
                StatusIs(StatusCode::kInvalidArgument, "key name"))
        << bad;
  }
  {
    auto txn = store_->BeginRead();
    EXPECT_FALSE(*HasKeys(**txn));
  }
  for (const char* name : {"c", "a", "b"}) {
    ASSERT_THAT(Write([&](ledger::Ledger& l) { return AddKey(l, name, Role::kViewer); }), IsOk());
  }
  auto txn = store_->BeginRead();
  EXPECT_TRUE(*HasKeys(**txn));
  auto first = ListKeys(**txn, {.limit = 2});
  ASSERT_THAT(first.status(), IsOk());
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].name, "a");
  auto rest = ListKeys(**txn, {.after = first->next});
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].name, "c");
  EXPECT_THAT(GetKey(**txn, "zz").status(), StatusIs(StatusCode::kNotFound));
}

// The table of ../shared/spec/http.md, role by role.
TEST(Roles, GrantWhatTheContractSays) {
  using P = Permission;
  const std::vector<std::pair<Role, std::vector<P>>> grants = {
      {Role::kViewer, {P::kRead}},
      {Role::kClerk, {P::kRead, P::kRecord}},
      {Role::kOfficer, {P::kRead, P::kRecord, P::kAdminister}},
      {Role::kApprover, {P::kRead, P::kDecide}},
      {Role::kAuditor, {P::kRead, P::kAudit}},
      {Role::kAdmin, {P::kRead, P::kRecord, P::kAdminister, P::kDecide, P::kAudit, P::kManageKeys}},
  };
  for (const auto& [role, allowed] : grants) {
    for (const P p :
         {P::kRead, P::kRecord, P::kAdminister, P::kDecide, P::kAudit, P::kManageKeys}) {
      const bool expected = std::find(allowed.begin(), allowed.end(), p) != allowed.end();
      EXPECT_EQ(Allows(role, p), expected)
          << RoleName(role) << " permission " << static_cast<int>(p);
    }
    Role parsed{};
    ASSERT_TRUE(ParseRole(RoleName(role), parsed));
    EXPECT_EQ(parsed, role);
  }
  Role unused{};
  EXPECT_FALSE(ParseRole("root", unused));
}

}  // namespace
}  // namespace tg::access
