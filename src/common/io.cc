#include "tierguard/io.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tg {

namespace {

// "NAME: reason" for the errno a failed call left: NotFound for a missing file, PermissionDenied
// for a refused one, Unavailable otherwise (a full disk, a closed pipe, an I/O error).
Status FileError(const std::string& name, int error) {
  std::string message = name + ": " + std::strerror(error);
  if (error == ENOENT) {
    return NotFound(std::move(message));
  }
  if (error == EACCES || error == EPERM) {
    return PermissionDenied(std::move(message));
  }
  return Status(StatusCode::kUnavailable, std::move(message));
}

}  // namespace

Result<size_t> StringSource::Read(char* buffer, size_t size) {
  const size_t n = std::min(size, text_.size());
  std::memcpy(buffer, text_.data(), n);
  text_.remove_prefix(n);
  return n;
}

Result<std::string> ReadAll(Source& in) {
  std::string text;
  std::string chunk(size_t{1} << 16, '\0');
  for (;;) {
    TG_ASSIGN_OR_RETURN(size_t n, in.Read(chunk.data(), chunk.size()));
    if (n == 0) {
      return text;
    }
    text.append(chunk.data(), n);
  }
}

Status StringSink::Write(std::string_view bytes) {
  text_.append(bytes);
  return Status::Ok();
}

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return FileError(path, errno);
  }
  auto source = std::make_unique<FileSource>(file, path);
  source->owned_ = true;
  return source;
}

FileSource::~FileSource() {
  if (owned_) {
    std::fclose(file_);
  }
}

Result<size_t> FileSource::Read(char* buffer, size_t size) {
  const size_t n = std::fread(buffer, 1, size, file_);
  if (n == 0 && std::ferror(file_) != 0) {
    return FileError(name_, errno);
  }
  return n;
}

Result<std::unique_ptr<FileSink>> FileSink::Create(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return FileError(path, errno);
  }
  auto sink = std::make_unique<FileSink>(file, path);
  sink->owned_ = true;
  return sink;
}

FileSink::~FileSink() {
  if (owned_) {
    std::fclose(file_);
  }
}

Status FileSink::Write(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return FileError(name_, errno);
  }
  return Status::Ok();
}

Status FileSink::Flush() {
  if (std::fflush(file_) != 0 || std::ferror(file_) != 0) {
    return FileError(name_, errno);
  }
  return Status::Ok();
}

Status FileSink::Close() {
  Status flushed = Flush();
  if (owned_) {
    owned_ = false;
    const bool closed = std::fclose(file_) == 0;
    if (flushed.ok() && !closed) {
      return FileError(name_, errno);
    }
  }
  return flushed;
}

Result<size_t> ChainSource::Read(char* buffer, size_t size) {
  if (size == 0) {
    return size_t{0};
  }
  while (current_ < sources_.size()) {
    TG_ASSIGN_OR_RETURN(const size_t n, sources_[current_]->Read(buffer, size));
    if (n > 0) {
      last_ = buffer[n - 1];
      return n;
    }
    ++current_;
    if (last_ != '\n') {
      last_ = '\n';
      buffer[0] = '\n';
      return size_t{1};
    }
  }
  return size_t{0};
}

}  // namespace tg
