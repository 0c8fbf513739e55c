// keys add | list | revoke: the API keys the server checks and the identities the command line
// acts as on a ledger that holds keys.
#include <memory>
#include <string>

#include "app.h"
#include "output.h"

namespace tg::cli {

namespace {

constexpr const char* kKeysFooter = R"(
A key is printed once, alone on a line, when it is made; the ledger keeps a salted hash of it.
Its name is the actor the audit log records for what the calls made with it change, and on a
ledger that holds keys the command line acts (--as NAME) only as a key's holder, with its role:
viewer reads; clerk also ships, reserves and applies for licences; officer also adds licences,
parties, agreements, VEUs and lists; approver reads and decides applications that someone else
requested; auditor reads and audits; admin does everything and manages keys. The first key of
a ledger is an admin's.)";

}  // namespace

void AddAccessCommands(CLI::App& app, CommandTable& table) {
  CLI::App* keys = app.add_subcommand("keys", "API keys: who may call the server, with which role");
  keys->require_subcommand(1);
  keys->footer(kKeysFooter);

  struct Add {
    std::string name;
    std::string role;
  };
  auto add = std::make_shared<Add>();
  CLI::App* add_cmd = keys->add_subcommand("add", "make a key and print it, once");
  AddText(add_cmd, "--name", add->name, "its holder, as the audit log will name them")
      ->type_name("NAME")
      ->required();
  AddText(add_cmd, "--role", add->role, "viewer, clerk, officer, approver, auditor or admin")
      ->type_name("ROLE")
      ->required();
  table.Add(add_cmd, Needs::kLedgerWrites, [add](const Context& c) {
    Role role{};
    if (!ParseRole(add->role, role)) {
      return Fail("keys add: --role: '" + add->role +
                  "' is none of viewer, clerk, officer, approver, auditor, admin");
    }
    auto key = c.session().AddKey(add->name, role);
    if (!key) {
      return Refused("keys add", key.error());
    }
    std::printf("%s\n", key->c_str());
    return kExitOk;
  });
  table.Require(add_cmd, Permission::kManageKeys);

  AddListing(keys, table, "list", "the keys: names, roles, made, last used, revoked (never keys)",
             &Session::ListKeys);
  table.Require(keys->get_subcommand("list"), Permission::kManageKeys);

  auto revoke = std::make_shared<std::string>();
  CLI::App* revoke_cmd = keys->add_subcommand("revoke", "revoke a key: refused from now on");
  revoke_cmd->add_option("NAME", *revoke, "the key's name")->required();
  table.Add(revoke_cmd, Needs::kLedgerWrites, [revoke](const Context& c) {
    if (const Status s = c.session().RevokeKey(*revoke); !s.ok()) {
      return Refused("keys revoke", s);
    }
    std::printf("revoked key %s\n", revoke->c_str());
    return kExitOk;
  });
  table.Require(revoke_cmd, Permission::kManageKeys);
}

}  // namespace tg::cli
