#include "status_to_http.h"

#include "tierguard/api_json.h"

namespace tg::server {

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

std::string ErrorBody(std::string_view code, std::string_view message) {
  return api::ErrorJson(code, message);
}

std::string ErrorBody(const Status& status) {
  return ErrorBody(StatusCodeName(status.code()), status.message());
}

}  // namespace tg::server
