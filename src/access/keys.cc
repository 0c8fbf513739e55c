#include "src/access/keys.h"

#include <array>
#include <cstring>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "src/common/digest.h"
#include "src/common/json_writer.h"
#include "src/common/stored_record.h"
#include "src/common/text.h"

namespace tg::access {

namespace {

const bool kAccessTables = store::RegisterTables({{kKeys, "api keys"}});

constexpr std::string_view kPrefix = "tgk.";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64Url(std::string_view bytes) {
  std::string out;
  uint32_t bits = 0;
  int held = 0;
  for (const char c : bytes) {
    bits = (bits << 8) | static_cast<uint8_t>(c);
    held += 8;
    while (held >= 6) {
      held -= 6;
      out += kAlphabet[(bits >> held) & 63];
    }
  }
  if (held > 0) {
    out += kAlphabet[(bits << (6 - held)) & 63];
  }
  return out;
}

// nullopt for a character outside the alphabet, a length no encoding has, or leftover bits
// that are not zero: only the one text Base64Url writes decodes, so no two texts are one key.
std::optional<std::string> FromBase64Url(std::string_view text) {
  std::string out;
  uint32_t bits = 0;
  int held = 0;
  for (const char c : text) {
    const size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) {
      return std::nullopt;
    }
    bits = (bits << 6) | static_cast<uint32_t>(v);
    held += 6;
    if (held >= 8) {
      held -= 8;
      out += static_cast<char>((bits >> held) & 0xff);
    }
  }
  if (held >= 6 || (bits & ((1u << held) - 1)) != 0) {
    return std::nullopt;
  }
  return out;
}

std::string SecretHash(std::string_view salt_hex, std::string_view secret) {
  const auto digest = Sha256Of({salt_hex, secret});
  return HexOf(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

struct KeyRow {
  ApiKey key;
  std::string salt;    // hex
  std::string sha256;  // hex of SHA-256(salt || secret)
};

std::string ToJson(const KeyRow& r) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("name").String(r.key.name).Key("role").String(RoleName(r.key.role));
  w.Key("salt").String(r.salt).Key("sha256").String(r.sha256);
  w.Key("created").Int(r.key.created).Key("last_used").Int(r.key.last_used);
  w.Key("revoked").Int(r.key.revoked).EndObject();
  return out;
}

Status FromJson(std::string_view json, std::string_view name, KeyRow& out) {
  StoredRecordReader r(json, name);
  out.key.name = r.Str("name");
  const std::string role = r.Str("role");
  out.salt = r.Str("salt");
  out.sha256 = r.Str("sha256");
  out.key.created = r.Int("created");
  out.key.last_used = r.Int("last_used");
  out.key.revoked = r.Int("revoked");
  TG_RETURN_IF_ERROR(r.Done());
  if (!ParseRole(role, out.key.role)) {
    return DataLoss("stored record '" + std::string(name) + "' is damaged (role)");
  }
  return Status::Ok();
}

Result<std::optional<KeyRow>> ReadRow(store::Transaction& txn, std::string_view name) {
  TG_ASSIGN_OR_RETURN(auto value, txn.Get(kKeys, name));
  if (!value) {
    return std::optional<KeyRow>();
  }
  KeyRow row;
  TG_RETURN_IF_ERROR(FromJson(*value, name, row));
  return std::optional<KeyRow>(std::move(row));
}

std::string AuditBody(const ApiKey& key) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("name").String(key.name).Key("role").String(RoleName(key.role));
  w.Key("created").Int(key.created).Key("revoked").Int(key.revoked).EndObject();
  return out;
}

Status CheckName(std::string_view name) {
  if (name.empty() || name.size() > kMaxKeyNameBytes) {
    return InvalidArgument("key name: " + std::to_string(name.size()) + " bytes; 1 to " +
                           std::to_string(kMaxKeyNameBytes));
  }
  for (const char c : name) {
    if (c <= ' ' || c > '~') {
      return InvalidArgument("key name '" + Excerpt(name, 64) +
                             "': printable ASCII without spaces only");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> AddKey(ledger::Ledger& ledger, std::string_view name, Role role) {
  TG_RETURN_IF_ERROR(CheckName(name));
  std::array<unsigned char, 16> salt{};
  std::array<unsigned char, 32> secret{};
  if (RAND_bytes(salt.data(), salt.size()) != 1 || RAND_bytes(secret.data(), secret.size()) != 1) {
    return Internal("the system's random source failed: no key was made");
  }
  const std::string_view secret_bytes(reinterpret_cast<const char*>(secret.data()), secret.size());
  KeyRow row{
      .key = {.name = std::string(name), .role = role, .created = ledger.clock().NowUnix()},
      .salt = HexOf(std::string_view(reinterpret_cast<const char*>(salt.data()), salt.size()))};
  row.sha256 = SecretHash(row.salt, secret_bytes);
  Status s = ledger.txn().Insert(kKeys, name, ToJson(row));
  if (s.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("key '" + std::string(name) + "' exists (names are never reused)");
  }
  TG_RETURN_IF_ERROR(s);
  TG_RETURN_IF_ERROR(ledger.LogChange("key.add", name, AuditBody(row.key)));
  return std::string(kPrefix) + Base64Url(name) + "." + Base64Url(secret_bytes);
}

Status RevokeKey(ledger::Ledger& ledger, std::string_view name) {
  TG_ASSIGN_OR_RETURN(auto row, ReadRow(ledger.txn(), name));
  if (!row) {
    return NotFound("no key '" + Excerpt(name, 64) + "'");
  }
  if (row->key.revoked != 0) {
    return FailedPrecondition("key '" + row->key.name + "' is revoked already");
  }
  row->key.revoked = std::max<int64_t>(ledger.clock().NowUnix(), 1);
  TG_RETURN_IF_ERROR(ledger.txn().Put(kKeys, name, ToJson(*row)));
  return ledger.LogChange("key.revoke", name, AuditBody(row->key));
}

Result<Page<ApiKey>> ListKeys(store::Transaction& txn, const PageRequest& page) {
  TG_ASSIGN_OR_RETURN(Page<store::Row> rows, store::ReadPage(txn, kKeys, page));
  Page<ApiKey> out{.next = std::move(rows.next)};
  for (const auto& [name, value] : rows.items) {
    KeyRow row;
    TG_RETURN_IF_ERROR(FromJson(value, name, row));
    out.items.push_back(std::move(row.key));
  }
  return out;
}

Result<bool> HasKeys(store::Transaction& txn) {
  TG_ASSIGN_OR_RETURN(auto rows, txn.Scan(kKeys, "", 1));
  return !rows.empty();
}

Result<ApiKey> GetKey(store::Transaction& txn, std::string_view name) {
  TG_ASSIGN_OR_RETURN(auto row, ReadRow(txn, name));
  if (!row) {
    return NotFound("no key '" + Excerpt(name, 64) + "'");
  }
  return row->key;
}

Result<ApiKey> Authenticate(store::Transaction& txn, std::string_view presented) {
  const Status refused = Unauthenticated("the key is unknown, revoked or malformed");
  if (!presented.starts_with(kPrefix)) {
    return refused;
  }
  presented.remove_prefix(kPrefix.size());
  const size_t dot = presented.find('.');
  if (dot == std::string_view::npos) {
    return refused;
  }
  const auto name = FromBase64Url(presented.substr(0, dot));
  const auto secret = FromBase64Url(presented.substr(dot + 1));
  if (!name || !secret || !CheckName(*name).ok() || secret->size() != 32) {
    return refused;
  }
  TG_ASSIGN_OR_RETURN(auto row, ReadRow(txn, *name));
  if (!row || row->key.revoked != 0) {
    return refused;
  }
  const std::string hash = SecretHash(row->salt, *secret);
  if (hash.size() != row->sha256.size() ||
      CRYPTO_memcmp(hash.data(), row->sha256.data(), hash.size()) != 0) {
    return refused;
  }
  return row->key;
}

}  // namespace tg::access
