// The attestations repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

class MySqlAttestationRepository final : public AttestationRepository {
 public:
  explicit MySqlAttestationRepository(PooledConnection& c) : c_(c) {}
  std::optional<Id> Insert(const Attestation& a, const std::string& pdf) override {
    auto& ps = c_.Prepare(
        "INSERT INTO attestations (participant_id, pathway_id, verification_code, issued_at, "
        "holder_name, pathway_title, total_hours, language, sha256, pdf_base64) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ps.setInt64(1, a.participant_id);
    ps.setInt64(2, a.pathway_id);
    ps.setString(3, a.verification_code);
    ps.setString(4, FormatSqlUtc(a.issued_at));
    ps.setString(5, a.holder_name);
    ps.setString(6, a.pathway_title);
    ps.setDouble(7, a.total_hours);
    ps.setString(8, a.language);
    ps.setString(9, a.sha256);
    ps.setString(10, Base64UrlEncode(pdf));
    if (!ExecuteInsert(ps)) return std::nullopt;
    return LastInsertId(c_);
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
    return ps.executeUpdate() > 0;
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

 private:
  PooledConnection& c_;
};

std::unique_ptr<AttestationRepository> MakeAttestationRepository(PooledConnection& c) {
  return std::make_unique<MySqlAttestationRepository>(c);
}

}  // namespace parcours
