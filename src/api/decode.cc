// The bodies callers send, read strictly: every error names the field.
#include <algorithm>

#include <simdjson.h>

#include "tierguard/api_json.h"

namespace tg::api {

namespace {

// One JSON object's fields, each read once; the first error is kept.
class Body {
 public:
  Body(std::string_view json, std::initializer_list<std::string_view> known) {
    if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return;  // an empty body: every field absent
    }
    if (parser_.parse(json.data(), json.size()).get(doc_) || doc_.get_object().get(obj_)) {
      Fail(InvalidArgument("the body is not a JSON object"));
      return;
    }
    present_ = true;
    for (auto field : obj_) {
      if (std::find(known.begin(), known.end(), field.key) == known.end()) {
        std::string list;
        for (std::string_view k : known) {
          list += (list.empty() ? "" : ", ") + std::string(k);
        }
        Fail(InvalidArgument(std::string(field.key) + ": unknown key (known: " + list + ")"));
        return;
      }
    }
  }
  std::optional<std::string> Text(const char* key) {
    simdjson::dom::element e;
    if (!Has(key, e)) {
      return std::nullopt;
    }
    std::string_view s;
    if (e.get_string().get(s)) {
      Fail(InvalidArgument(std::string(key) + ": a string"));
      return std::nullopt;
    }
    return std::string(s);
  }
  std::optional<double> Number(const char* key) {
    simdjson::dom::element e;
    double d = 0;
    if (!Has(key, e)) {
      return std::nullopt;
    }
    if (e.get_double().get(d) || !(d >= 0)) {
      Fail(InvalidArgument(std::string(key) + ": a number 0 or more"));
      return std::nullopt;
    }
    return d;
  }
  std::optional<int64_t> Whole(const char* key) {
    simdjson::dom::element e;
    int64_t n = 0;
    if (!Has(key, e)) {
      return std::nullopt;
    }
    if (e.get_int64().get(n) || n < 0) {
      Fail(InvalidArgument(std::string(key) + ": a whole number 0 or more"));
      return std::nullopt;
    }
    return n;
  }
  std::optional<bool> Flag(const char* key) {
    simdjson::dom::element e;
    bool b = false;
    if (!Has(key, e)) {
      return std::nullopt;
    }
    if (e.get_bool().get(b)) {
      Fail(InvalidArgument(std::string(key) + ": true or false"));
      return std::nullopt;
    }
    return b;
  }
  std::optional<Date> Day(const char* key) {
    const auto text = Text(key);
    if (!text) {
      return std::nullopt;
    }
    auto d = Date::Parse(*text);
    if (!d) {
      Fail(d.error().WithPrefix(key));
      return std::nullopt;
    }
    return *d;
  }
  // A string, or an array of strings.
  std::vector<std::string> Texts(const char* key) {
    std::vector<std::string> out;
    simdjson::dom::element e;
    if (!Has(key, e)) {
      return out;
    }
    std::string_view s;
    if (!e.get_string().get(s)) {
      out.emplace_back(s);
      return out;
    }
    simdjson::dom::array a;
    if (e.get_array().get(a)) {
      Fail(InvalidArgument(std::string(key) + ": a string or an array of strings"));
      return out;
    }
    for (simdjson::dom::element item : a) {
      if (item.get_string().get(s)) {
        Fail(InvalidArgument(std::string(key) + ": a string or an array of strings"));
        return out;
      }
      out.emplace_back(s);
    }
    return out;
  }
  Status Required(const char* key, bool given) {
    if (!given && status_.ok()) {
      Fail(InvalidArgument(std::string(key) + ": required"));
    }
    return status_;
  }
  const Status& Outcome() const { return status_; }

 private:
  bool Has(const char* key, simdjson::dom::element& out) {
    return status_.ok() && present_ && obj_[key].get(out) == simdjson::SUCCESS;
  }
  void Fail(Status s) {
    if (status_.ok()) {
      status_ = std::move(s);
    }
  }
  simdjson::dom::parser parser_;
  simdjson::dom::element doc_;
  simdjson::dom::object obj_;
  bool present_ = false;
  Status status_;
};

// The terms an application and a licence share: what they cover and up to how much.
template <typename T>
void ReadTerms(Body& b, T& out) {
  out.regime = b.Text("regime").value_or("");
  out.eccns = b.Texts("eccns");
  for (std::string& e : b.Texts("eccn")) {
    out.eccns.push_back(std::move(e));
  }
  out.destination = b.Text("destination").value_or("");
  out.consignee = b.Text("consignee").value_or("");
  out.quantity = b.Whole("quantity").value_or(0);
  out.value_usd = b.Number("value_usd").value_or(0);
  out.tpp = b.Number("tpp").value_or(0);
}

Status CheckPeriod(const Date& from, const Date& to) {
  if (from > to) {
    return InvalidArgument("from: " + from.ToString() + " is after to (" + to.ToString() + ")");
  }
  return Status::Ok();
}

}  // namespace

