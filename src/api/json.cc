#include "tierguard/api_json.h"

#include "src/common/json_writer.h"
#include "src/common/text.h"

namespace tg::api {

namespace {

// Dates that may be open-ended ("to": no end) are "" when open.
std::string OpenDate(Date d) { return d == Date::Max() ? std::string() : d.ToString(); }

JsonWriter& List(JsonWriter& w, std::string_view key, const std::vector<std::string>& values) {
  w.Key(key).BeginArray();
  for (const std::string& v : values) {
    w.String(v);
  }
  return w.EndArray();
}

// What is left of a licence limit; -1 when the licence sets no limit of that kind.
double Left(double limit, double used) { return limit > 0 ? limit - used : -1; }

template <typename Fill>
std::string Object(Fill fill) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  fill(w);
  w.EndObject();
  return out;
}

}  // namespace

std::string ToJson(const LicenseStatus& v) {
  const License& l = v.license;
  return Object([&](JsonWriter& w) {
    w.Key("number").String(l.number).Key("regime").String(l.regime);
    List(w, "eccns", l.eccns).Key("destination").String(l.destination.ToString());
    w.Key("consignee").String(l.consignee).Key("quantity_limit").Int(l.quantity_limit);
    w.Key("value_limit_usd").Number(l.value_limit_usd).Key("tpp_limit").Number(l.tpp_limit);
    w.Key("valid_from")
        .String(l.valid_from.ToString())
        .Key("valid_to")
        .String(l.valid_to.ToString());
    w.Key("conditions").String(l.conditions).Key("state").String(StateName(l.state));
    w.Key("approved_by").String(l.approved_by);
    if (l.state == LicenseState::kRevoked) {
      w.Key("revocation").String(l.revocation);
    }
    const auto quantity_used = static_cast<double>(v.quantity_used);
    w.Key("quantity_used").Number(quantity_used).Key("tpp_used").Number(v.tpp_used);
    w.Key("value_used_usd").Number(v.value_used_usd);
    w.Key("quantity_left").Number(Left(static_cast<double>(l.quantity_limit), quantity_used));
    w.Key("tpp_left").Number(Left(l.tpp_limit, v.tpp_used));
    w.Key("value_left_usd").Number(Left(l.value_limit_usd, v.value_used_usd));
  });
}

std::string ToJson(const LicenseApplication& v) {
  return Object([&](JsonWriter& w) {
    w.Key("id").String(v.id).Key("requester").String(v.requester).Key("regime").String(v.regime);
    List(w, "eccns", v.eccns).Key("destination").String(v.destination.ToString());
    w.Key("consignee").String(v.consignee).Key("quantity").Int(v.quantity);
    w.Key("value_usd").Number(v.value_usd).Key("tpp").Number(v.tpp);
    w.Key("valid_to").String(v.valid_to.ToString()).Key("state").String(StateName(v.state));
    w.Key("approver").String(v.approver).Key("reason").String(v.reason);
    w.Key("license_number").String(v.license_number);
    if (v.valid_from) {
      w.Key("valid_from").String(v.valid_from->ToString());
    }
  });
}

std::string ToJson(const Notification& v) {
  return Object([&](JsonWriter& w) {
    w.Key("id").String(v.id).Key("party").String(v.party);
    w.Key("destination").String(v.destination.ToString()).Key("filed").String(v.filed.ToString());
    w.Key("quantity_limit").Int(v.quantity_limit).Key("value_limit_usd").Number(v.value_limit_usd);
    w.Key("state").String(StateName(v.state)).Key("confirmation").String(v.confirmation);
    w.Key("answered").String(OpenDate(v.answered));
  });
}

std::string ToJson(const Veu& v) {
  return Object([&](JsonWriter& w) {
    w.Key("id").String(v.id).Key("kind").String(v.kind).Key("holder").String(v.holder);
    w.Key("headquarters").String(v.headquarters.ToString());
    w.Key("parent_headquarters").String(v.parent_headquarters.ToString());
    List(w.Key("regime").String(v.regime), "eccns", v.eccns);
    List(w.Key("country").String(v.country.ToString()), "locations", v.locations);
    w.Key("limit_tpp").Number(v.limit_tpp).Key("total_tpp").Number(v.total_tpp);
    w.Key("tier2_share").Number(v.tier2_share).Key("country_share").Number(v.country_share);
    w.Key("valid_from")
        .String(v.valid_from.ToString())
        .Key("valid_to")
        .String(OpenDate(v.valid_to));
  });
}

