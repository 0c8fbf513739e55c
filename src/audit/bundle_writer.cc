// Writing audit bundles: the records of a range of the log, their leaf hashes, the frontier of
// the records before it, the requests beside the records that carry one, and a signed
// checkpoint. Read back by VerifyAuditBundle (bundle.cc), which needs nothing else.
#include "src/audit/bundle_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

#include <simdjson.h>

#include "src/audit/merkle.h"
#include "src/audit/note.h"
#include "src/common/json_writer.h"

namespace tg::audit {

namespace {

// A bundle file written beside its final name and renamed over it once complete: a reader never
// sees half a file, and a link planted at the final name is replaced, not followed.
class BundleFile {
 public:
  BundleFile(const BundleFile&) = delete;
  BundleFile& operator=(const BundleFile&) = delete;
  ~BundleFile() {
    if (file_ != nullptr) {
      std::fclose(file_);
      ::unlink(temp_.c_str());
    }
  }
  static Result<std::unique_ptr<BundleFile>> Create(const std::string& path) {
    auto f = std::unique_ptr<BundleFile>(new BundleFile());
    f->path_ = path;
    f->temp_ = path + ".XXXXXX";
    const int fd = ::mkstemp(f->temp_.data());
    if (fd < 0 || (f->file_ = ::fdopen(fd, "wb")) == nullptr) {
      return Status(StatusCode::kUnavailable, path + ": cannot create: " + std::strerror(errno));
    }
    ::fchmod(fd, 0644);
    return f;
  }
  Status Write(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
      return Status(StatusCode::kUnavailable, path_ + ": cannot write: " + std::strerror(errno));
    }
    return Status::Ok();
  }
  Status Commit() {
    const bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
    std::fclose(file_);
    file_ = nullptr;
    if (!ok || ::rename(temp_.c_str(), path_.c_str()) != 0) {
      ::unlink(temp_.c_str());
      return Status(StatusCode::kUnavailable, path_ + ": cannot write: " + std::strerror(errno));
    }
    return Status::Ok();
  }

 private:
  BundleFile() = default;
  std::string path_;
  std::string temp_;
  std::FILE* file_ = nullptr;
};

Status WriteBundleFile(const std::string& path, std::string_view text) {
  TG_ASSIGN_OR_RETURN(auto file, BundleFile::Create(path));
  TG_RETURN_IF_ERROR(file->Write(text));
  return file->Commit();
}

}  // namespace

Result<std::string> KeyOrigin(std::string_view private_key) {
  if (!private_key.starts_with("PRIVATE+KEY+")) {
    return InvalidArgument("signing key: expected a PRIVATE+KEY+… line, as audit keygen writes");
  }
  const std::string_view rest = private_key.substr(12);
  return std::string(rest.substr(0, rest.find('+')));
}

Result<std::string> SignedCheckpoint(AuditLog& log, uint64_t size, std::string_view private_key) {
  TG_ASSIGN_OR_RETURN(std::string origin, KeyOrigin(private_key));
  TG_ASSIGN_OR_RETURN(Hash root, log.Root(size));
  return SignNote(FormatCheckpoint({origin, size, root}), private_key);
}

Result<BundleReport> ExportBundle(AuditLog& log, uint64_t from, uint64_t to, const std::string& out,
                                  std::string_view private_key, const RequestOf& request_of) {
  TG_ASSIGN_OR_RETURN(uint64_t size, log.Size());
  if (to == 0) {
    to = size;
  }
  if (to > size || from > to) {
    return InvalidArgument("record range: the log has " + std::to_string(size) +
                           " records; asked for [" + std::to_string(from) + ", " +
                           std::to_string(to) + ")");
  }
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) {
    return Status(StatusCode::kUnavailable, out + ": " + ec.message());
  }
  // The frontier: the perfect subtrees covering [0, from), largest first.
  std::string frontier = "from " + std::to_string(from) + "\n";
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if (from - begin >= width) {
      TG_ASSIGN_OR_RETURN(Hash h, log.SubtreeRoot(begin, begin + width));
      frontier += std::to_string(level) + " " + Base64(AsBytes(h)) + "\n";
      begin += width;
    }
  }
  TG_ASSIGN_OR_RETURN(auto records, BundleFile::Create(out + "/records.jsonl"));
  TG_ASSIGN_OR_RETURN(auto leaves, BundleFile::Create(out + "/leaves"));
  TG_ASSIGN_OR_RETURN(auto requests, BundleFile::Create(out + "/requests.jsonl"));
  std::string line;
  simdjson::dom::parser parser;
  // One pass over the whole log: records before `from` are read to check the tree, the rest
  // are written as they are read (the bundle is never held in memory). A record that carries a
  // request (by its digest) has the request itself beside it in requests.jsonl.
  TG_RETURN_IF_ERROR(log.ScanRecords(from, to, [&](uint64_t index, std::string_view r) -> Status {
    line = Base64(AsBytes(LeafHash(r)));
    line += '\n';
    TG_RETURN_IF_ERROR(leaves->Write(line));
    TG_RETURN_IF_ERROR(records->Write(r));
    TG_RETURN_IF_ERROR(records->Write("\n"));
    simdjson::dom::element doc;
    std::string_view kind;
    std::string_view subject;
    if (parser.parse(r.data(), r.size()).get(doc) || doc["kind"].get_string().get(kind) ||
        doc["subject"].get_string().get(subject)) {
      return DataLoss("record " + std::to_string(index) + " does not parse");
    }
    if (!CarriesRequest(kind)) {
      return Status::Ok();
    }
    Result<std::string> request = request_of(index, kind, subject);
    if (!request && request.error().code() != StatusCode::kNotFound) {
      return request.error();
    }
    line.clear();
    JsonWriter w(line);
    w.BeginObject().Key("index").Int(static_cast<int64_t>(index)).Key("kind").String(kind);
    w.Key("subject").String(subject).Key("request");
    if (request) {
      w.String(*request);
    } else {
      // The log is intact but the ledger lost the row: the bundle says so, and verify names it.
      w.Null().Key("missing").String(request.error().message());
    }
    w.EndObject();
    line += '\n';
    return requests->Write(line);
  }));
  TG_RETURN_IF_ERROR(requests->Commit());
  TG_ASSIGN_OR_RETURN(std::string checkpoint, SignedCheckpoint(log, to, private_key));
  TG_RETURN_IF_ERROR(WriteBundleFile(out + "/frontier", frontier));
  TG_RETURN_IF_ERROR(records->Commit());
  TG_RETURN_IF_ERROR(leaves->Commit());
  TG_RETURN_IF_ERROR(WriteBundleFile(out + "/checkpoint", checkpoint));
  BundleReport report;
  report.from = from;
  report.size = to;
  TG_ASSIGN_OR_RETURN(report.origin, KeyOrigin(private_key));
  TG_ASSIGN_OR_RETURN(Hash root, log.Root(to));
  report.root_hex = Hex(root);
  return report;
}

}  // namespace tg::audit
