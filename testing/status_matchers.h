// gMock matchers for Status and Result<T>: IsOk(), StatusIs(code), StatusIs(code, substr).
#pragma once

#include <gmock/gmock.h>

#include "tierguard/status.h"

namespace tg::testing {

inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
Status GetStatus(const Result<T>& r) {
  return r.status();
}

MATCHER(IsOk, "is OK") {
  const Status s = GetStatus(arg);
  if (!s.ok()) {
    *result_listener << "status is " << s.ToString();
  }
  return s.ok();
}

MATCHER_P(StatusIs, code, "has status code " + std::string(StatusCodeName(code))) {
  const Status s = GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, substring,
           "has status code " + std::string(StatusCodeName(code)) + " and a message containing " +
               std::string(substring)) {
  const Status s = GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code && s.message().find(substring) != std::string::npos;
}

}  // namespace tg::testing
