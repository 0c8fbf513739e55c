#include "src/audit/audit_log.h"

#include <bit>
#include <cstdio>
#include <cstring>

#include "tierguard/text.h"

#include "src/common/json_writer.h"
#include "src/common/text.h"

namespace tg::audit {

namespace {

const bool kAuditTables = store::RegisterTables({{kAuditTable, "audit log"}});

std::string RecordKey(uint64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "r/%016llu", static_cast<unsigned long long>(index));
  return buf;
}

std::string TileKey(int tile_level, uint64_t index) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "t/%02d/%016llu", tile_level,
                static_cast<unsigned long long>(index));
  return buf;
}

}  // namespace

std::string CanonicalRecord(uint64_t index, const Entry& entry) {
  std::string out;
  out.reserve(entry.body.size() + 160);
  JsonWriter w(out);
  w.BeginObject().Key("index").Int(static_cast<int64_t>(index)).Key("kind").String(entry.kind);
  w.Key("time").Int(entry.time).Key("actor").String(entry.actor);
  if (!entry.request_id.empty()) {
    w.Key("request_id").String(entry.request_id);
  }
  w.Key("subject").String(entry.subject).Key("body").Raw(entry.body).EndObject();
  return out;
}

bool CarriesRequest(std::string_view kind) {
  return kind == "shipment" || kind == "reservation.hold" || kind == "refusal";
}

Result<std::string_view> RecordBody(std::string_view record) {
  const size_t at = record.find(",\"body\":");
  if (at == std::string_view::npos || record.size() < at + 9 || record.back() != '}') {
    return DataLoss("audit record without a body");
  }
  return record.substr(at + 8, record.size() - at - 9);
}

namespace {

constexpr uint64_t kTileIndexMask = (uint64_t{1} << 56) - 1;

uint64_t TileId(int tile_level, uint64_t index) {
  return (static_cast<uint64_t>(tile_level) << 56) | index;
}

// Where the nodes of height h start in a tile's node array: rows of 256, 128, … 2 nodes.
size_t RowOffset(int h) { return 512 - (size_t{512} >> h); }

// The width of a tile of `bytes`: a tile of width w holds sum(w >> h, h = 0..7) =
// 2w - popcount(w) - (w >> 8) nodes, which grows with w. 0 when no width fits.
uint32_t WidthOf(size_t bytes) {
  if (bytes % 32 != 0) {
    return 0;
  }
  const uint64_t count = bytes / 32;
  auto nodes = [](uint32_t w) { return 2 * uint64_t{w} - std::popcount(w) - (w >> 8); };
  uint32_t lo = 1;
  uint32_t hi = 256;
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    if (nodes(mid) < count) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return nodes(lo) == count ? lo : 0;
}

std::string NodeName(int level, uint64_t index) {
  return "(" + std::to_string(level) + ", " + std::to_string(index) + ")";
}

}  // namespace

Result<AuditLog::Tiles::Tile*> AuditLog::Tiles::Load(int level, uint64_t index, bool create) {
  const int tile_level = level / kHeight;
  const uint64_t tile_index = index >> (kHeight - level % kHeight);
  const uint64_t id = TileId(tile_level, tile_index);
  if (auto it = cache_.find(id); it != cache_.end()) {
    return &it->second;
  }
  if (cache_.size() >= kMaxCached) {
    TG_RETURN_IF_ERROR(Flush());
    cache_.clear();
  }
  Tile tile;
  tile.nodes.reset(new Hash[RowOffset(kHeight)]);  // NOLINT: left uninitialised on purpose
  const std::string key = TileKey(tile_level, tile_index);
  TG_ASSIGN_OR_RETURN(auto value, txn_.Get(kAuditTable, key));
  if (value) {
    const uint32_t width = WidthOf(value->size());
    if (width == 0) {
      return DataLoss("audit log: tile " + key + " is damaged");
    }
    tile.width = width;
    const char* p = value->data();
    for (int h = 0; h < kHeight; ++h) {
      const size_t n = width >> h;
      std::memcpy(tile.nodes[RowOffset(h)].data(), p, 32 * n);
      p += 32 * n;
    }
  } else if (!create) {
    return DataLoss("audit log: tree node " + NodeName(level, index) + " is missing (no tile " +
                    key + ")");
  }
  return &cache_.emplace(id, std::move(tile)).first->second;
}

Result<Hash> AuditLog::Tiles::GetNode(int level, uint64_t index) {
  TG_ASSIGN_OR_RETURN(Tile * tile, Load(level, index, /*create=*/false));
  const int h = level % kHeight;
  const uint64_t pos = index & ((kWidth >> h) - 1);
  if (pos >= (tile->width >> h)) {
    return DataLoss("audit log: tree node " + NodeName(level, index) + " is missing");
  }
  return tile->nodes[RowOffset(h) + pos];
}

Status AuditLog::Tiles::PutNode(int level, uint64_t index, const Hash& hash) {
  TG_ASSIGN_OR_RETURN(Tile * tile, Load(level, index, /*create=*/true));
  const int h = level % kHeight;
  const uint64_t pos = index & ((kWidth >> h) - 1);
  // A tile grows left to right: a bottom node extends it, an upper node sits above nodes
  // already in it.
  if (h == 0 ? pos != tile->width : pos >= (tile->width >> h)) {
    return DataLoss("audit log: tree node " + NodeName(level, index) +
                    " does not continue its tile");
  }
  if (h == 0) {
    ++tile->width;
  }
  tile->nodes[RowOffset(h) + pos] = hash;
  tile->dirty = true;
  return Status::Ok();
}