std::string ToJson(const Agreement& v) {
  return Object([&](JsonWriter& w) {
    w.Key("id").String(v.id).Key("country").String(v.country.ToString()).Key("cap").String(v.cap);
    w.Key("increase").Number(v.increase).Key("from").String(v.from.ToString());
    w.Key("to").String(OpenDate(v.to)).Key("citation").String(v.citation);
  });
}

namespace {

void PartyFields(JsonWriter& w, const PartyRecord& v) {
  w.Key("id").String(v.id).Key("name").String(v.name).Key("country").String(v.country.ToString());
  List(w.Key("address").String(v.address), "beneficial_owners", v.beneficial_owners);
}

}  // namespace

std::string ToJson(const PartyRecord& v) {
  return Object([&](JsonWriter& w) { PartyFields(w, v); });
}

std::string ToJson(const PartyView& v) {
  return Object([&](JsonWriter& w) {
    PartyFields(w, v.party);
    w.Key("links").BeginArray();
    for (const PartyLink& link : v.links) {
      w.BeginObject().Key("from").String(link.from).Key("to").String(link.to);
      w.Key("kind").String(link.kind).Key("share").Number(link.share).EndObject();
    }
    w.EndArray().Key("group").String(v.group);
    List(w, "group_members", v.group_members);
  });
}

std::string ToJson(const MovementRecord& v) {
  return Object([&](JsonWriter& w) {
    w.Key("id").String(v.id).Key("kind").String(v.reservation ? "reservation" : "shipment");
    w.Key("state").String(StateName(v.state)).Key("date").String(v.date);
    w.Key("consignee").String(v.consignee).Key("group").String(v.group);
    w.Key("recorded_at").Int(v.recorded_at);
    if (v.reservation) {
      w.Key("expires_at").Int(v.expires_at);
    }
    w.Key("audit_index").Int(static_cast<int64_t>(v.audit_index));
  });
}

std::string ToJson(const CapUsage& v) {
  return Object([&](JsonWriter& w) {
    w.Key("cap").String(v.cap).Key("key").String(v.key).Key("used").Number(v.used_tpp);
    w.Key("limits").BeginObject();
    for (const CapUsage::Limit& l : v.limits) {
      w.Key(l.regime).BeginObject().Key("limit").Number(l.limit_tpp);
      w.Key("headroom").Number(l.headroom_tpp).EndObject();
    }
    w.EndObject();
  });
}

// An alert is answered as the log holds it, so a reviewer reads the same fields in both.
std::string ToJson(const Alert& v) { return v.record; }

std::string ToJson(const KeptList& v) {
  return Object([&](JsonWriter& w) {
    w.Key("list").String(v.name).Key("version").String(v.version).Key("format").String(v.format);
    w.Key("source").String(v.source).Key("entries").Int(v.entries);
  });
}

std::string ToJson(const ClearedHit& v) {
  return Object([&](JsonWriter& w) {
    w.Key("party").String(v.party_name).Key("party_id").String(v.party_id);
    w.Key("country").String(v.country.ToString()).Key("birth_date").String(v.birth_date);
    w.Key("party_key").String(v.party_key).Key("list").String(v.list);
    w.Key("list_version").String(v.list_version).Key("entry_id").String(v.entry_id);
    w.Key("entry_name").String(v.entry_name).Key("entry_digest").String(v.entry_digest);
    w.Key("reason").String(v.reason).Key("expires").String(v.expires);
    w.Key("reviewer").String(v.reviewer).Key("cleared_at").Int(v.cleared_at);
  });
}

std::string ToJson(const OpenHit& v) {
  return Object([&](JsonWriter& w) {
    w.Key("party").String(v.party).Key("party_name").String(v.party_name);
    w.Key("country").String(v.country.ToString()).Key("list").String(v.list);
    w.Key("list_version").String(v.list_version).Key("entry_id").String(v.entry_id);
    w.Key("name").String(v.entry_name).Key("matched_name").String(v.matched_name);
    w.Key("score").Number(v.score);
  });
}

std::string ToJson(const ApiKey& v) {
  return Object([&](JsonWriter& w) {
    w.Key("name").String(v.name).Key("role").String(RoleName(v.role));
    w.Key("created").Int(v.created).Key("last_used").Int(v.last_used);
    w.Key("revoked").Int(v.revoked);
  });
}

int JsonDepth(std::string_view json) {
  bool in_string = false;
  int deepest = 0;
  JsonDepthChange(json, in_string, &deepest);
  return deepest;
}

