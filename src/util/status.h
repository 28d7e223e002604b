// Status and Result<T>: how errors travel inside Cocoon.
//
// Errors are values, not exceptions: a function that can fail returns Status
// (nothing else to return) or Result<T> (a T or a Status). At the edges (CLI,
// HTTP, wire error frames) the message becomes what an operator reads, so a
// message says what is wrong and, where it can, what to do about it.
//
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cocoon {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,  // malformed input from a caller or a peer
  kNotFound,
  kPermissionDenied,    // policy refused (e.g. image hash not allowed)
  kUnauthenticated,     // identity or evidence could not be verified
  kFailedPrecondition,  // state does not allow the operation
  kResourceExhausted,   // a limit was hit
  kUnavailable,         // peer or service not reachable
  kDeadlineExceeded,
  kCancelled,
  kProtocol,  // peer broke the wire protocol
  kIo,
  kInternal,
};

std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "code: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "context: message"; OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status PermissionDenied(std::string m) {
  return {ErrorCode::kPermissionDenied, std::move(m)};
}
inline Status Unauthenticated(std::string m) { return {ErrorCode::kUnauthenticated, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {ErrorCode::kFailedPrecondition, std::move(m)};
}
inline Status ResourceExhausted(std::string m) {
  return {ErrorCode::kResourceExhausted, std::move(m)};
}
inline Status Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceeded(std::string m) {
  return {ErrorCode::kDeadlineExceeded, std::move(m)};
}
inline Status Cancelled(std::string m) { return {ErrorCode::kCancelled, std::move(m)}; }
inline Status ProtocolError(std::string m) { return {ErrorCode::kProtocol, std::move(m)}; }
inline Status IoError(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
inline Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

// A value of type T, or the Status explaining why there is none.
// REQUIRES: a Result is never built from an OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  // REQUIRES: ok()
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // OK when ok(), the error otherwise.
  Status status() const { return ok() ? Status::Ok() : std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace cocoon

#define COCOON_CONCAT_INNER(a, b) a##b
#define COCOON_CONCAT(a, b) COCOON_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` is not OK.
#define COCOON_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::cocoon::Status cocoon_status_ = (expr);        \
    if (!cocoon_status_.ok()) return cocoon_status_; \
  } while (0)

// Evaluates a Result expression; on error returns its Status, otherwise moves
// the value into `lhs` (which may be a declaration, e.g. `auto x`).
#define COCOON_ASSIGN_OR_RETURN(lhs, expr) \
  COCOON_ASSIGN_OR_RETURN_IMPL(COCOON_CONCAT(cocoon_result_, __LINE__), lhs, expr)
#define COCOON_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
