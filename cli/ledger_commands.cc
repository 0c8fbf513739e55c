// The ledger's records: licences and applications, agreements, NAC notifications, VEUs,
// parties, and the reports over them (caps, check, alerts).
#include <cstdio>
#include <memory>

#include "app.h"
#include "output.h"

namespace tg::cli {

namespace {

constexpr const char* kAgreementFooter = R"(
A government-to-government agreement raises a cap (e.g. country_allocation) for one country by
the fraction F (1.0 doubles it), within the maximum the regime allows.)";

constexpr const char* kNacFooter = R"(
A License Exception NAC notification (15 CFR 740.8(a)(2)) is filed in SNAP-R at least 25 days
before export and covers shipments to one party up to the notified quantity and value. ship
records a NAC line only against a notification on record naming its consignee or end user (in
that party's country) that BIS confirmed and that was filed 25 days before the line's date;
otherwise the line needs a licence, and the decision says which notification is missing and
from when one could serve.)";

constexpr const char* kVeuFooter = R"(
The VEU is checked against the Data Center VEU rules of --regime (else the regime in force on
--from): no data centre in Macau or D:5; a universal holder headquartered, with its ultimate
parent, in the US or Supp. 5(a); a national holder not headquartered in Macau or D:5.
A shipment to the holder is licensed under the VEU while it fits: a national VEU's ceiling in
its country (the regime's quarterly schedule, or --limit-tpp if lower); a universal VEU's shares
of the holder's installed base in Tier 2 (the regime's maxima, or lower shares given here).
Macau and D:5 are never covered.)";

constexpr const char* kPartyFooter = R"(
Linked parties, and parties with the same address or beneficial owner, form one party group;
caps defined "per: group" and the structuring detector count the group together.)";

// The options a licence and an application share.
struct LicenseTerms {
  std::string eccns;
  std::string destination;
  std::string consignee;
  std::string regime;
  int64_t quantity = 0;
  double value = 0;
  double tpp = 0;
  std::optional<Date> from;
  std::optional<Date> to;
};

void AddTermOptions(CLI::App* cmd, LicenseTerms& t) {
  AddText(cmd, "--eccn", t.eccns, "the ECCNs it covers, comma-separated")
      ->type_name("E[,E...]")
      ->required();
  AddText(cmd, "--destination", t.destination, "the country")->type_name("CC")->required();
  AddText(cmd, "--consignee", t.consignee, "the one consignee it names")->type_name("ID");
  AddText(cmd, "--regime", t.regime, "the regime it is issued under")->type_name("ID");
  AddUnits(cmd, "--quantity", t.quantity, "units it allows (0: no unit limit)");
  AddAmount(cmd, "--value", t.value, "US dollars it allows (0: no value limit)")->type_name("USD");
  AddAmount(cmd, "--tpp", t.tpp, "TPP it allows (0: no TPP limit)")->type_name("T");
  AddDate(cmd, "--to", t.to, "the last day it is valid")->required();
}