std::string QuoteJson(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

std::string FieldsJson(
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  return Object([&](JsonWriter& w) {
    for (const auto& [key, value] : fields) {
      w.Key(key).String(value);
    }
  });
}

std::string ErrorJson(std::string_view code, std::string_view message) {
  return Object([&](JsonWriter& w) {
    w.Key("error").BeginObject().Key("code").String(code);
    w.Key("message").String(message).EndObject();
  });
}

std::string PageJson(const std::vector<std::string>& items, std::string_view next) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("items").BeginArray();
  for (const std::string& item : items) {
    w.Raw(item);
  }
  w.EndArray().Key("next");
  if (next.empty()) {
    w.Null();
  } else {
    w.String(next);
  }
  w.EndObject();
  return out;
}

std::string ToJson(const CustomerRecord& c) {
  std::string out;
  JsonWriter w(out);
  auto strings = [&](std::string_view key, const std::vector<std::string>& values) {
    w.Key(key).BeginArray();
    for (const std::string& v : values) {
      w.String(v);
    }
    w.EndArray();
  };
  w.BeginObject().Key("id").String(c.id).Key("name").String(c.name);
  w.Key("address").String(c.address).Key("country").String(c.country.ToString());
  strings("accounts", c.accounts);
  w.Key("payment_means").BeginArray();
  for (const PaymentMeans& p : c.payment_means) {
    w.BeginObject().Key("kind").String(p.kind).Key("fingerprint").String(p.fingerprint);
    w.EndObject();
  }
  w.EndArray();
  strings("emails", c.emails);
  strings("phones", c.phones);
  strings("ip_addresses", c.ip_addresses);
  w.Key("beneficial_owners").BeginArray();
  for (const BeneficialOwner& o : c.beneficial_owners) {
    w.BeginObject().Key("name").String(o.name);
    if (!o.country.empty()) {
      w.Key("country").String(o.country.ToString());
    }
    if (o.share > 0) {
      w.Key("share").Number(o.share);
    }
    w.EndObject();
  }
  w.EndArray();
  if (c.reseller.empty()) {
    w.Key("reseller").Null();
  } else {
    w.Key("reseller").String(c.reseller);
  }
  w.Key("verified").Bool(c.verified);
  if (c.biological_sequence_data) {
    w.Key("biological_sequence_data").Bool(true);
  }
  w.EndObject();
  return out;
}

