// SHA-256 as lower-case hex, for content hashes of data files ("sha256:" + Sha256Hex(bytes)).
#pragma once

#include <string>
#include <string_view>

namespace tg {

std::string Sha256Hex(std::string_view bytes);

}  // namespace tg
