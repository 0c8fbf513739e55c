#include "src/audit/note.h"

#include <cstring>
#include <memory>

#include <openssl/evp.h>

namespace tg::audit {

namespace {

constexpr std::string_view kDash = "\xE2\x80\x94 ";  // "— " (U+2014, space)
constexpr uint8_t kEd25519 = 0x01;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string KeyHash(std::string_view name, std::string_view pub) {
  std::string material(name);
  material += '\n';
  material += static_cast<char>(kEd25519);
  material.append(pub);
  const Hash h = Sha256(material);
  return std::string(reinterpret_cast<const char*>(h.data()), 4);
}

std::string Hex4(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool ValidName(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (unsigned char c : name) {
    if (c <= ' ' || c == '+') {
      return false;
    }
  }
  return true;
}

struct Parsed {
  std::string name;
  std::string hash;  // 4 bytes
  std::string key;   // 32 bytes (seed or public key)
};

// NAME "+" HASH8 "+" base64(0x01 || key)
Result<Parsed> ParseKey(std::string_view text, std::string_view what) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  // Names hold no '+'; base64 key data may.
  const size_t mid = text.find('+');
  const size_t last = mid == std::string_view::npos ? mid : text.find('+', mid + 1);
  if (last == std::string_view::npos || mid == 0) {
    return InvalidArgument(std::string(what) + ": not a NAME+HASH+KEY line");
  }
  Parsed p;
  p.name = std::string(text.substr(0, mid));
  const std::string_view hash_hex = text.substr(mid + 1, last - mid - 1);
  auto data = FromBase64(text.substr(last + 1));
  if (!data || data->size() != 33 || static_cast<uint8_t>((*data)[0]) != kEd25519 ||
      hash_hex.size() != 8 || !ValidName(p.name)) {
    return InvalidArgument(std::string(what) + ": malformed Ed25519 key");
  }
  p.key = data->substr(1);
  for (size_t i = 0; i < 4; ++i) {
    const auto digit = [](char c) {
      return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    const int hi = digit(hash_hex[2 * i]);
    const int lo = digit(hash_hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return InvalidArgument(std::string(what) + ": its key hash '" + std::string(hash_hex) +
                             "' is not 8 lower-case hex digits");
    }
    p.hash += static_cast<char>(hi * 16 + lo);
  }
  return p;
}

Result<Pkey> PrivateFromSeed(std::string_view seed) {
  Pkey key(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size()));
  if (!key) {
    return InvalidArgument("private key: not an Ed25519 seed");
  }
  return key;
}

Result<std::string> RawPublic(EVP_PKEY* key) {
  unsigned char pub[32];
  size_t len = sizeof(pub);
  if (EVP_PKEY_get_raw_public_key(key, pub, &len) != 1 || len != 32) {
    return Internal("cannot read the Ed25519 public key");
  }
  return std::string(reinterpret_cast<char*>(pub), len);
}

Result<std::string> Sign(EVP_PKEY* key, std::string_view text) {
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  unsigned char sig[64];
  size_t len = sizeof(sig);
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size()) != 1) {
    return Internal("Ed25519 signing failed");
  }
  return std::string(reinterpret_cast<char*>(sig), len);
}

bool Verify(std::string_view pub, std::string_view text, std::string_view sig) {
  Pkey key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(pub.data()), pub.size()));
  if (!key) {
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  return EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
}

Result<std::string> SignatureLine(std::string_view text, std::string_view private_key) {
  if (!private_key.starts_with("PRIVATE+KEY+")) {
    return InvalidArgument("private key: expected a PRIVATE+KEY+… line");
  }
  TG_ASSIGN_OR_RETURN(Parsed p, ParseKey(private_key.substr(12), "private key"));
  TG_ASSIGN_OR_RETURN(Pkey key, PrivateFromSeed(p.key));
  TG_ASSIGN_OR_RETURN(std::string pub, RawPublic(key.get()));
  if (KeyHash(p.name, pub) != p.hash) {
    return InvalidArgument("private key: its hash does not match its name and key");
  }
  TG_ASSIGN_OR_RETURN(std::string sig, Sign(key.get(), text));
  return std::string(kDash) + p.name + " " + Base64(p.hash + sig) + "\n";
}

}  // namespace

Result<KeyPair> GenerateKey(std::string_view name) {
  if (!ValidName(name)) {
    return InvalidArgument("key name: no spaces or '+', not empty");
  }
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) {
    return Internal("Ed25519 key generation failed");
  }
  unsigned char seed[32];
  size_t len = sizeof(seed);
  if (EVP_PKEY_get_raw_private_key(key.get(), seed, &len) != 1 || len != 32) {
    return Internal("cannot read the Ed25519 private key");
  }
  TG_ASSIGN_OR_RETURN(std::string pub, RawPublic(key.get()));
  const std::string hash = Hex4(KeyHash(name, pub));
  KeyPair out;
  out.private_key = "PRIVATE+KEY+" + std::string(name) + "+" + hash + "+" +
                    Base64(std::string(1, static_cast<char>(kEd25519)) +
                           std::string(reinterpret_cast<char*>(seed), 32));
  out.verifier = std::string(name) + "+" + hash + "+" +
                 Base64(std::string(1, static_cast<char>(kEd25519)) + pub);
  OPENSSL_cleanse(seed, sizeof(seed));
  return out;
}

