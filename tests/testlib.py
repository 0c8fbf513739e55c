"""Shared ending of tierguard's test scripts: print every failure and the one closing line CI
reads ("NAME: N passed, N failed"); return the exit code."""


class Failures(list):
    """What went wrong, collected by check(cond, what); report() prints them."""

    def check(self, cond, what):
        if not cond:
            self.append(what)


def report(name, failures, detail=""):
    for f in failures:
        print("FAIL:", f)
    suffix = f" ({detail})" if detail else ""
    print(f"{name}: {0 if failures else 1} passed, {1 if failures else 0} failed{suffix}")
    return 1 if failures else 0


def export_bundle(binary, db, folder, name):
    """A new log key NAME in FOLDER and the whole log of DB exported with it; returns the bundle
    folder and the key prefix."""
    import os
    import subprocess
    key = os.path.join(folder, "log")
    subprocess.run([binary, "audit", "keygen", "--name", name, "--out", key],
                   capture_output=True, check=True)
    bundle = os.path.join(folder, "bundle")
    subprocess.run([binary, "--db", db, "audit", "export", "--key", key + ".key", bundle],
                   capture_output=True, check=True)
    return bundle, key


# --- Editing a ledger behind tierguard's back, as someone with sqlite3 and the file would. ---
# The rows carry the CRC-32 tierguard writes (src/store/sqlite_store.cc); an editor who knows it
# recomputes it, so that what is caught is caught by the log, not by the checksum.

TABLES = {"meta": 0, "shipments": 1, "reservations": 2, "licences": 3, "applications": 4, "agreements": 5,
          "veus": 6, "parties": 7, "party_links": 8, "alerts": 9, "near_threshold": 10,
          "audit": 11, "lists": 12, "clearances": 13, "holds": 14}


def doc_sum(table, key, value):
    import zlib
    return zlib.crc32(bytes([table]) + key.encode() + b"\0" + value)


def counter_sum(key, value):
    import struct
    import zlib
    return zlib.crc32(key.encode() + b"\0" + struct.pack("<q", value))


class Ledger:
    """A tierguard SQLite ledger opened directly."""

    def __init__(self, path):
        import sqlite3
        self.db = sqlite3.connect(path)
        # A ledger of schema version 1 (before row checksums) has no sum columns.
        self.sums = any(r[1] == "sum" for r in self.db.execute("PRAGMA table_info(docs)"))

    def get(self, table, key):
        row = self.db.execute("SELECT value FROM docs WHERE tbl=? AND key=?",
                              (TABLES[table], key)).fetchone()
        return None if row is None else bytes(row[0])

    def keys(self, table):
        return [r[0] for r in self.db.execute("SELECT key FROM docs WHERE tbl=? ORDER BY key",
                                              (TABLES[table],))]

    def put(self, table, key, value):
        t = TABLES[table]
        if self.sums:
            self.db.execute("INSERT INTO docs(tbl,key,value,sum) VALUES(?,?,?,?) ON CONFLICT(tbl,key) "
                            "DO UPDATE SET value=excluded.value, sum=excluded.sum",
                            (t, key, value, doc_sum(t, key, value)))
        else:
            self.db.execute("INSERT INTO docs(tbl,key,value) VALUES(?,?,?) ON CONFLICT(tbl,key) "
                            "DO UPDATE SET value=excluded.value", (t, key, value))
        self.db.commit()

    def delete(self, table, key):
        self.db.execute("DELETE FROM docs WHERE tbl=? AND key=?", (TABLES[table], key))
        self.db.commit()

    def counter(self, key):
        row = self.db.execute("SELECT value FROM counters WHERE key=?", (key,)).fetchone()
        return 0 if row is None else row[0]

    def counters(self):
        return dict(self.db.execute("SELECT key, value FROM counters"))

    def set_counter(self, key, value):
        if self.sums:
            self.db.execute("UPDATE counters SET value=?, sum=? WHERE key=?",
                            (value, counter_sum(key, value), key))
        else:
            self.db.execute("UPDATE counters SET value=? WHERE key=?", (value, key))
        self.db.commit()

    def close(self):
        self.db.close()
