// A thin RAII layer over the SQLite C API for the ledger: a connection and
// prepared statements, with SQLite's errors turned into Status values that
// name what was being done.
//
// Thread-safety: not thread-safe; the owner serialises access.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/status.h"

namespace cocoon::pay {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Binds parameter `index` (1-based). A failure is remembered and reported
  // by the next Step().
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& BindBlob(int index, ByteSpan blob);

  // Runs one step: true when a row is available, false when done.
  Result<bool> Step();
  // Step() that must finish without a row.
  Status Run();
  // Clears bindings and rewinds, for reuse.
  void Reset();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  std::string Text(int column) const;
  Bytes Blob(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_error_ = SQLITE_OK;
};

class SqliteDb {
 public:
  // Opens (creating if absent) the database at `path`, read-write, without
  // SQLite's own mutexes (the owner serialises), extended result codes on.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::filesystem::path& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements that return no rows of interest.
  Status Exec(std::string_view sql);
  Result<SqliteStatement> Prepare(std::string_view sql);
  // A pragma's single text answer (e.g. "wal" for journal_mode).
  Result<std::string> PragmaText(std::string_view pragma);

  sqlite3* raw() const { return db_; }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// An error for SQLite result `rc` on `db`: kUnavailable for busy/locked,
// kIo otherwise, with SQLite's message.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace cocoon::pay
