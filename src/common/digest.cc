#include "src/common/digest.h"

#include <xxhash.h>
#include <zlib.h>

#include <openssl/evp.h>

namespace tg {

namespace {

const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct Context {
  Context() : ctx(EVP_MD_CTX_new()) {}
  ~Context() { EVP_MD_CTX_free(ctx); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  EVP_MD_CTX* ctx;
};

}  // namespace

std::array<uint8_t, 32> Sha256Of(std::initializer_list<std::string_view> pieces) {
  thread_local Context c;
  std::array<uint8_t, 32> out{};
  unsigned int len = 0;
  EVP_DigestInit_ex(c.ctx, Sha256Algorithm(), nullptr);
  for (std::string_view p : pieces) {
    EVP_DigestUpdate(c.ctx, p.data(), p.size());
  }
  EVP_DigestFinal_ex(c.ctx, out.data(), &len);
  return out;
}

std::string HexOf(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  const auto md = Sha256Of({bytes});
  return HexOf(std::string_view(reinterpret_cast<const char*>(md.data()), md.size()));
}

uint32_t Crc32(const void* data, size_t size) {
  return static_cast<uint32_t>(crc32_z(0, static_cast<const Bytef*>(data), size));
}

uint64_t Xxh3(const void* data, size_t size) { return XXH3_64bits(data, size); }

}  // namespace tg
