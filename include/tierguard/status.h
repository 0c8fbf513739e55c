// Status and Result<T>: how every tierguard API reports failure. The library never throws
// across its API; a Status carries a code (a subset of Abseil's) and a message that names the
// input line and field when the error comes from user input. Both types are values and are
// safe to copy between threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tg {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kPermissionDenied,
  kUnauthenticated,  // no credential, or one that names no one (an unknown or revoked key)
  kUnavailable,
  kDataLoss,
  kInternal,
};

// The snake_case name used in JSON output ("invalid_argument").
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  // Returns a copy whose message is "prefix: message"; used to add line or file context.
  Status WithPrefix(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

Status InvalidArgument(std::string message);
Status NotFound(std::string message);
Status AlreadyExists(std::string message);
Status FailedPrecondition(std::string message);
Status PermissionDenied(std::string message);
Status Unauthenticated(std::string message);
Status Unavailable(std::string message);
Status DataLoss(std::string message);
Status Internal(std::string message);

namespace internal {
// Reports a broken invariant on stderr and aborts: a bug in tierguard, never a reaction to
// input (input errors are a Status).
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line);
}  // namespace internal

}  // namespace tg

// An invariant of the code: TG_CHECK(index < size). Not for input, which gets a Status.
#define TG_CHECK(condition)                                        \
  do {                                                             \
    if (!(condition)) {                                            \
      ::tg::internal::CheckFailed(#condition, __FILE__, __LINE__); \
    }                                                              \
  } while (0)

namespace tg {

// Result<T> holds a T or a non-OK Status; its API follows std::expected. Reading the value of
// an error, or the error of a value, is a broken invariant (TG_CHECK), not an exception.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    TG_CHECK(!std::get<1>(v_).ok());
  }

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & {
    TG_CHECK(has_value());
    return *std::get_if<0>(&v_);
  }
  const T& value() const& {
    TG_CHECK(has_value());
    return *std::get_if<0>(&v_);
  }
  T&& value() && {
    TG_CHECK(has_value());
    return std::move(*std::get_if<0>(&v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Status& error() const {
    TG_CHECK(!has_value());
    return *std::get_if<1>(&v_);
  }
  Status status() const { return has_value() ? Status::Ok() : error(); }

 private:
  std::variant<T, Status> v_;
};

namespace internal {
inline Status AsStatus(Status s) { return s; }
template <typename T>
Status AsStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace tg

#define TG_CONCAT_INNER_(a, b) a##b
#define TG_CONCAT_(a, b) TG_CONCAT_INNER_(a, b)

#define TG_RETURN_IF_ERROR(expr)                                \
  do {                                                          \
    ::tg::Status tg_status_ = ::tg::internal::AsStatus((expr)); \
    if (!tg_status_.ok()) {                                     \
      return tg_status_;                                        \
    }                                                           \
  } while (0)

#define TG_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.has_value()) {                         \
    return tmp.error();                           \
  }                                               \
  lhs = std::move(tmp).value()

#define TG_ASSIGN_OR_RETURN(lhs, expr) \
  TG_ASSIGN_OR_RETURN_IMPL_(TG_CONCAT_(tg_result_, __LINE__), lhs, expr)
