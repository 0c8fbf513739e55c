#include "src/kyc/customer_json.h"

#include "src/common/json_fields.h"

namespace tg::kyc {

Result<CustomerRecord> ParseCustomerRecord(std::string_view json, int line,
                                           const CountryTable& countries) {
  const std::string where = "line " + std::to_string(line);
  simdjson::dom::parser parser;
  TG_ASSIGN_OR_RETURN(const simdjson::dom::element doc, json::ParseDocument(parser, json, where));
  Status error;
  json::Fields f(
      doc, where + ": customer", countries, error,
      {"id", "name", "address", "country", "accounts", "payment_means", "emails", "phones",
       "ip_addresses", "beneficial_owners", "reseller", "verified", "biological_sequence_data"});
  CustomerRecord c;
  c.id = f.Text("id", /*required=*/true);
  c.name = f.Text("name", /*required=*/true);
  c.address = f.Text("address");
  c.country = f.Place("country").value_or(Country());
  c.accounts = f.Texts("accounts");
  f.Each("payment_means", [&](simdjson::dom::element e, const std::string& at) {
    json::Fields p(e, at, countries, error, {"kind", "fingerprint"});
    c.payment_means.push_back(
        {.kind = p.Text("kind", true), .fingerprint = p.Text("fingerprint", true)});
  });
  c.emails = f.Texts("emails");
  c.phones = f.Texts("phones");
  c.ip_addresses = f.Texts("ip_addresses");
  f.Each("beneficial_owners", [&](simdjson::dom::element e, const std::string& at) {
    json::Fields o(e, at, countries, error, {"name", "country", "share"});
    c.beneficial_owners.push_back({.name = o.Text("name", true),
                                   .country = o.Place("country").value_or(Country()),
                                   .share = o.Number("share", 1).value_or(0)});
  });
  c.reseller = f.Text("reseller");
  c.verified = f.Flag("verified");
  c.biological_sequence_data = f.Flag("biological_sequence_data");
  TG_RETURN_IF_ERROR(error);
  if (c.country.empty()) {
    return InvalidArgument(f.Name("country") + ": required");
  }
  if (c.reseller == c.id) {
    return InvalidArgument(f.Name("reseller") + ": a customer cannot be its own reseller");
  }
  return c;
}

}  // namespace tg::kyc
