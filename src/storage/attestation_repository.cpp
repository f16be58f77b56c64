// The attestations repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

#include <map>

namespace parcours {

#define CERTIFICATE_COLUMNS                                                                             \
  "SELECT id, registration_id, participant_id, session_id, verification_code, issued_at, holder_name, "  \
  "module_title, pathway_title, hours, session_starts_at, session_ends_at, language, sha256, revoked_at, " \
  "revoke_reason FROM attendance_certificates "

class MySqlAttestationRepository final : public AttestationRepository {
 public:
  explicit MySqlAttestationRepository(PooledConnection& c) : c_(c) {}
  std::optional<Id> Insert(const Attestation& a, const std::string& pdf) override {
    auto& ps = c_.Prepare(
        "INSERT INTO attestations (participant_id, pathway_id, verification_code, issued_at, "
        "holder_name, pathway_title, total_hours, language, sha256, pdf_base64) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Bind(ps, 1, a, pdf);
    if (!ExecuteInsert(ps)) return std::nullopt;
    const Id id = LastInsertId(c_);
    BumpPerson(c_, a.participant_id);
    return id;
  }
  std::optional<Attestation> FindAttestation(Id id) override {
    auto& ps = c_.Prepare(ATTESTATION_COLUMNS "WHERE id = ?");
    ps.setInt64(1, id);
    return ReadOne<Attestation>(ps, ReadAttestation);
  }
  std::optional<Attestation> FindByCode(const std::string& code) override {
    auto& ps = c_.Prepare(ATTESTATION_COLUMNS "WHERE verification_code = ?");
    ps.setString(1, code);
    return ReadOne<Attestation>(ps, ReadAttestation);
  }
  std::optional<Attestation> FindBySha256(const std::string& sha256) override {
    auto& ps = c_.Prepare(ATTESTATION_COLUMNS "WHERE sha256 = ? ORDER BY id DESC LIMIT 1");
    ps.setString(1, sha256);
    return ReadOne<Attestation>(ps, ReadAttestation);
  }
  std::optional<Attestation> FindValid(Id participant_id, Id pathway_id) override {
    auto& ps = c_.Prepare(ATTESTATION_COLUMNS "WHERE participant_id = ? AND pathway_id = ? AND active = 1");
    ps.setInt64(1, participant_id);
    ps.setInt64(2, pathway_id);
    return ReadOne<Attestation>(ps, ReadAttestation);
  }
  std::optional<std::string> Pdf(Id id) override {
    auto& ps = c_.Prepare("SELECT pdf_base64 FROM attestations WHERE id = ?");
    ps.setInt64(1, id);
    auto text = ReadOne<std::string>(ps, [](sql::ResultSet& rs) { return Str(rs, "pdf_base64"); });
    if (!text) return std::nullopt;
    return Base64UrlDecode(*text);
  }
  bool Revoke(Id id, const std::string& reason, TimePoint at) override {
    auto& ps = c_.Prepare(
        "UPDATE attestations SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL");
    ps.setString(1, FormatSqlUtc(at));
    ps.setString(2, reason);
    ps.setInt64(3, id);
    if (ps.executeUpdate() == 0) return false;
    auto& holder = c_.Prepare("SELECT participant_id FROM attestations WHERE id = ?");
    holder.setInt64(1, id);
    if (auto who = ReadOne<Id>(holder, [](sql::ResultSet& rs) { return rs.getInt64(1); })) BumpPerson(c_, *who);
    return true;
  }
  std::vector<Id> CompletedPathway(const Pathway& p) override {
    auto& ps = c_.Prepare(
        "SELECT a.participant_id FROM attendance a JOIN modules m ON m.id = a.module_id WHERE "
        "m.pathway_id = ? AND a.status = 'present' AND a.hours >= m.hours GROUP BY a.participant_id "
        "HAVING COUNT(DISTINCT m.id) = ? ORDER BY a.participant_id");
    ps.setInt64(1, p.id);
    ps.setInt(2, static_cast<int>(p.modules.size()));
    return ReadAll<Id>(ps, [](sql::ResultSet& rs) { return rs.getInt64("participant_id"); });
  }
  long long IssuedBetween(TimePoint from, TimePoint to) override {
    auto& ps = c_.Prepare("SELECT COUNT(*) FROM attestations WHERE issued_at >= ? AND issued_at < ?");
    ps.setString(1, FormatSqlUtc(from));
    ps.setString(2, FormatSqlUtc(to));
    Rs rs(ps.executeQuery());
    rs->next();
    return rs->getInt64(1);
  }
  std::vector<Attestation> ForParticipant(Id participant_id) override {
    auto& ps = c_.Prepare(ATTESTATION_COLUMNS "WHERE participant_id = ? ORDER BY issued_at DESC, id DESC");
    ps.setInt64(1, participant_id);
    return ReadAll<Attestation>(ps, ReadAttestation);
  }
  std::optional<Id> InsertCertificate(const AttendanceCertificate& a, const std::string& pdf) override {
    auto& ps = c_.Prepare(
        "INSERT INTO attendance_certificates (registration_id, participant_id, session_id, verification_code, "
        "issued_at, holder_name, module_title, pathway_title, hours, session_starts_at, session_ends_at, "
        "language, sha256, pdf_base64) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ps.setInt64(1, a.registration_id);
    ps.setInt64(2, a.participant_id);
    ps.setInt64(3, a.session_id);
    ps.setString(4, a.verification_code);
    ps.setString(5, FormatSqlUtc(a.issued_at));
    ps.setString(6, a.holder_name);
    ps.setString(7, a.module_title);
    ps.setString(8, a.pathway_title);
    ps.setDouble(9, a.hours);
    ps.setString(10, FormatSqlUtc(a.session_starts_at));
    ps.setString(11, FormatSqlUtc(a.session_ends_at));
    ps.setString(12, a.language);
    ps.setString(13, a.sha256);
    ps.setString(14, Base64UrlEncode(pdf));
    if (!ExecuteInsert(ps)) return std::nullopt;
    return LastInsertId(c_);
  }
  std::optional<AttendanceCertificate> ValidCertificate(Id registration_id) override {
    auto& ps = c_.Prepare(CERTIFICATE_COLUMNS "WHERE registration_id = ? AND active = 1");
    ps.setInt64(1, registration_id);
    return ReadOne<AttendanceCertificate>(ps, ReadCertificate);
  }
  std::optional<AttendanceCertificate> FindCertificateByCode(const std::string& code) override {
    auto& ps = c_.Prepare(CERTIFICATE_COLUMNS "WHERE verification_code = ?");
    ps.setString(1, code);
    return ReadOne<AttendanceCertificate>(ps, ReadCertificate);
  }
  std::optional<std::string> CertificatePdf(Id id) override {
    auto& ps = c_.Prepare("SELECT pdf_base64 FROM attendance_certificates WHERE id = ?");
    ps.setInt64(1, id);
    auto text = ReadOne<std::string>(ps, [](sql::ResultSet& rs) { return Str(rs, "pdf_base64"); });
    if (!text) return std::nullopt;
    return Base64UrlDecode(*text);
  }
  bool RevokeCertificate(Id id, const std::string& reason, TimePoint at) override {
    auto& ps = c_.Prepare(
        "UPDATE attendance_certificates SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL");
    ps.setString(1, FormatSqlUtc(at));
    ps.setString(2, reason);
    ps.setInt64(3, id);
    return ps.executeUpdate() > 0;
  }

  std::vector<PersonCompletion> PathwayCompletions(const Pathway& p) override {
    // Full presence at a session of a module of the pathway; the first per person and module.
    auto& ps = c_.Prepare(
        "SELECT a.participant_id, a.module_id, a.session_id, a.starts_at FROM attendance a JOIN modules m ON "
        "m.id = a.module_id WHERE m.pathway_id = ? AND a.status = 'present' AND a.hours >= m.hours "
        "ORDER BY a.participant_id, a.module_id, a.starts_at, a.session_id");
    ps.setInt64(1, p.id);
    std::vector<PersonCompletion> out;
    Rs rs(ps.executeQuery());
    while (rs->next()) {
      PersonCompletion c{rs->getInt64("participant_id"),
                         {rs->getInt64("module_id"), rs->getInt64("session_id"), ReadTime(*rs, "starts_at")}};
      if (!out.empty() && out.back().participant_id == c.participant_id && out.back().module.module_id == c.module.module_id)
        continue;
      out.push_back(c);
    }
    return out;
  }
  std::vector<Attestation> OfPathway(Id pathway_id) override {
    auto& ps = c_.Prepare(ATTESTATION_COLUMNS "WHERE pathway_id = ? ORDER BY id");
    ps.setInt64(1, pathway_id);
    return ReadAll<Attestation>(ps, ReadAttestation);
  }
  std::vector<Attestation> OfParticipant(Id participant_id) override {
    auto& ps = c_.Prepare(ATTESTATION_COLUMNS "WHERE participant_id = ? ORDER BY id");
    ps.setInt64(1, participant_id);
    return ReadAll<Attestation>(ps, ReadAttestation);
  }
  std::vector<std::optional<Id>> InsertMany(const std::vector<std::pair<Attestation, std::string>>& batch) override {
    // Multi-row statements: a round trip per 20 attestations instead of two per attestation.
    static const MultiRowText kInsert(
        "INSERT INTO attestations (participant_id, pathway_id, verification_code, issued_at, holder_name, "
        "pathway_title, total_hours, language, sha256, pdf_base64) VALUES",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 20);
    std::vector<std::optional<Id>> ids;
    for (std::size_t done = 0; done < batch.size();) {
      const int n = static_cast<int>(std::min<std::size_t>(batch.size() - done, kInsert.max_rows()));
      auto& ps = c_.Prepare(kInsert.For(n));
      for (int i = 0; i < n; ++i) Bind(ps, 1 + i * 10, batch[done + i].first, batch[done + i].second);
      bool all = true;
      try {
        ps.executeUpdate();
      } catch (const sql::SQLException& e) {
        // One of them has a valid attestation already (issued concurrently): the statement was
        // rolled back as a whole; insert these one by one, skipping that one.
        if (e.getErrorCode() != kDuplicateKey) throw;
        all = false;
      }
      std::map<std::string, Id> by_code;
      if (all) {
        std::vector<std::string> codes;
        std::vector<Id> holders;
        for (int i = 0; i < n; ++i) {
          codes.push_back(batch[done + i].first.verification_code);
          holders.push_back(batch[done + i].first.participant_id);
        }
        by_code = IdsOfCodes(codes);
        BumpPeople(c_, holders);
      }
      for (int i = 0; i < n; ++i) {
        const auto& [a, pdf] = batch[done + i];
        if (all) ids.push_back(by_code.at(a.verification_code));
        else ids.push_back(Insert(a, pdf));
      }
      done += n;
    }
    return ids;
  }

 private:
  static void Bind(sql::PreparedStatement& ps, int first, const Attestation& a, const std::string& pdf) {
    ps.setInt64(first, a.participant_id);
    ps.setInt64(first + 1, a.pathway_id);
    ps.setString(first + 2, a.verification_code);
    ps.setString(first + 3, FormatSqlUtc(a.issued_at));
    ps.setString(first + 4, a.holder_name);
    ps.setString(first + 5, a.pathway_title);
    ps.setDouble(first + 6, a.total_hours);
    ps.setString(first + 7, a.language);
    ps.setString(first + 8, a.sha256);
    ps.setString(first + 9, Base64UrlEncode(pdf));
  }
  // The ids of attestations just inserted, by verification code (a unique key: ids of a
  // multi-row insert need not be consecutive under Galera's interleaved auto-increment).
  std::map<std::string, Id> IdsOfCodes(const std::vector<std::string>& codes) {
    auto& ps = c_.Prepare(
        "SELECT id, verification_code FROM attestations WHERE verification_code IN "
        "(SELECT j.code FROM JSON_TABLE(?, '$[*]' COLUMNS (code CHAR(19) CHARACTER SET ascii PATH '$')) j)");
    ps.setString(1, nlohmann::json(codes).dump());
    std::map<std::string, Id> out;
    Rs rs(ps.executeQuery());
    while (rs->next()) out[Str(*rs, "verification_code")] = rs->getInt64("id");
    return out;
  }
 private:
  static AttendanceCertificate ReadCertificate(sql::ResultSet& rs) {
    AttendanceCertificate a;
    a.id = rs.getInt64("id");
    a.registration_id = rs.getInt64("registration_id");
    a.participant_id = rs.getInt64("participant_id");
    a.session_id = rs.getInt64("session_id");
    a.verification_code = Str(rs, "verification_code");
    a.issued_at = ReadTime(rs, "issued_at");
    a.holder_name = Str(rs, "holder_name");
    a.module_title = Str(rs, "module_title");
    a.pathway_title = Str(rs, "pathway_title");
    a.hours = rs.getDouble("hours");
    a.session_starts_at = ReadTime(rs, "session_starts_at");
    a.session_ends_at = ReadTime(rs, "session_ends_at");
    a.language = Str(rs, "language");
    a.sha256 = Str(rs, "sha256");
    a.revoked_at = ReadOptionalTime(rs, "revoked_at");
    a.revoke_reason = Str(rs, "revoke_reason");
    return a;
  }

  PooledConnection& c_;
};

std::unique_ptr<AttestationRepository> MakeAttestationRepository(PooledConnection& c) {
  return std::make_unique<MySqlAttestationRepository>(c);
}

}  // namespace parcours
