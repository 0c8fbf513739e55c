// An AI lab's commands: the model registry (models add, list, show, classify) and transfers of
// weights or hosted access (transfers request, approve, deny, list).
#include <cstdio>
#include <memory>

#include "tierguard/api_json.h"

#include "app.h"
#include "output.h"

namespace tg::cli {

namespace {

constexpr const char* kModelsFooter = R"(
Model records are JSON Lines (../shared/spec/models-cloud.md): id, name, developer, base_model,
published, weights_origin, training_runs (operations, or compute to estimate them from: count x
hours x 3,600 x the accelerator's dense peak x utilization), releases with their evaluations.
A fine-tune's operations include its base's. classify answers under every regime unless
--regime names one.)";

constexpr const char* kTransfersFooter = R"(
A transfer gives a model's weights (access: weights) or hosted access (hosted) to a recipient:
export, reexport, in_country_transfer, or deemed_export (a release to a foreign national:
decided as an export to the recipient's nationality). Each request is decided like an order
line; one the decision allows waits for an approver other than its requester (--as), one it
does not is refused. The audit log records the request, its decision, the approver and the
final recipient, refused requests included.)";

void AddModels(CLI::App& app, CommandTable& table) {
  CLI::App* models = app.add_subcommand("models", "the model registry: add list show classify");
  models->require_subcommand(1);
  models->footer(kModelsFooter);
  auto file = std::make_shared<std::string>();
  CLI::App* add = models->add_subcommand("add", "add or update models from JSON Lines");
  add->add_option("file", *file, "model records, JSON Lines (- for standard input)")->required();
  table.Add(add, Needs::kLedgerWrites, [file](const Context& c) {
    return WithInput("models add", *file, [&](Source& in) {
      return PrintEach("models add", c.session().AddModels(in));
    });
  });
  AddListing(models, table, "list", "the models in the registry", &Session::ListModels);
  auto id = std::make_shared<std::string>();
  CLI::App* show = models->add_subcommand("show", "a model with its operations and lineage");
  show->add_option("id", *id, "the model's id")->required();
  table.Add(show, Needs::kLedgerReads, [id](const Context& c) {
    return PrintRecord("models show", c.session().ShowModel(*id));
  });
  struct Classify {
    std::string id;
    std::string regime;
    std::optional<Date> as_of;
  };
  auto cl = std::make_shared<Classify>();
  CLI::App* classify = models->add_subcommand("classify", "a model's ECCN per regime");
  classify->add_option("id", cl->id, "the model's id")->required();
  AddText(classify, "--regime", cl->regime, "one regime (default: every regime)")->type_name("ID");
  AddDate(classify, "--as-of", cl->as_of, "the day (default: today)");
  table.Add(
      classify, Needs::kLedgerReads,
      [cl](const Context& c) {
        return PrintEach("models classify", c.session().ClassifyRegisteredModel(
                                                cl->id, cl->regime, cl->as_of.value_or(c.Today())));
      },
      /*decides=*/true);
}

void AddTransfers(CLI::App& app, CommandTable& table) {
  CLI::App* transfers =
      app.add_subcommand("transfers", "model weight transfers: request approve deny list");
  transfers->require_subcommand(1);
  transfers->footer(kTransfersFooter);
  auto file = std::make_shared<std::string>();
  CLI::App* request = transfers->add_subcommand("request", "request transfers (JSON Lines)");
  request->add_option("file", *file, "transfer requests, JSON Lines (- for standard input)")
      ->required();
  table.Add(
      request, Needs::kLedgerWrites,
      [file](const Context& c) {
        return WithInput("transfers request", *file, [&](Source& in) {
          return PrintEach("transfers request", c.session().RequestTransfers(in));
        });
      },
      /*decides=*/true);
  table.Require(request, Permission::kRecord);
  auto id = std::make_shared<std::string>();
  CLI::App* approve = transfers->add_subcommand("approve", "approve a pending transfer");
  approve->add_option("id", *id, "the transfer's id")->required();
  table.Add(approve, Needs::kLedgerWrites, [id](const Context& c) {
    return PrintRecord("transfers approve", c.session().ApproveTransfer(*id));
  });
  table.Require(approve, Permission::kDecide);
  struct Deny {
    std::string id;
    std::string reason;
  };
  auto deny = std::make_shared<Deny>();
  CLI::App* deny_cmd = transfers->add_subcommand("deny", "deny a pending transfer");
  deny_cmd->add_option("id", deny->id, "the transfer's id")->required();
  AddText(deny_cmd, "--reason", deny->reason, "why")->required();
  table.Add(deny_cmd, Needs::kLedgerWrites, [deny](const Context& c) {
    return PrintRecord("transfers deny", c.session().DenyTransfer(deny->id, deny->reason));
  });
  table.Require(deny_cmd, Permission::kDecide);
  struct List {
    PageRequest page;
    std::string state;
  };
  auto list = std::make_shared<List>();
  CLI::App* list_cmd = transfers->add_subcommand("list", "the transfers on record");
  AddPaging(list_cmd, list->page);
  AddText(list_cmd, "--state", list->state, "pending, approved, denied or refused")->type_name("S");
  table.Add(list_cmd, Needs::kLedgerReads, [list](const Context& c) {
    std::optional<TransferState> state;
    if (!list->state.empty()) {
      TransferState s;
      if (!ParseTransferState(list->state, s)) {
        return BadOption(
            "transfers list", "--state",
            InvalidArgument("'" + list->state + "' is not pending, approved, denied or refused"));
      }
      state = s;
    }
    return PrintPage("transfers list", c.session().ListTransfers(list->page, state));
  });
}

}  // namespace

void AddModelCommands(CLI::App& app, CommandTable& table) {
  AddModels(app, table);
  AddTransfers(app, table);
}

}  // namespace tg::cli