void AddLicense(CLI::App& app, CommandTable& table) {
  CLI::App* license = app.add_subcommand("license",
                                         "licences and applications: add apply submit approve deny "
                                         "return revoke list show applications");
  license->require_subcommand(1);

  struct Add {
    LicenseTerms terms;
    std::string number;
    std::string conditions;
  };
  auto add = std::make_shared<Add>();
  CLI::App* add_cmd = license->add_subcommand("add", "record a licence BIS issued");
  AddText(add_cmd, "--number", add->number, "the licence number")->type_name("N")->required();
  AddTermOptions(add_cmd, add->terms);
  AddDate(add_cmd, "--from", add->terms.from, "the first day it is valid")->required();
  AddText(add_cmd, "--conditions", add->conditions, "its conditions, as issued");
  table.Add(add_cmd, Needs::kLedgerWrites, [add](const Context& c) {
    auto destination = c.engine().ParseCountry(add->terms.destination);
    if (!destination) {
      return BadOption("license add", "--destination", destination.error());
    }
    License l;
    l.number = add->number;
    l.regime = add->terms.regime;
    l.eccns = Split(add->terms.eccns);
    l.destination = *destination;
    l.consignee = add->terms.consignee;
    l.quantity_limit = add->terms.quantity;
    l.value_limit_usd = add->terms.value;
    l.tpp_limit = add->terms.tpp;
    l.valid_from = *add->terms.from;
    l.valid_to = *add->terms.to;
    l.conditions = add->conditions;
    if (const Status s = c.session().AddLicense(l); !s.ok()) {
      return Refused("license add", s);
    }
    std::printf("added licence %s\n", l.number.c_str());
    return kExitOk;
  });

  struct Apply {
    LicenseTerms terms;
    std::string id;
    bool draft = false;
  };
  auto apply = std::make_shared<Apply>();
  CLI::App* apply_cmd = license->add_subcommand(
      "apply",
      "file a licence application as the acting identity (--as), submitted unless --draft; "
      "prints its id");
  AddTermOptions(apply_cmd, apply->terms);
  AddText(apply_cmd, "--id", apply->id, "the application's id (default: one is given)");
  AddDate(apply_cmd, "--from", apply->terms.from,
          "the first day the licence is asked for (default: the day it is approved)");
  apply_cmd->add_flag("--draft", apply->draft, "keep it as a draft; submit it later")
      ->disable_flag_override();
  table.Add(apply_cmd, Needs::kLedgerWrites, [apply](const Context& c) {
    auto destination = c.engine().ParseCountry(apply->terms.destination);
    if (!destination) {
      return BadOption("license apply", "--destination", destination.error());
    }
    LicenseApplication a;
    a.id = apply->id;
    a.regime = apply->terms.regime;
    a.eccns = Split(apply->terms.eccns);
    a.destination = *destination;
    a.consignee = apply->terms.consignee;
    a.quantity = apply->terms.quantity;
    a.value_usd = apply->terms.value;
    a.tpp = apply->terms.tpp;
    a.valid_from = apply->terms.from;
    a.valid_to = *apply->terms.to;
    auto id = c.session().ApplyForLicense(a, !apply->draft);
    if (!id) {
      return Refused("license apply", id.error());
    }
    std::printf("%s\n", id->c_str());
    return kExitOk;
  });
  table.Require(apply_cmd, Permission::kRecord);

  auto submit_id = std::make_shared<std::string>();
  CLI::App* submit = license->add_subcommand("submit", "submit a draft application");
  submit->add_option("ID", *submit_id, "the application")->required();
  table.Add(submit, Needs::kLedgerWrites, [submit_id](const Context& c) {
    if (const Status s = c.session().SubmitApplication(*submit_id); !s.ok()) {
      return Refused("license submit", s);
    }
    std::printf("submitted %s\n", submit_id->c_str());
    return kExitOk;
  });
  table.Require(submit, Permission::kRecord);

  struct Decision {
    std::string id;
    std::string number;
    std::string reason;
    std::optional<Date> from;
  };
  auto approve = std::make_shared<Decision>();
  CLI::App* approve_cmd = license->add_subcommand(
      "approve",
      "approve a submitted application as the acting identity (--as), who may not be its "
      "requester: the licence is recorded");
  approve_cmd->add_option("ID", approve->id, "the application")->required();
  AddText(approve_cmd, "--number", approve->number, "the licence number (default: one is given)")
      ->type_name("N");
  AddDate(approve_cmd, "--from", approve->from,
          "the first day it is valid (default: the day the application asked for, else today)");
  table.Add(approve_cmd, Needs::kLedgerWrites, [approve](const Context& c) {
    auto number = c.session().ApproveApplication(approve->id, approve->number, approve->from);
    if (!number) {
      return Refused("license approve", number.error());
    }
    std::printf("approved %s: licence %s\n", approve->id.c_str(), number->c_str());
    return kExitOk;
  });
  table.Require(approve_cmd, Permission::kDecide);
  for (const bool deny : {true, false}) {
    auto d = std::make_shared<Decision>();
    const std::string verb = deny ? "deny" : "return";
    CLI::App* cmd = license->add_subcommand(
        verb, deny ? "deny a submitted application" : "return an application without action");
    cmd->add_option("ID", d->id, "the application")->required();
    AddText(cmd, "--reason", d->reason, "why")->required();
    table.Add(cmd, Needs::kLedgerWrites, [d, deny, verb](const Context& c) {
      const Status s = deny ? c.session().DenyApplication(d->id, d->reason)
                            : c.session().ReturnApplication(d->id, d->reason);
      if (!s.ok()) {
        return Refused("license " + verb, s);
      }
      std::printf("%s %s\n", deny ? "denied" : "returned", d->id.c_str());
      return kExitOk;
    });
    table.Require(cmd, Permission::kDecide);
  }

  auto revoke = std::make_shared<Decision>();
  CLI::App* revoke_cmd = license->add_subcommand(
      "revoke", "revoke a licence: no later order is licensed under it; what shipped stays");
  revoke_cmd->add_option("NUMBER", revoke->number, "the licence")->required();
  AddText(revoke_cmd, "--reason", revoke->reason, "why")->required();
  table.Add(revoke_cmd, Needs::kLedgerWrites, [revoke](const Context& c) {
    if (const Status s = c.session().RevokeLicense(revoke->number, revoke->reason); !s.ok()) {
      return Refused("license revoke", s);
    }
    std::printf("revoked licence %s\n", revoke->number.c_str());
    return kExitOk;
  });

  AddListing(license, table, "list", "the licences on record, with their balances",
             &Session::ListLicenses);
  AddListing(license, table, "applications", "the licence applications and their states",
             &Session::ListApplications);
  auto show = std::make_shared<std::string>();
  CLI::App* show_cmd = license->add_subcommand("show", "one licence, with its balances");
  show_cmd->add_option("NUMBER", *show, "the licence")->required();
  table.Add(show_cmd, Needs::kLedgerReads, [show](const Context& c) {
    return PrintRecord("license show", c.session().ShowLicense(*show));
  });
}

