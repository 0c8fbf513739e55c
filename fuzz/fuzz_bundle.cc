// libFuzzer target: an audit bundle as an auditor receives it, on arbitrary bytes. The input is
// the bundle's frontier, leaves, records.jsonl and requests.jsonl, separated by 0x1E bytes; the
// target signs a checkpoint over the records as given (so that a well-formed bundle verifies
// and the fuzzer reaches reconciliation), writes the folder, verifies it and reconciles it.
// Nothing may crash, and nothing may verify that does not hash into the signed root.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "tierguard/audit.h"

#include "src/audit/merkle.h"
#include "src/audit/note.h"

namespace {

// The folder each input is written into, made once.
const std::string& BundleDir() {
  static const std::string dir = [] {
    std::string pattern = "/tmp/tg-fuzz-bundle-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      __builtin_trap();
    }
    return pattern + "/";
  }();
  return dir;
}

void Write(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const tg::audit::KeyPair key = [] {
    auto made = tg::audit::GenerateKey("fuzz.example/log");
    if (!made) {
      __builtin_trap();
    }
    return *made;
  }();
  std::vector<std::string_view> parts;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (size_t cut; parts.size() < 3 && (cut = rest.find('\x1e')) != std::string_view::npos;) {
    parts.push_back(rest.substr(0, cut));
    rest.remove_prefix(cut + 1);
  }
  parts.push_back(rest);
  parts.resize(4);
  const std::string& dir = BundleDir();
  Write(dir + "frontier", parts[0]);
  Write(dir + "leaves", parts[1]);
  Write(dir + "records.jsonl", parts[2]);
  Write(dir + "requests.jsonl", parts[3]);
  // The tree of the records as given, one leaf a line.
  tg::audit::MemoryNodeStore nodes;
  tg::audit::MerkleTree tree(nodes, 0);
  std::string_view records = parts[2];
  while (!records.empty()) {
    const size_t end = records.find('\n');
    if (!tree.Append(tg::audit::LeafHash(records.substr(0, end))).ok()) {
      __builtin_trap();
    }
    records.remove_prefix(end == std::string_view::npos ? records.size() : end + 1);
  }
  auto root = tree.Root(tree.size());
  if (!root) {
    __builtin_trap();
  }
  auto note = tg::audit::SignNote(
      tg::audit::FormatCheckpoint({"fuzz.example/log", tree.size(), *root}), key.private_key);
  if (!note) {
    __builtin_trap();
  }
  Write(dir + "checkpoint", *note);
  (void)tg::VerifyAuditBundle(dir, {key.verifier}, "");
  (void)tg::ReconcileAuditBundle(dir);
  return 0;
}