Result<ApplicationBody> ParseApplicationBody(std::string_view json) {
  Body b(json, {"id", "regime", "eccn", "eccns", "destination", "consignee", "quantity",
                "value_usd", "tpp", "from", "to", "submit"});
  ApplicationBody out;
  out.id = b.Text("id").value_or("");
  ReadTerms(b, out);
  out.from = b.Day("from");
  const auto to = b.Day("to");
  out.submit = b.Flag("submit").value_or(true);
  TG_RETURN_IF_ERROR(b.Required("destination", !out.destination.empty()));
  TG_RETURN_IF_ERROR(b.Required("eccn", !out.eccns.empty()));
  TG_RETURN_IF_ERROR(b.Required("to", to.has_value()));
  out.to = *to;
  if (out.from) {
    TG_RETURN_IF_ERROR(CheckPeriod(*out.from, out.to));
  }
  return out;
}

Result<LicenseBody> ParseLicenseBody(std::string_view json) {
  Body b(json, {"number", "regime", "eccn", "eccns", "destination", "consignee", "quantity",
                "value_usd", "tpp", "from", "to", "conditions"});
  LicenseBody out;
  out.number = b.Text("number").value_or("");
  ReadTerms(b, out);
  const auto from = b.Day("from");
  const auto to = b.Day("to");
  out.conditions = b.Text("conditions").value_or("");
  TG_RETURN_IF_ERROR(b.Required("number", !out.number.empty()));
  TG_RETURN_IF_ERROR(b.Required("destination", !out.destination.empty()));
  TG_RETURN_IF_ERROR(b.Required("eccn", !out.eccns.empty()));
  TG_RETURN_IF_ERROR(b.Required("from", from.has_value()));
  TG_RETURN_IF_ERROR(b.Required("to", to.has_value()));
  out.from = *from;
  out.to = *to;
  TG_RETURN_IF_ERROR(CheckPeriod(out.from, out.to));
  return out;
}

Result<PartyBody> ParsePartyBody(std::string_view json) {
  Body b(json, {"id", "name", "country", "address", "beneficial_owners"});
  PartyBody out{.id = b.Text("id").value_or(""),
                .name = b.Text("name").value_or(""),
                .country = b.Text("country").value_or(""),
                .address = b.Text("address").value_or(""),
                .beneficial_owners = b.Texts("beneficial_owners")};
  TG_RETURN_IF_ERROR(b.Required("id", !out.id.empty()));
  TG_RETURN_IF_ERROR(b.Required("name", !out.name.empty()));
  TG_RETURN_IF_ERROR(b.Required("country", !out.country.empty()));
  return out;
}

Result<LinkBody> ParseLinkBody(std::string_view json) {
  Body b(json, {"to", "kind", "share"});
  LinkBody out{.to = b.Text("to").value_or(""),
               .kind = b.Text("kind").value_or(""),
               .share = b.Number("share").value_or(0)};
  TG_RETURN_IF_ERROR(b.Required("to", !out.to.empty()));
  TG_RETURN_IF_ERROR(b.Required("kind", !out.kind.empty()));
  return out;
}

Result<AgreementBody> ParseAgreementBody(std::string_view json) {
  Body b(json, {"id", "country", "cap", "increase", "from", "to", "citation"});
  AgreementBody out;
  out.id = b.Text("id").value_or("");
  out.country = b.Text("country").value_or("");
  out.cap = b.Text("cap").value_or("");
  const auto increase = b.Number("increase");
  const auto from = b.Day("from");
  out.to = b.Day("to");
  out.citation = b.Text("citation").value_or("");
  TG_RETURN_IF_ERROR(b.Required("id", !out.id.empty()));
  TG_RETURN_IF_ERROR(b.Required("country", !out.country.empty()));
  TG_RETURN_IF_ERROR(b.Required("cap", !out.cap.empty()));
  TG_RETURN_IF_ERROR(b.Required("increase", increase.has_value()));
  TG_RETURN_IF_ERROR(b.Required("from", from.has_value()));
  out.increase = *increase;
  out.from = *from;
  if (out.to) {
    TG_RETURN_IF_ERROR(CheckPeriod(out.from, *out.to));
  }
  return out;
}