void AddAgreement(CLI::App& app, CommandTable& table) {
  CLI::App* agreement =
      app.add_subcommand("agreement", "government-to-government agreements: add, list");
  agreement->require_subcommand(1);
  agreement->footer(kAgreementFooter);
  struct Options {
    Agreement agreement;
    std::string country;
    std::optional<Date> from;
    std::optional<Date> to;
  };
  auto o = std::make_shared<Options>();
  CLI::App* add = agreement->add_subcommand("add", "record an agreement raising a cap");
  add->footer(kAgreementFooter);
  AddText(add, "--id", o->agreement.id, "its id")->required();
  AddText(add, "--country", o->country, "the country whose cap it raises")
      ->type_name("CC")
      ->required();
  AddText(add, "--cap", o->agreement.cap, "the cap it raises (e.g. country_allocation)")
      ->required();
  AddAmount(add, "--increase", o->agreement.increase, "the fraction added (1.0 doubles it)")
      ->type_name("F")
      ->required();
  AddDate(add, "--from", o->from, "its first day")->required();
  AddDate(add, "--to", o->to, "its last day (default: open-ended)");
  AddText(add, "--citation", o->agreement.citation, "where it is published")->required();
  table.Add(add, Needs::kLedgerWrites, [o](const Context& c) {
    auto country = c.engine().ParseCountry(o->country);
    if (!country) {
      return BadOption("agreement add", "--country", country.error());
    }
    Agreement ag = o->agreement;
    ag.country = *country;
    ag.from = *o->from;
    if (o->to) {
      ag.to = *o->to;
    }
    if (const Status s = c.session().AddAgreement(ag); !s.ok()) {
      return Refused("agreement add", s);
    }
    std::printf("added agreement %s\n", ag.id.c_str());
    return kExitOk;
  });
  AddListing(agreement, table, "list", "the agreements on record", &Session::ListAgreements);
}

void AddNac(CLI::App& app, CommandTable& table) {
  CLI::App* nac =
      app.add_subcommand("nac", "License Exception NAC notifications: file, confirm, refuse, list");
  nac->require_subcommand(1);
  nac->footer(kNacFooter);
  struct File {
    Notification n;
    std::string destination;
    std::optional<Date> filed;
  };
  auto file = std::make_shared<File>();
  CLI::App* file_cmd = nac->add_subcommand("file", "record a notification filed in SNAP-R");
  file_cmd->footer(kNacFooter);
  AddText(file_cmd, "--id", file->n.id, "its id")->required();
  AddText(file_cmd, "--party", file->n.party, "the consignee or end user it names")
      ->type_name("PARTY_ID")
      ->required();
  AddText(file_cmd, "--destination", file->destination, "that party's country")
      ->type_name("CC")
      ->required();
  AddDate(file_cmd, "--filed", file->filed, "the day it was filed")->required();
  AddUnits(file_cmd, "--quantity", file->n.quantity_limit, "units it notifies");
  AddAmount(file_cmd, "--value", file->n.value_limit_usd, "US dollars it notifies")
      ->type_name("USD");
  table.Add(file_cmd, Needs::kLedgerWrites, [file](const Context& c) {
    auto destination = c.engine().ParseCountry(file->destination);
    if (!destination) {
      return BadOption("nac file", "--destination", destination.error());
    }
    Notification n = file->n;
    n.destination = *destination;
    n.filed = *file->filed;
    if (const Status s = c.session().FileNotification(n); !s.ok()) {
      return Refused("nac file", s);
    }
    std::printf("filed notification %s\n", n.id.c_str());
    return kExitOk;
  });
  for (const bool confirm : {true, false}) {
    struct Answer {
      std::string id;
      std::string confirmation;
      std::optional<Date> date;
    };
    auto a = std::make_shared<Answer>();
    const std::string verb = confirm ? "confirm" : "refuse";
    CLI::App* cmd = nac->add_subcommand(
        verb, confirm ? "BIS confirmed the notification" : "BIS refused the notification");
    cmd->add_option("ID", a->id, "the notification")->required();
    if (confirm) {
      AddText(cmd, "--confirmation", a->confirmation, "BIS's confirmation number")
          ->type_name("NUMBER")
          ->required();
    }
    AddDate(cmd, "--date", a->date, "the day BIS answered")->required();
    table.Add(cmd, Needs::kLedgerWrites, [a, confirm, verb](const Context& c) {
      const Status s = confirm ? c.session().ConfirmNotification(a->id, a->confirmation, *a->date)
                               : c.session().RefuseNotification(a->id, *a->date);
      if (!s.ok()) {
        return Refused("nac " + verb, s);
      }
      std::printf("%s notification %s\n", confirm ? "confirmed" : "refused", a->id.c_str());
      return kExitOk;
    });
  }
  AddListing(nac, table, "list", "the notifications on record", &Session::ListNotifications);
}

