// Checks every front end applies to the text it is given before it reaches the engine: the
// ledger, the audit log and every answer hold valid UTF-8 only, so a stray byte is refused
// where it comes in, naming where it came from. Stateless; thread-safe.
#pragma once

#include <string_view>

#include "tierguard/status.h"

namespace tg {

// OK when `text` is well-formed UTF-8; else InvalidArgument "WHAT: not valid UTF-8 (byte N)".
Status CheckUtf8(std::string_view text, std::string_view what);

}  // namespace tg
