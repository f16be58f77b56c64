// The session documents repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;

#define DOCUMENT_COLUMNS \
  "SELECT id, session_id, kind, title, filename, content_type, size, sha256, uploaded_by, uploaded_at FROM session_documents "

SessionDocument ReadDocument(sql::ResultSet& rs) {
  SessionDocument d;
  d.id = rs.getInt64("id");
  d.session_id = rs.getInt64("session_id");
  d.kind = Known(DocumentKindFromString(Str(rs, "kind")), "document kind");
  d.title = Str(rs, "title");
  d.filename = Str(rs, "filename");
  d.content_type = Str(rs, "content_type");
  d.size = rs.getInt64("size");
  d.sha256 = Str(rs, "sha256");
  d.uploaded_by = rs.getInt64("uploaded_by");
  d.uploaded_at = ReadTime(rs, "uploaded_at");
  return d;
}

}  // namespace

class MySqlDocumentRepository final : public DocumentRepository {
 public:
  explicit MySqlDocumentRepository(PooledConnection& c) : c_(c) {}
  Id Insert(const SessionDocument& d, const std::string& bytes) override {
    auto& ps = c_.Prepare(
        "INSERT INTO session_documents (session_id, kind, title, filename, content_type, size, sha256, uploaded_by, "
        "uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ps.setInt64(1, d.session_id);
    ps.setString(2, ToString(d.kind));
    ps.setString(3, d.title);
    ps.setString(4, d.filename);
    ps.setString(5, d.content_type);
    ps.setInt64(6, static_cast<long long>(bytes.size()));
    ps.setString(7, d.sha256);
    ps.setInt64(8, d.uploaded_by);
    ps.setString(9, FormatSqlUtc(d.uploaded_at));
    ps.executeUpdate();
    const Id id = LastInsertId(c_);
    auto& chunk = c_.Prepare("INSERT INTO session_document_chunks (document_id, seq, data_base64) VALUES (?, ?, ?)");
    for (std::size_t at = 0, seq = 0; at < bytes.size(); at += kChunkBytes, ++seq) {
      chunk.setInt64(1, id);
      chunk.setInt(2, static_cast<int>(seq));
      chunk.setString(3, Base64UrlEncode(std::string_view(bytes).substr(at, kChunkBytes)));
      chunk.executeUpdate();
    }
    return id;
  }
  std::vector<SessionDocument> OfSession(Id session_id) override {
    auto& ps = c_.Prepare(DOCUMENT_COLUMNS "WHERE session_id = ? ORDER BY id");
    ps.setInt64(1, session_id);
    return ReadAll<SessionDocument>(ps, ReadDocument);
  }
  std::optional<SessionDocument> Find(Id id) override {
    auto& ps = c_.Prepare(DOCUMENT_COLUMNS "WHERE id = ?");
    ps.setInt64(1, id);
    return ReadOne<SessionDocument>(ps, ReadDocument);
  }
  bool Delete(Id id) override {
    auto& ps = c_.Prepare("DELETE FROM session_documents WHERE id = ?");
    ps.setInt64(1, id);
    return ps.executeUpdate() > 0;
  }
  std::string Content(Id id) override {
    auto& ps = c_.Prepare("SELECT data_base64 FROM session_document_chunks WHERE document_id = ? ORDER BY seq");
    ps.setInt64(1, id);
    Rs rs(ps.executeQuery());
    std::string out;
    while (rs->next()) {
      auto bytes = Base64UrlDecode(Str(*rs, "data_base64"));
      if (!bytes) throw std::runtime_error("unreadable document chunk in the database");
      out += *bytes;
    }
    return out;
  }

 private:
  PooledConnection& c_;
};

std::unique_ptr<DocumentRepository> MakeDocumentRepository(PooledConnection& c) {
  return std::make_unique<MySqlDocumentRepository>(c);
}

}  // namespace parcours