void AddVeu(CLI::App& app, CommandTable& table) {
  CLI::App* veu = app.add_subcommand("veu", "Validated End-User authorisations: add, list");
  veu->require_subcommand(1);
  veu->footer(kVeuFooter);
  struct Options {
    Veu v;
    std::string eccns;
    std::string country;
    std::string headquarters;
    std::string parent_headquarters;
    std::optional<Date> from;
    std::optional<Date> to;
  };
  auto o = std::make_shared<Options>();
  CLI::App* add = veu->add_subcommand("add", "record a VEU authorisation");
  add->footer(kVeuFooter);
  AddText(add, "--id", o->v.id, "its id")->required();
  AddText(add, "--kind", o->v.kind, "national or universal")->type_name("KIND")->required();
  AddText(add, "--holder", o->v.holder, "the holder's consignee id")
      ->type_name("CONSIGNEE_ID")
      ->required();
  AddText(add, "--headquarters", o->headquarters, "the holder's headquarters")->type_name("CC");
  AddText(add, "--parent-headquarters", o->parent_headquarters,
          "its ultimate parent's headquarters")
      ->type_name("CC");
  AddText(add, "--eccn", o->eccns, "the ECCNs it covers, comma-separated")
      ->type_name("E[,E...]")
      ->required();
  AddDate(add, "--from", o->from, "its first day")->required();
  AddDate(add, "--to", o->to, "its last day (default: open-ended)");
  AddText(add, "--regime", o->v.regime, "the regime whose rules it is checked against")
      ->type_name("ID");
  AddText(add, "--country", o->country, "national: the country it covers")->type_name("CC");
  AddAmount(add, "--limit-tpp", o->v.limit_tpp, "national: a ceiling below the regime's")
      ->type_name("T");
  AddAmount(add, "--total-tpp", o->v.total_tpp, "universal: the holder's installed base")
      ->type_name("T");
  AddAmount(add, "--tier2-share", o->v.tier2_share, "universal: a lower Tier 2 share")
      ->type_name("F");
  AddAmount(add, "--country-share", o->v.country_share, "universal: a lower per-country share")
      ->type_name("F");
  AddRepeated(add, "--location", o->v.locations, "a data centre, \"CC: NAME\" (repeat)");
  table.Add(add, Needs::kLedgerWrites, [o](const Context& c) {
    Veu v = o->v;
    for (const auto& [option, text, out] :
         {std::tuple{"--country", &o->country, &v.country},
          std::tuple{"--headquarters", &o->headquarters, &v.headquarters},
          std::tuple{"--parent-headquarters", &o->parent_headquarters, &v.parent_headquarters}}) {
      if (!text->empty()) {
        auto country = c.engine().ParseCountry(*text);
        if (!country) {
          return BadOption("veu add", option, country.error());
        }
        *out = *country;
      }
    }
    v.eccns = Split(o->eccns);
    v.valid_from = *o->from;
    if (o->to) {
      v.valid_to = *o->to;
    }
    if (const Status s = c.session().AddVeu(v); !s.ok()) {
      return Refused("veu add", s);
    }
    std::printf("added VEU %s\n", v.id.c_str());
    return kExitOk;
  });
  AddListing(veu, table, "list", "the VEU authorisations on record", &Session::ListVeus);
}