Result<VeuBody> ParseVeuBody(std::string_view json) {
  Body b(json, {"id", "kind", "holder", "headquarters", "parent_headquarters", "regime", "eccn",
                "eccns", "country", "locations", "limit_tpp", "total_tpp", "tier2_share",
                "country_share", "from", "to"});
  VeuBody out;
  out.id = b.Text("id").value_or("");
  out.kind = b.Text("kind").value_or("");
  out.holder = b.Text("holder").value_or("");
  out.headquarters = b.Text("headquarters").value_or("");
  out.parent_headquarters = b.Text("parent_headquarters").value_or("");
  out.regime = b.Text("regime").value_or("");
  out.eccns = b.Texts("eccns");
  for (std::string& e : b.Texts("eccn")) {
    out.eccns.push_back(std::move(e));
  }
  out.country = b.Text("country").value_or("");
  out.locations = b.Texts("locations");
  out.limit_tpp = b.Number("limit_tpp").value_or(0);
  out.total_tpp = b.Number("total_tpp").value_or(0);
  out.tier2_share = b.Number("tier2_share").value_or(0);
  out.country_share = b.Number("country_share").value_or(0);
  const auto from = b.Day("from");
  out.to = b.Day("to");
  TG_RETURN_IF_ERROR(b.Required("id", !out.id.empty()));
  TG_RETURN_IF_ERROR(b.Required("kind", !out.kind.empty()));
  TG_RETURN_IF_ERROR(b.Required("holder", !out.holder.empty()));
  TG_RETURN_IF_ERROR(b.Required("eccn", !out.eccns.empty()));
  TG_RETURN_IF_ERROR(b.Required("from", from.has_value()));
  out.from = *from;
  if (out.to) {
    TG_RETURN_IF_ERROR(CheckPeriod(out.from, *out.to));
  }
  return out;
}

Result<NotificationBody> ParseNotificationBody(std::string_view json) {
  Body b(json, {"id", "party", "destination", "filed", "quantity", "value_usd"});
  NotificationBody out;
  out.id = b.Text("id").value_or("");
  out.party = b.Text("party").value_or("");
  out.destination = b.Text("destination").value_or("");
  const auto filed = b.Day("filed");
  out.quantity = b.Whole("quantity").value_or(0);
  out.value_usd = b.Number("value_usd").value_or(0);
  TG_RETURN_IF_ERROR(b.Required("id", !out.id.empty()));
  TG_RETURN_IF_ERROR(b.Required("party", !out.party.empty()));
  TG_RETURN_IF_ERROR(b.Required("destination", !out.destination.empty()));
  TG_RETURN_IF_ERROR(b.Required("filed", filed.has_value()));
  out.filed = *filed;
  return out;
}

Result<AnswerBody> ParseAnswerBody(std::string_view json, bool confirmation) {
  Body b(json, {"confirmation", "date"});
  AnswerBody out;
  out.confirmation = b.Text("confirmation").value_or("");
  const auto date = b.Day("date");
  if (confirmation) {
    TG_RETURN_IF_ERROR(b.Required("confirmation", !out.confirmation.empty()));
  } else if (!out.confirmation.empty()) {
    return InvalidArgument("confirmation: a refusal carries none");
  }
  TG_RETURN_IF_ERROR(b.Required("date", date.has_value()));
  out.date = *date;
  return out;
}

Result<ClearanceBody> ParseClearanceBody(std::string_view json) {
  Body b(json, {"party_id", "party_name", "country", "birth_date", "entry", "reason", "expires"});
  ClearanceBody out{.party_id = b.Text("party_id").value_or(""),
                    .party_name = b.Text("party_name").value_or(""),
                    .country = b.Text("country").value_or(""),
                    .birth_date = b.Text("birth_date").value_or(""),
                    .entry = b.Text("entry").value_or(""),
                    .reason = b.Text("reason").value_or(""),
                    .expires = b.Text("expires").value_or("")};
  TG_RETURN_IF_ERROR(b.Required("party_name", !out.party_name.empty()));
  TG_RETURN_IF_ERROR(b.Required("entry", !out.entry.empty()));
  TG_RETURN_IF_ERROR(b.Required("reason", !out.reason.empty()));
  return out;
}

Result<ApprovalBody> ParseApprovalBody(std::string_view json) {
  Body b(json, {"number", "valid_from"});
  ApprovalBody out{.number = b.Text("number").value_or(""), .valid_from = b.Day("valid_from")};
  TG_RETURN_IF_ERROR(b.Outcome());
  return out;
}

Result<std::string> ParseReasonBody(std::string_view json) {
  Body b(json, {"reason"});
  auto reason = b.Text("reason");
  TG_RETURN_IF_ERROR(b.Required("reason", reason.has_value() && !reason->empty()));
  return *reason;
}

Result<KeyBody> ParseKeyBody(std::string_view json) {
  Body b(json, {"name", "role"});
  KeyBody out;
  out.name = b.Text("name").value_or("");
  const auto role = b.Text("role");
  TG_RETURN_IF_ERROR(b.Required("name", !out.name.empty()));
  TG_RETURN_IF_ERROR(b.Required("role", role.has_value()));
  if (!ParseRole(*role, out.role)) {
    return InvalidArgument("role: '" + *role +
                           "' is none of viewer, clerk, officer, approver, auditor, admin");
  }
  return out;
}

}  // namespace tg::api
