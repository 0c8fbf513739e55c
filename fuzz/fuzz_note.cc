// libFuzzer target: signed notes, checkpoints and key lines, as an auditor's tools read them
// from a bundle or a witness, on arbitrary bytes. Nothing may verify without the signing key,
// and nothing may crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/audit/note.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // A key made once: the input can hold no signature by it.
  static const std::string verifier = [] {
    auto key = tg::audit::GenerateKey("fuzz.example/log");
    if (!key) {
      __builtin_trap();
    }
    return key->verifier;
  }();
  if (tg::audit::VerifyNote(bytes, {verifier})) {
    __builtin_trap();  // a note verified without its key's signature
  }
  (void)tg::audit::ParseCheckpoint(bytes);
  (void)tg::audit::KeyName(bytes);
  (void)tg::audit::VerifierOf(bytes);
  // As a verifier line: a note checked against it must still not verify by chance.
  (void)tg::audit::VerifyNote("fuzz.example/log\n1\nAAAA\n\n", {std::string(bytes)});
  return 0;
}
