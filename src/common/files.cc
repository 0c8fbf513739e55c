#include "src/common/files.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace tg {

std::vector<std::filesystem::path> FilesUnder(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string FileStamp(const std::filesystem::path& file) {
  std::error_code size_error;
  std::error_code time_error;
  const auto size = std::filesystem::file_size(file, size_error);
  const auto time = std::filesystem::last_write_time(file, time_error);
  if (size_error || time_error) {
    return file.string() + "\n";
  }
  return file.string() + " " + std::to_string(size) + " " +
         std::to_string(time.time_since_epoch().count()) + "\n";
}

Status ReplaceFile(const std::string& path, std::string_view bytes) {
  // Unique to the process and the call: two threads writing the same cache must not share a
  // temporary file, or one would rename the other's half-written bytes into place.
  static std::atomic<uint64_t> calls{0};
  const std::string temp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(calls++);
  {
    std::ofstream f(temp, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.flush();
    if (!f) {
      std::remove(temp.c_str());
      return Internal("cannot write " + temp);
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return Internal("cannot rename " + temp + " to " + path);
  }
  return Status::Ok();
}

Result<MappedFile> MappedFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    return Status(error == ENOENT ? StatusCode::kNotFound : StatusCode::kUnavailable,
                  path + ": " + std::strerror(error));
  }
  struct stat st {};
  MappedFile file;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    void* data = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                        MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (data == MAP_FAILED) {
      const int error = errno;
      ::close(fd);
      return Status(StatusCode::kUnavailable, path + ": " + std::strerror(error));
    }
    file.data_ = static_cast<const char*>(data);
    file.size_ = static_cast<size_t>(st.st_size);
  }
  ::close(fd);  // the mapping stays
  return file;
}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    this->~MappedFile();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) {
    ::munmap(const_cast<char*>(data_), size_);
    data_ = nullptr;
    size_ = 0;
  }
}

}  // namespace tg
