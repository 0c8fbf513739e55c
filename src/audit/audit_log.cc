#include "src/audit/audit_log.h"

#include <cstdio>
#include <cstring>

#include "src/common/json_writer.h"

namespace tg::audit {

namespace {

std::string RecordKey(uint64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "r/%016llu", static_cast<unsigned long long>(index));
  return buf;
}

std::string NodeKey(int level, uint64_t index) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "n/%02d/%016llu", level, static_cast<unsigned long long>(index));
  return buf;
}

}  // namespace

std::string CanonicalRecord(uint64_t index, const Entry& entry) {
  std::string out;
  out.reserve(entry.body.size() + 160);
  JsonWriter w(out);
  w.BeginObject().Key("index").Int(static_cast<int64_t>(index)).Key("kind").String(entry.kind);
  w.Key("time").Int(entry.time).Key("actor").String(entry.actor);
  w.Key("subject").String(entry.subject).Key("body").Raw(entry.body).EndObject();
  return out;
}

namespace {

uint64_t CacheKey(int level, uint64_t index) {
  return (static_cast<uint64_t>(level) << 56) | index;
}

}  // namespace

Result<Hash> AuditLog::Nodes::GetNode(int level, uint64_t index) {
  const uint64_t key = CacheKey(level, index);
  if (auto it = cache_.find(key); it != cache_.end()) {
    return it->second;
  }
  Hash h;
  if (level == 0) {
    TG_ASSIGN_OR_RETURN(std::string record, log_.Record(index));
    h = LeafHash(record);
  } else {
    TG_ASSIGN_OR_RETURN(auto value, txn_.Get(store::Table::kAudit, NodeKey(level, index)));
    if (!value || value->size() != 32) {
      return DataLoss("audit log: tree node (" + std::to_string(level) + ", " +
                      std::to_string(index) + ") is missing or damaged");
    }
    std::memcpy(h.data(), value->data(), 32);
  }
  if (cache_.size() >= kMaxCached) {
    cache_.clear();
  }
  cache_.emplace(key, h);
  return h;
}

Status AuditLog::Nodes::PutNode(int level, uint64_t index, const Hash& hash) {
  if (cache_.size() >= kMaxCached) {
    cache_.clear();
  }
  cache_[CacheKey(level, index)] = hash;
  if (level == 0) {
    return Status::Ok();  // a leaf is the hash of its record
  }
  return txn_.Put(store::Table::kAudit, NodeKey(level, index), AsBytes(hash));
}

Result<uint64_t> AuditLog::Size() {
  if (tree_) {
    return tree_->size();
  }
  TG_ASSIGN_OR_RETURN(auto value, txn_.Get(store::Table::kAudit, "size"));
  if (!value) {
    return uint64_t{0};
  }
  char* end = nullptr;
  const unsigned long long n = std::strtoull(value->c_str(), &end, 10);
  if (end == value->c_str() || *end != '\0') {
    return DataLoss("audit log: size record is damaged");
  }
  return static_cast<uint64_t>(n);
}

Result<MerkleTree*> AuditLog::Tree() {
  if (!tree_) {
    TG_ASSIGN_OR_RETURN(uint64_t size, Size());
    tree_.emplace(nodes_, size);
  }
  return &*tree_;
}

Result<uint64_t> AuditLog::Append(const Entry& entry) {
  TG_ASSIGN_OR_RETURN(MerkleTree * tree, Tree());
  const uint64_t index = tree->size();
  const std::string record = CanonicalRecord(index, entry);
  Status s = txn_.Insert(store::Table::kAudit, RecordKey(index), record);
  if (s.code() == StatusCode::kAlreadyExists) {
    return DataLoss("audit log: record " + std::to_string(index) +
                    " exists beyond the recorded size; the log needs repair");
  }
  TG_RETURN_IF_ERROR(s);
  TG_RETURN_IF_ERROR(tree->Append(LeafHash(record)));
  dirty_ = true;
  return index;
}

Status AuditLog::Flush() {
  if (!dirty_) {
    return Status::Ok();
  }
  dirty_ = false;
  return txn_.Put(store::Table::kAudit, "size", std::to_string(tree_->size()));
}

Result<std::string> AuditLog::Record(uint64_t index) {
  TG_ASSIGN_OR_RETURN(auto value, txn_.Get(store::Table::kAudit, RecordKey(index)));
  if (!value) {
    return NotFound("audit log: no record " + std::to_string(index));
  }
  return std::move(*value);
}

Result<Hash> AuditLog::Root(uint64_t size) {
  TG_ASSIGN_OR_RETURN(MerkleTree * tree, Tree());
  return tree->Root(size);
}

Result<Hash> AuditLog::SubtreeRoot(uint64_t begin, uint64_t end) {
  TG_ASSIGN_OR_RETURN(MerkleTree * tree, Tree());
  return tree->SubtreeRootOf(begin, end);
}

Result<std::vector<Hash>> AuditLog::InclusionProof(uint64_t index, uint64_t size) {
  TG_ASSIGN_OR_RETURN(MerkleTree * tree, Tree());
  return tree->InclusionProof(index, size);
}

Result<std::vector<Hash>> AuditLog::ConsistencyProof(uint64_t old_size, uint64_t new_size) {
  TG_ASSIGN_OR_RETURN(MerkleTree * tree, Tree());
  return tree->ConsistencyProof(old_size, new_size);
}

}  // namespace tg::audit
