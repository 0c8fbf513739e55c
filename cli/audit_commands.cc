// The audit log's commands: keys, checkpoints, proofs, bundles, their verification and
// cosigning, and replay. keygen, verify and cosign need no ledger and no reference data: an
// auditor runs them on a machine with nothing but a bundle and public keys.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

#include "app.h"
#include "output.h"

namespace tg::cli {

namespace {

constexpr const char* kAuditFooter = R"(
Every decision and state change is a record in a Merkle tree (RFC 6962); checkpoints are C2SP
signed notes (Ed25519). verify needs only the bundle and public keys; it exits 0 when every
record hashes into the signed root (and, with --since, the old tree is a prefix of the new), and
otherwise 1, naming the first record, proof or signature that fails. With --reconcile (a bundle
from record 0) it also rebuilds every cap and licence balance from the records and reports any
driven past its limit, or any decision whose usage the records before it do not add up to.)";

// Creates `path` (which must not exist, and is not followed if it is a link) holding `text`.
bool WriteNewFile(const std::string& path, const std::string& text, mode_t mode,
                  std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  const bool wrote = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!wrote || !synced) {
    error = path + ": cannot write";
    ::unlink(path.c_str());
    return false;
  }
  return true;
}

void AddKeygen(CLI::App* audit, CommandTable& table) {
  struct Options {
    std::string name;
    std::string out;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = audit->add_subcommand(
      "keygen", "make a signing key: PREFIX.key (mode 0600) and PREFIX.pub; prints the verifier");
  AddText(cmd, "--name", o->name, "the log's origin, as checkpoints name it")
      ->type_name("ORIGIN")
      ->required();
  AddText(cmd, "--out", o->out, "where the two files go")->type_name("PREFIX")->required();
  table.Add(cmd, Needs::kNothing, [o](const Context&) {
    auto keys = GenerateAuditKey(o->name);
    if (!keys) {
      return Fail("audit keygen: --name: " + keys.error().message());
    }
    // Both files are new ones: never through a planted link, never over an existing key.
    std::string error;
    if (!WriteNewFile(o->out + ".key", keys->private_key + "\n", 0600, error)) {
      return Fail("audit keygen: " + error);
    }
    if (!WriteNewFile(o->out + ".pub", keys->verifier + "\n", 0644, error)) {
      ::unlink((o->out + ".key").c_str());  // no half pair left behind
      return Fail("audit keygen: " + error);
    }
    std::printf("%s\n", keys->verifier.c_str());
    return kExitOk;
  });
}

void AddCosign(CLI::App* audit, CommandTable& table) {
  struct Options {
    std::string checkpoint;
    std::string pub;
    std::string key;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = audit->add_subcommand(
      "cosign", "check a checkpoint's signature with the log's key, then cosign it");
  cmd->add_option("CHECKPOINT_FILE", o->checkpoint, "the signed checkpoint")->required();
  AddText(cmd, "--pub", o->pub, "the log's public key")->type_name("LOG.pub")->required();
  AddText(cmd, "--key", o->key, "the auditor's signing key")->type_name("AUDITOR.key")->required();
  table.Add(cmd, Needs::kNothing, [o](const Context&) {
    std::string error;
    std::string log;
    std::string key;
    const std::string note = ReadText(o->checkpoint, error);
    if (error.empty()) {
      ReadKey(o->key, key, error);
    }
    if (error.empty()) {
      ReadKey(o->pub, log, error);
    }
    if (!error.empty()) {
      return Fail("audit cosign: " + error);
    }
    auto signed_note = CosignCheckpoint(note, log, key);
    if (!signed_note) {
      return Refused("audit cosign", signed_note.error());
    }
    std::fputs(signed_note->c_str(), stdout);
    return kExitOk;
  });
}

int Reconcile(const std::string& bundle, int verified) {
  auto balances = ReconcileAuditBundle(bundle);
  if (!balances) {
    std::printf("FAILED: %s\n", balances.error().message().c_str());
    return kExitLineErrors;
  }
  for (const std::string& f : balances->findings) {
    std::printf("FINDING: %s\n", f.c_str());
  }
  if (balances->findings_count > balances->findings.size()) {
    std::printf(
        "FINDING: … and %llu more\n",
        static_cast<unsigned long long>(balances->findings_count - balances->findings.size()));
  }
  std::printf("reconciled: %llu records, %llu counters: %s\n",
              static_cast<unsigned long long>(balances->records),
              static_cast<unsigned long long>(balances->counters),
              balances->findings_count == 0 ? "every balance within its limit, every decision "
                                              "consistent with the records before it"
                                            : "FINDINGS");
  return balances->findings_count == 0 ? verified : kExitLineErrors;
}

void AddVerify(CLI::App* audit, CommandTable& table) {
  struct Options {
    std::string bundle;
    std::vector<std::string> pubs;
    std::string since;
    bool reconcile = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = audit->add_subcommand(
      "verify",
      "verify a bundle offline: every record in the signed root, the recipients of "
      "every decision");
  cmd->footer(kAuditFooter);
  cmd->add_option("BUNDLE", o->bundle, "the folder audit export wrote")->required();
  AddRepeated(cmd, "--pub", o->pubs, "the log's public key first, then any witness's (repeat)")
      ->type_name("PREFIX.pub")
      ->required();
  AddText(cmd, "--since", o->since, "an older checkpoint the bundle's tree must extend")
      ->type_name("OLD_CHECKPOINT");
  cmd->add_flag("--reconcile", o->reconcile,
                "rebuild every cap and licence balance from the records (a bundle from record 0)")
      ->disable_flag_override();
  table.Add(cmd, Needs::kNothing, [o](const Context&) {
    std::string error;
    std::vector<std::string> verifiers;
    for (const std::string& p : o->pubs) {
      std::string v;
      if (!ReadKey(p, v, error)) {
        return Fail("audit verify: " + error);
      }
      verifiers.push_back(std::move(v));
    }
    std::string since;
    if (!o->since.empty()) {
      since = ReadText(o->since, error);
      if (!error.empty()) {
        return Fail("audit verify: " + error);
      }
    }
    auto report = VerifyAuditBundle(o->bundle, verifiers, since);
    if (!report) {
      std::printf("FAILED: %s\n", report.error().message().c_str());
      return kExitLineErrors;
    }
    std::printf("verified: %s, records %llu to %llu, root %s%s\n", report->origin.c_str(),
                static_cast<unsigned long long>(report->from),
                static_cast<unsigned long long>(report->size), report->root_hex.c_str(),
                since.empty() ? "" : "; the --since checkpoint is a prefix");
    // Who got what: every request the bundle's records decided, with its recipients.
    for (const std::string& lost : report->lost_requests) {
      std::printf("MISSING: %s\n", lost.c_str());
    }
    for (const BundleRecipient& r : report->recipients) {
      std::printf("record %llu %s %s: consignee %s%s%s: %s%s%s\n",
                  static_cast<unsigned long long>(r.index), r.kind.c_str(), r.id.c_str(),
                  r.consignee.c_str(), r.end_user.empty() ? "" : ", end user ", r.end_user.c_str(),
                  r.outcome.c_str(), r.authorization.empty() ? "" : " ", r.authorization.c_str());
    }
    const int verified = report->lost_requests.empty() ? kExitOk : kExitLineErrors;
    return o->reconcile ? Reconcile(o->bundle, verified) : verified;
  });
}

void AddLedgerAudit(CLI::App* audit, CommandTable& table) {
  auto checkpoint_key = std::make_shared<std::string>();
  CLI::App* checkpoint =
      audit->add_subcommand("checkpoint", "print the log's tree head, signed (a C2SP note)");
  AddText(checkpoint, "--key", *checkpoint_key, "the log's signing key")
      ->type_name("PREFIX.key")
      ->required();
  table.Add(checkpoint, Needs::kLedgerReads, [checkpoint_key](const Context& c) {
    std::string key;
    std::string error;
    if (!ReadKey(*checkpoint_key, key, error)) {
      return Fail("audit checkpoint: --key: " + error);
    }
    auto note = c.session().AuditCheckpoint(key);
    if (!note) {
      return Refused("audit checkpoint", note.error());
    }
    std::fputs(note->c_str(), stdout);
    return kExitOk;
  });
  table.Require(checkpoint, Permission::kAudit);

  struct Prove {
    std::string id;
    std::string key;
  };
  auto prove = std::make_shared<Prove>();
  CLI::App* prove_cmd =
      audit->add_subcommand("prove", "the inclusion proof of a request's record (C2SP tlog-proof)");
  AddText(prove_cmd, "--id", prove->id, "the request's id")->type_name("REQUEST_ID")->required();
  AddText(prove_cmd, "--key", prove->key, "sign the proof's checkpoint with this key")
      ->type_name("PREFIX.key");
  table.Add(prove_cmd, Needs::kLedgerReads, [prove](const Context& c) {
    std::string key;
    std::string error;
    if (!prove->key.empty() && !ReadKey(prove->key, key, error)) {
      return Fail("audit prove: --key: " + error);
    }
    auto proof = c.session().AuditProve(prove->id, key);
    if (!proof) {
      return Refused("audit prove", proof.error());
    }
    std::fputs(proof->c_str(), stdout);
    return kExitOk;
  });
  table.Require(prove_cmd, Permission::kAudit);

  struct Export {
    std::string key;
    uint64_t from = 0;
    uint64_t to = 0;
    std::string out;
  };
  auto exp = std::make_shared<Export>();
  CLI::App* export_cmd = audit->add_subcommand(
      "export", "write a bundle folder: the records, their requests, a signed checkpoint");
  AddText(export_cmd, "--key", exp->key, "the log's signing key")
      ->type_name("PREFIX.key")
      ->required();
  AddIndex(export_cmd, "--from", exp->from, "the first record (default 0)");
  AddIndex(export_cmd, "--to", exp->to, "the record after the last (default: all)");
  export_cmd->add_option("OUT", exp->out, "the bundle folder to create")->required();
  table.Add(export_cmd, Needs::kLedgerReads, [exp](const Context& c) {
    std::string key;
    std::string error;
    if (!ReadKey(exp->key, key, error)) {
      return Fail("audit export: --key: " + error);
    }
    auto report = c.session().AuditExport(key, exp->from, exp->to, exp->out);
    if (!report) {
      return Refused("audit export", report.error());
    }
    std::printf("exported records %llu to %llu of %s into %s (root %s)\n",
                static_cast<unsigned long long>(report->from),
                static_cast<unsigned long long>(report->size), report->origin.c_str(),
                exp->out.c_str(), report->root_hex.c_str());
    return kExitOk;
  });
  table.Require(export_cmd, Permission::kAudit);

  struct Records {
    uint64_t from = 0;
    uint64_t to = 0;
  };
  auto records = std::make_shared<Records>();
  CLI::App* records_cmd =
      audit->add_subcommand("records", "print records [--from, --to) as the log holds them");
  AddIndex(records_cmd, "--from", records->from, "the first record (default 0)");
  AddIndex(records_cmd, "--to", records->to, "the record after the last (default: all)");
  table.Add(records_cmd, Needs::kLedgerReads, [records](const Context& c) {
    auto lines = c.session().AuditRecords(records->from, records->to);
    if (!lines) {
      return Refused("audit records", lines.error());
    }
    for (const std::string& line : *lines) {
      std::printf("%s\n", line.c_str());
    }
    return kExitOk;
  });
  table.Require(records_cmd, Permission::kAudit);

  auto index = std::make_shared<uint64_t>(0);
  CLI::App* replay =
      audit->add_subcommand("replay", "decide logged decision N again and compare the bytes");
  replay
      ->add_option_function<std::string>(
          "N",
          [index](const std::string& text) {
            std::string error;
            if (!WholeNumber(text, "N", *index, error)) {
              throw CLI::ValidationError(error);
            }
          },
          "the record's index")
      ->required();
  table.Add(replay, Needs::kLedgerReads, [index](const Context& c) {
    auto result = c.session().AuditReplay(*index);
    if (!result) {
      return Refused("audit replay", result.error());
    }
    std::printf("record %llu (%s): %s\n", static_cast<unsigned long long>(*index),
                result->id.c_str(),
                result->same ? "the replayed decision is identical, byte for byte"
                             : "THE REPLAYED DECISION DIFFERS");
    if (!result->same) {
      std::printf("logged:   %s\nreplayed: %s\n", result->logged.c_str(), result->replayed.c_str());
      if (!result->difference.empty()) {
        std::printf("%s\n", result->difference.c_str());
      }
    }
    return result->same ? kExitOk : kExitLineErrors;
  });
  table.Require(replay, Permission::kAudit);
}

}  // namespace

void AddAuditCommands(CLI::App& app, CommandTable& table) {
  CLI::App* audit = app.add_subcommand(
      "audit", "the signed log: keygen, checkpoint, prove, export, verify, cosign, replay");
  audit->require_subcommand(1);
  audit->footer(kAuditFooter);
  AddKeygen(audit, table);
  AddLedgerAudit(audit, table);
  AddVerify(audit, table);
  AddCosign(audit, table);
}

}  // namespace tg::cli