Result<std::string> VerifierOf(std::string_view private_key) {
  if (!private_key.starts_with("PRIVATE+KEY+")) {
    return InvalidArgument("private key: expected a PRIVATE+KEY+… line");
  }
  TG_ASSIGN_OR_RETURN(Parsed p, ParseKey(private_key.substr(12), "private key"));
  TG_ASSIGN_OR_RETURN(Pkey key, PrivateFromSeed(p.key));
  TG_ASSIGN_OR_RETURN(std::string pub, RawPublic(key.get()));
  return p.name + "+" + Hex4(p.hash) + "+" +
         Base64(std::string(1, static_cast<char>(kEd25519)) + pub);
}

Result<std::string> SignNote(std::string_view text, std::string_view private_key) {
  if (text.empty() || text.back() != '\n') {
    return InvalidArgument("note text must end with a newline");
  }
  TG_ASSIGN_OR_RETURN(std::string line, SignatureLine(text, private_key));
  return std::string(text) + "\n" + line;
}

Result<std::string> AddSignature(std::string_view note, std::string_view private_key) {
  const size_t split = note.find("\n\n");
  if (split == std::string_view::npos) {
    return InvalidArgument("note: no signature block");
  }
  const std::string_view text = note.substr(0, split + 1);
  TG_ASSIGN_OR_RETURN(std::string line, SignatureLine(text, private_key));
  std::string out(note);
  if (out.back() != '\n') {
    out += '\n';
  }
  return out + line;
}

Result<std::string> KeyName(std::string_view verifier) {
  TG_ASSIGN_OR_RETURN(Parsed p, ParseKey(verifier, "verifier key"));
  return p.name;
}

Result<std::string> VerifyNote(std::string_view note, const std::vector<std::string>& verifiers) {
  const size_t split = note.find("\n\n");
  if (split == std::string_view::npos) {
    return InvalidArgument("note: no blank line before the signatures");
  }
  const std::string text(note.substr(0, split + 1));
  std::string_view sigs = note.substr(split + 2);
  struct Sig {
    std::string name;
    std::string hash;
    std::string signature;
  };
  std::vector<Sig> found;
  while (!sigs.empty()) {
    const size_t end = sigs.find('\n');
    const std::string_view line = sigs.substr(0, end);
    sigs = end == std::string_view::npos ? std::string_view() : sigs.substr(end + 1);
    if (line.empty()) {
      continue;
    }
    if (!line.starts_with(kDash)) {
      return InvalidArgument("note: a signature line must start with an em dash");
    }
    const std::string_view rest = line.substr(kDash.size());
    const size_t space = rest.find(' ');
    auto blob = space == std::string_view::npos ? Result<std::string>(InvalidArgument("x"))
                                                : FromBase64(rest.substr(space + 1));
    if (!blob || blob->size() < 5) {
      return InvalidArgument("note: malformed signature line");
    }
    found.push_back({std::string(rest.substr(0, space)), blob->substr(0, 4), blob->substr(4)});
  }
  if (found.empty()) {
    return PermissionDenied("note: not signed");
  }
  for (const std::string& v : verifiers) {
    TG_ASSIGN_OR_RETURN(Parsed p, ParseKey(v, "verifier key"));
    if (KeyHash(p.name, p.key) != p.hash) {
      return InvalidArgument("verifier key " + p.name + ": its hash does not match");
    }
    bool ok = false;
    for (const Sig& s : found) {
      ok = ok || (s.name == p.name && s.hash == p.hash && Verify(p.key, text, s.signature));
    }
    if (!ok) {
      return PermissionDenied("signature by " + p.name + " is missing or does not verify");
    }
  }
  return text;
}

std::string FormatCheckpoint(const Checkpoint& c) {
  return c.origin + "\n" + std::to_string(c.size) + "\n" + Base64(AsBytes(c.root)) + "\n";
}

Result<Checkpoint> ParseCheckpoint(std::string_view text) {
  Checkpoint c;
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      return InvalidArgument("checkpoint: the last line has no newline");
    }
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (lines.size() < 3 || lines[0].empty()) {
    return InvalidArgument("checkpoint: needs origin, size and root lines");
  }
  c.origin = lines[0];
  char* end = nullptr;
  c.size = std::strtoull(lines[1].c_str(), &end, 10);
  if (lines[1].empty() || *end != '\0' || (lines[1].size() > 1 && lines[1][0] == '0')) {
    return InvalidArgument("checkpoint: bad tree size '" + lines[1] + "'");
  }
  auto root = FromBase64(lines[2]);
  if (!root || root->size() != 32) {
    return InvalidArgument("checkpoint: bad root hash");
  }
  std::memcpy(c.root.data(), root->data(), 32);
  return c;
}

}  // namespace tg::audit
