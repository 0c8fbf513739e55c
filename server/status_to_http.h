// The one place a Status becomes an HTTP answer: its status line and the error body of
// ../shared/spec/http.md, {"error": {"code": CODE, "message": TEXT}}.
#pragma once

#include <string>

#include "tierguard/status.h"

namespace tg::server {

// The HTTP status of a non-OK status's code.
int HttpStatusOf(StatusCode code);
// The error body of a non-OK status.
std::string ErrorBody(const Status& status);
// An error body for a failure the HTTP layer finds itself (payload_too_large, not_found
// for a path no route serves).
std::string ErrorBody(std::string_view code, std::string_view message);

}  // namespace tg::server
