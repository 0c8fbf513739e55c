// API keys in the ledger: made, listed, revoked, and checked when a call presents one. Each
// change is written with its audit record in the caller's transaction ("key.add",
// "key.revoke": the name and role, never the key nor its hash).
//
// A key is "tgk." + base64url(name) + "." + base64url(32 random bytes): the name says which
// row to check, the 256 random bits are the secret. The row keeps a random 16-byte salt and
// SHA-256(salt || secret). A slow hash (bcrypt, Argon2) protects guessable passwords; a
// 256-bit random secret cannot be guessed, so one SHA-256 suffices, and the salt keeps two
// ledgers' hashes of one key apart.
#pragma once

#include <string>
#include <string_view>

#include "tierguard/access.h"
#include "tierguard/page.h"
#include "tierguard/status.h"

#include "src/ledger/ledger.h"
#include "src/store/store.h"

namespace tg::access {

inline constexpr store::Table kKeys{17};  // by name

// Makes a key named `name` with `role`; returns the key, the only time it is shown.
// AlreadyExists when the name is taken (a revoked one too: names are never reused, so the log
// names one holder each); InvalidArgument for a name that is empty, longer than
// kMaxKeyNameBytes, or not printable ASCII without spaces.
Result<std::string> AddKey(ledger::Ledger& ledger, std::string_view name, Role role);
// Revokes it at once: NotFound for no such key, FailedPrecondition when revoked already.
Status RevokeKey(ledger::Ledger& ledger, std::string_view name);
Result<Page<ApiKey>> ListKeys(store::Transaction& txn, const PageRequest& page);
// Whether any key was ever made: a ledger with keys checks the CLI's acting name against them.
Result<bool> HasKeys(store::Transaction& txn);
// The key the presented text is, checked against its hash in constant time. Unauthenticated,
// saying no more than that, for text that is no key, an unknown name, a wrong secret or a
// revoked key.
Result<ApiKey> Authenticate(store::Transaction& txn, std::string_view presented);
// The key of `name` (any state); NotFound when none.
Result<ApiKey> GetKey(store::Transaction& txn, std::string_view name);

}  // namespace tg::access