namespace {

void Standings(JsonWriter& w, const std::vector<ComputeStanding>& standings) {
  w.Key("controlled_compute").BeginArray();
  for (const ComputeStanding& s : standings) {
    w.BeginObject().Key("regime").String(s.regime).Key("refused").Bool(s.refused);
    w.Key("outcome").String(s.outcome).Key("reason").String(s.reason).EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string ToJson(const CustomerAdded& v) {
  return Object([&](JsonWriter& w) {
    w.Key("id").String(v.id).Key("updated").Bool(v.updated).Key("alerts").Int(v.alerts);
    Standings(w, v.compute);
  });
}

std::string ToJson(const CustomerView& v) {
  return Object([&](JsonWriter& w) {
    w.Key("customer").Raw(ToJson(v.customer));
    List(w, "linked", v.linked);
    Standings(w, v.compute);
  });
}

std::string ToJson(const UsageIngest& v) {
  return Object([&](JsonWriter& w) {
    w.Key("records").Int(v.records).Key("duplicates").Int(v.duplicates);
    w.Key("operations_added").Number(v.operations_added);
    w.Key("aggregates").Int(v.cells).Key("unknown_accounts").Int(v.unknown_accounts);
    List(w, "runs_reported", v.runs_reported);
    List(w, "runs_updated", v.runs_updated);
  });
}

namespace {

void Countries(JsonWriter& w, std::string_view key, const std::vector<Country>& countries) {
  w.Key(key).BeginArray();
  for (Country c : countries) {
    w.String(c.ToString());
  }
  w.EndArray();
}

void MaybeDate(JsonWriter& w, std::string_view key, const std::optional<Date>& d) {
  if (d) {
    w.Key(key).String(d->ToString());
  }
}

}  // namespace

std::string ToJson(const ModelRecord& m) {
  return Object([&](JsonWriter& w) {
    w.Key("id").String(m.id).Key("name").String(m.name);
    w.Key("developer").BeginObject().Key("name").String(m.developer);
    if (m.developer_country) {
      w.Key("country").String(m.developer_country->ToString());
    }
    w.EndObject();
    if (m.base_model.empty()) {
      w.Key("base_model").Null();
    } else {
      w.Key("base_model").String(m.base_model);
    }
    w.Key("published").Bool(m.published);
    Countries(w, "weights_origin", m.weights_origin);
    w.Key("training_runs").BeginArray();
    for (const TrainingRun& r : m.training_runs) {
      w.BeginObject().Key("id").String(r.id);
      MaybeDate(w, "start", r.start);
      MaybeDate(w, "end", r.end);
      if (r.operations) {
        w.Key("operations").Number(*r.operations);
      }
      Countries(w, "data_origin", r.data_origin);
      w.Key("biological_sequence_data").Bool(r.biological_sequence_data);
      if (r.compute) {
        const ComputeUse& c = *r.compute;
        w.Key("compute").BeginObject().Key("provider").String(c.provider);
        if (!c.country.empty()) {
          w.Key("country").String(c.country.ToString());
        }
        w.Key("accelerator").String(c.accelerator).Key("count").Int(c.count);
        w.Key("hours").Number(c.hours).Key("utilization").Number(c.utilization).EndObject();
      }
      w.EndObject();
    }
    w.EndArray().Key("releases").BeginArray();
    for (const Release& r : m.releases) {
      w.BeginObject()
          .Key("date")
          .String(r.date.ToString())
          .Key("approved_by")
          .String(r.approved_by);
      w.Key("evaluations").BeginArray();
      for (const Evaluation& e : r.evaluations) {
        w.BeginObject().Key("kind").String(e.kind).Key("by").String(e.by);
        MaybeDate(w, "date", e.date);
        w.Key("result").String(e.result).EndObject();
      }
      w.EndArray().EndObject();
    }
    w.EndArray();
  });
}

std::string ToJson(const ModelAdded& v) {
  return Object([&](JsonWriter& w) {
    w.Key("id").String(v.id).Key("state").String(v.updated ? "updated" : "added");
    List(w, "findings", v.findings);
  });
}

std::string ToJson(const ModelView& v) {
  return Object([&](JsonWriter& w) {
    w.Key("model").Raw(ToJson(v.model));
    w.Key("operations").Number(v.total_operations).Key("own_operations").Number(v.own_operations);
    List(w, "lineage", v.lineage);
    List(w, "findings", v.findings);
    w.Key("runs").BeginArray();
    for (const RunEstimate& r : v.runs) {
      w.BeginObject().Key("run").String(r.run).Key("operations").Number(r.operations);
      w.Key("estimated").Bool(r.estimated);
      if (r.estimated) {
        w.Key("estimate").BeginObject().Key("accelerator").String(r.accelerator);
        w.Key("precision")
            .String(r.precision)
            .Key("peak_ops_per_second")
            .Number(r.peak_ops_per_second);
        w.Key("count").Int(r.count).Key("hours").Number(r.hours);
        w.Key("utilization").Number(r.utilization).EndObject();
      }
      w.EndObject();
    }
    w.EndArray();
  });
}

std::string ToJson(const ModelClassification& c) {
  return Object([&](JsonWriter& w) {
    w.Key("regime").String(c.regime).Key("regime_status").String(c.regime_status);
    w.Key("regime_effective").String(c.regime_effective).Key("enforced").Bool(c.enforced);
    w.Key("eccn").String(c.eccn);
    w.Key("paragraph").String(c.paragraph).Key("classification").String(c.version);
    w.Key("operations").Number(c.operations).Key("published").Bool(c.published);
    w.Key("controlled_ai_asset").Bool(c.controlled_ai_asset);
    List(w, "lineage", c.lineage);
    w.Key("reason").String(c.reason);
  });
}

std::string ToJson(const Transfer& t) {
  return Object([&](JsonWriter& w) {
    w.Key("id").String(t.id).Key("date").String(t.date.ToString()).Key("model").String(t.model);
    w.Key("kind").String(t.kind).Key("access").String(t.access);
    const TransferRecipient& r = t.recipient;
    w.Key("recipient").BeginObject().Key("id").String(r.id).Key("name").String(r.name);
    w.Key("country").String(r.country.ToString());
    w.Key("headquarters")
        .String(r.headquarters.empty() ? r.country.ToString() : r.headquarters.ToString());
    if (r.nationality.empty()) {
      w.Key("nationality").Null();
    } else {
      w.Key("nationality").String(r.nationality.ToString());
    }
    if (!r.employer.empty()) {
      w.Key("employer").String(r.employer);
    }
    w.EndObject();
    if (!t.regime.empty()) {
      w.Key("regime").String(t.regime);
    }
    w.Key("requester").String(t.requester).Key("state").String(TransferStateName(t.state));
    w.Key("outcome").String(t.outcome).Key("decided_as").String(t.decided_as);
    w.Key("decision").Raw(t.decision.empty() ? "null" : t.decision);
    w.Key("approver").String(t.approver).Key("reason").String(t.reason);
  });
}

}  // namespace tg::api