void AddParty(CLI::App& app, CommandTable& table) {
  CLI::App* party = app.add_subcommand("party", "parties and party groups: add, link, show, list");
  party->require_subcommand(1);
  party->footer(kPartyFooter);
  struct Add {
    PartyRecord p;
    std::string country;
  };
  auto add = std::make_shared<Add>();
  CLI::App* add_cmd =
      party->add_subcommand("add", "record a party; it is screened against the kept lists at once");
  AddText(add_cmd, "--id", add->p.id, "its id")->required();
  AddText(add_cmd, "--name", add->p.name, "its name");
  AddText(add_cmd, "--country", add->country, "its country")->type_name("CC")->required();
  AddText(add_cmd, "--address", add->p.address, "its address");
  AddRepeated(add_cmd, "--owner", add->p.beneficial_owners, "a beneficial owner (repeat)");
  table.Add(add_cmd, Needs::kLedgerWrites, [add](const Context& c) {
    auto country = c.engine().ParseCountry(add->country);
    if (!country) {
      return BadOption("party add", "--country", country.error());
    }
    PartyRecord p = add->p;
    p.country = *country;
    auto alerts = c.session().AddParty(p);
    if (!alerts) {
      return Refused("party add", alerts.error());
    }
    std::printf("added party %s", p.id.c_str());
    if (*alerts > 0) {
      std::printf(
          "; screened against the kept lists: %lld hit%s raised an alert (tierguard "
          "alerts, tierguard hits open)",
          static_cast<long long>(*alerts), *alerts == 1 ? "" : "s");
    }
    std::printf("\n");
    return kExitOk;
  });

  auto link = std::make_shared<PartyLink>();
  CLI::App* link_cmd = party->add_subcommand("link", "link two parties into one group");
  link_cmd->add_option("FROM", link->from, "a party")->required();
  link_cmd->add_option("TO", link->to, "the other")->required();
  AddText(link_cmd, "--kind", link->kind, "owns, shares_address or shares_owner")
      ->type_name("KIND")
      ->required();
  AddAmount(link_cmd, "--share", link->share, "owns: the share held")->type_name("S");
  table.Add(link_cmd, Needs::kLedgerWrites, [link](const Context& c) {
    if (const Status s = c.session().LinkParties(*link); !s.ok()) {
      return Refused("party link", s);
    }
    std::printf("linked %s -> %s\n", link->from.c_str(), link->to.c_str());
    return kExitOk;
  });

  auto show = std::make_shared<std::string>();
  CLI::App* show_cmd = party->add_subcommand("show", "one party, with its group and links");
  show_cmd->add_option("ID", *show, "the party")->required();
  table.Add(show_cmd, Needs::kLedgerReads, [show](const Context& c) {
    return PrintRecord("party show", c.session().ShowParty(*show));
  });
  AddListing(party, table, "list", "the parties on record", &Session::ListParties);
}

void AddReports(CLI::App& app, CommandTable& table) {
  AddListing(&app, table, "caps", "every cap on record: its usage, its limit and the headroom left",
             &Session::Caps);
  AddListing(&app, table, "alerts", "structuring alerts and screening hits raised by list updates",
             &Session::Alerts);
  CLI::App* check = app.add_subcommand(
      "check", "verify that every counter equals the sum of its shipments and holds");
  table.Add(check, Needs::kLedgerReads, [](const Context& c) {
    auto report = c.session().Check();
    if (!report) {
      return Refused("check", report.error());
    }
    std::printf("shipments %lld, held reservations %lld, counters %lld, audit records %lld\n",
                static_cast<long long>(report->shipments),
                static_cast<long long>(report->reservations_held),
                static_cast<long long>(report->counters), static_cast<long long>(report->records));
    for (const std::string& p : report->problems) {
      std::printf("PROBLEM: %s\n", p.c_str());
    }
    std::printf("%s\n", report->problems.empty() ? "consistent" : "INCONSISTENT");
    return report->problems.empty() ? kExitOk : kExitLineErrors;
  });
}

}  // namespace

void AddLedgerCommands(CLI::App& app, CommandTable& table) {
  AddLicense(app, table);
  AddAgreement(app, table);
  AddNac(app, table);
  AddVeu(app, table);
  AddParty(app, table);
  AddReports(app, table);
}

}  // namespace tg::cli