Status AuditLog::Tiles::Flush() {
  std::string bytes;
  for (auto& [id, tile] : cache_) {
    if (!tile.dirty) {
      continue;
    }
    bytes.clear();
    for (int h = 0; h < kHeight; ++h) {
      bytes.append(reinterpret_cast<const char*>(tile.nodes[RowOffset(h)].data()),
                   size_t{32} * (tile.width >> h));
    }
    TG_RETURN_IF_ERROR(
        txn_.Put(kAuditTable, TileKey(static_cast<int>(id >> 56), id & kTileIndexMask), bytes));
    tile.dirty = false;
  }
  return Status::Ok();
}

Result<uint64_t> AuditLog::Size() {
  if (tree_) {
    return tree_->size();
  }
  TG_ASSIGN_OR_RETURN(auto value, txn_.Get(kAuditTable, "size"));
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
  // What the log holds must read back: a record that is not UTF-8 would stop every later
  // replay and reader at it.
  const std::string what = "audit record " + entry.kind;
  TG_RETURN_IF_ERROR(CheckUtf8(entry.kind, what + ": kind"));
  TG_RETURN_IF_ERROR(CheckUtf8(entry.actor, what + ": actor"));
  TG_RETURN_IF_ERROR(CheckUtf8(entry.request_id, what + ": request_id"));
  if (entry.request_id.size() > kMaxRequestIdBytes) {
    return InvalidArgument("request_id: " + std::to_string(entry.request_id.size()) +
                           " bytes; at most " + std::to_string(kMaxRequestIdBytes));
  }
  TG_RETURN_IF_ERROR(CheckUtf8(entry.subject, what + ": subject"));
  TG_RETURN_IF_ERROR(CheckUtf8(entry.body, what + " " + Excerpt(entry.subject, 80)));
  TG_ASSIGN_OR_RETURN(MerkleTree * tree, Tree());
  const uint64_t index = tree->size();
  const std::string record = CanonicalRecord(index, entry);
  Status s = txn_.Insert(kAuditTable, RecordKey(index), record);
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
  TG_RETURN_IF_ERROR(nodes_.Flush());
  return txn_.Put(kAuditTable, "size", std::to_string(tree_->size()));
}

Result<std::string> AuditLog::Record(uint64_t index) {
  TG_ASSIGN_OR_RETURN(auto value, txn_.Get(kAuditTable, RecordKey(index)));
  if (!value) {
    return NotFound("audit log: no record " + std::to_string(index));
  }
  return std::move(*value);
}

Result<Hash> AuditLog::Root(uint64_t size) {
  TG_ASSIGN_OR_RETURN(MerkleTree * tree, Tree());
  return tree->Root(size);
}

Status AuditLog::ScanRecords(uint64_t from, uint64_t size, const RecordVisitor& visit) {
  TG_ASSIGN_OR_RETURN(MerkleTree * tree, Tree());
  if (from > size || size > tree->size()) {
    return InvalidArgument("records [" + std::to_string(from) + ", " + std::to_string(size) +
                           ") are not in the log of " + std::to_string(tree->size()));
  }
  CompactRange range;
  uint64_t next = 0;
  TG_RETURN_IF_ERROR(txn_.ForEach(
      kAuditTable, "r/", "", [&](std::string_view key, std::string_view record) -> Result<bool> {
        if (next == size) {
          return false;
        }
        if (key != RecordKey(next)) {
          return DataLoss("audit log: record " + std::to_string(next) + " is missing (found " +
                          std::string(key) + " in its place)");
        }
        const Hash leaf = LeafHash(record);
        TG_ASSIGN_OR_RETURN(const Hash stored, nodes_.GetNode(0, next));
        if (leaf != stored) {
          return DataLoss("audit log: record " + std::to_string(next) +
                          " was changed: it does not match its leaf in the tree");
        }
        // Every perfect subtree the leaf completes, against the node stored for it: proofs read
        // the inner nodes, so a changed one must be found too, not only a changed root.
        range.stack.emplace_back(0, leaf);
        uint64_t node = next;
        while (range.stack.size() >= 2 &&
               range.stack.back().first == range.stack[range.stack.size() - 2].first) {
          const Hash right = range.stack.back().second;
          range.stack.pop_back();
          auto& [level, hash] = range.stack.back();
          hash = NodeHash(hash, right);
          ++level;
          node >>= 1;
          TG_ASSIGN_OR_RETURN(const Hash stored_node, nodes_.GetNode(level, node));
          if (stored_node != hash) {
            return DataLoss("audit log: tree node (" + std::to_string(level) + ", " +
                            std::to_string(node) + ") over records " +
                            std::to_string(node << level) + " to " +
                            std::to_string(((node + 1) << level) - 1) +
                            " is not the hash of those records (the tree was changed)");
          }
        }
        if (next >= from) {
          TG_RETURN_IF_ERROR(visit(next, record));
        }
        ++next;
        return true;
      }));
  if (next != size) {
    return DataLoss("audit log: record " + std::to_string(next) + " is missing (the log has " +
                    std::to_string(size) + ")");
  }
  TG_ASSIGN_OR_RETURN(const Hash stored_root, tree->Root(size));
  if (range.Root() != stored_root) {
    return DataLoss("audit log: the stored tree's root at size " + std::to_string(size) +
                    " is not the root of its records (the tree was changed)");
  }
  return Status::Ok();
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
