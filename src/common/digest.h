// SHA-256: raw digests of byte strings (pieces hashed as one), and lower-case hex for content
// hashes of data files ("sha256:" + Sha256Hex(bytes)). CRC-32 and XXH3 for caches, which need
// to know a torn or damaged file, not an attacker's. Thread-safe: each thread keeps its own
// digest context, and the algorithm is fetched from OpenSSL once, not per call (OpenSSL 3's
// one-shot SHA256() fetches it every time: 5 % of `check` under perf).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace tg {

std::array<uint8_t, 32> Sha256Of(std::initializer_list<std::string_view> pieces);
std::string Sha256Hex(std::string_view bytes);
// Lower-case hex of any bytes.
std::string HexOf(std::string_view bytes);
// Whether `text` is what Sha256Hex gives: 64 lower-case hex digits.
inline bool IsSha256Hex(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == text.npos;
}

// zlib's CRC-32 of `size` bytes at `data` (3 ms for 11 MB).
uint32_t Crc32(const void* data, size_t size);
// XXH3's 64-bit hash of `size` bytes at `data`: the checksum of a large cache file, an order
// of magnitude faster than CRC-32 and as sure to tell a torn or flipped file.
uint64_t Xxh3(const void* data, size_t size);

}  // namespace tg
