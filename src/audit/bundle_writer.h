// Writing an audit bundle (the folder `audit export` writes and `audit verify` reads), and
// signing the log's checkpoints.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "tierguard/audit.h"

#include "src/audit/audit_log.h"

namespace tg::audit {

// The log's origin: the name of the key that signs it, from its PRIVATE+KEY+… line.
Result<std::string> KeyOrigin(std::string_view private_key);

// The tree head of `size`, signed as a C2SP checkpoint. REQUIRES: the caller has checked the
// records against the tree (AuditLog::ScanRecords): a root is never signed unread.
Result<std::string> SignedCheckpoint(AuditLog& log, uint64_t size, std::string_view private_key);

// The request a record carries by its digest (record `index`, its kind and subject); NotFound
// when it is lost, which the bundle then says of that record.
using RequestOf = std::function<Result<std::string>(uint64_t index, std::string_view kind,
                                                    std::string_view subject)>;

// Writes records [from, to) of `log` (to = 0: all) into the folder `out`: records.jsonl,
// leaves, frontier (the subtrees covering [0, from)), requests.jsonl and checkpoint (of size
// `to`, signed with `private_key`). Each file is written beside its name, synced and renamed
// over it once complete. InvalidArgument for a range outside the log.
Result<BundleReport> ExportBundle(AuditLog& log, uint64_t from, uint64_t to, const std::string& out,
                                  std::string_view private_key, const RequestOf& request_of);

}  // namespace tg::audit
