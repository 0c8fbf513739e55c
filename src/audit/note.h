// Signed notes (C2SP signed-note) with Ed25519 keys, and checkpoints (C2SP tlog-checkpoint).
//
//   verifier key := NAME "+" HASH8 "+" base64(0x01 || public key)
//   private key  := "PRIVATE+KEY+" NAME "+" HASH8 "+" base64(0x01 || seed)
//   HASH8        := hex of the first 4 bytes of SHA-256(NAME || "\n" || 0x01 || public key)
//   note         := TEXT "\n" SIGNATURE-LINE+         (TEXT ends with "\n")
//   signature    := "— " NAME " " base64(key hash (4 bytes) || Ed25519 signature of TEXT) "\n"
//   checkpoint   := ORIGIN "\n" SIZE "\n" base64(ROOT) "\n"
// Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tierguard/status.h"

#include "src/audit/merkle.h"

namespace tg::audit {

struct KeyPair {
  std::string private_key;  // the "PRIVATE+KEY+…" line
  std::string verifier;     // the public verifier key line
};

// A new Ed25519 key named `name` (no spaces, no '+').
Result<KeyPair> GenerateKey(std::string_view name);
// The verifier key of a private key.
Result<std::string> VerifierOf(std::string_view private_key);

// Signs TEXT (which must end with "\n") and returns the note.
Result<std::string> SignNote(std::string_view text, std::string_view private_key);
// Adds a signature line to an existing note (a witness's cosignature).
Result<std::string> AddSignature(std::string_view note, std::string_view private_key);
// The NAME of a verifier key line; InvalidArgument when it is not one.
Result<std::string> KeyName(std::string_view verifier);
// Checks that the note carries a valid signature by every verifier given; returns TEXT.
// PermissionDenied names the key whose signature is missing or wrong; InvalidArgument a
// malformed note.
Result<std::string> VerifyNote(std::string_view note, const std::vector<std::string>& verifiers);

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
};
std::string FormatCheckpoint(const Checkpoint& c);
Result<Checkpoint> ParseCheckpoint(std::string_view text);

}  // namespace tg::audit
