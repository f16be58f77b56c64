// The structures repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {
namespace {

#define STRUCTURE_COLUMNS "SELECT id, name, kind, sector, created_at FROM structures "
#define MEMBERSHIP_COLUMNS "SELECT id, user_id, structure_id, profession, starts_on, ends_on, created_at FROM memberships "

Structure ReadStructure(sql::ResultSet& rs) {
  return Structure{rs.getInt64("id"), Str(rs, "name"), Str(rs, "kind"), Known(SectorFromString(Str(rs, "sector")), "sector"),
                   ReadTime(rs, "created_at")};
}

std::optional<std::string> OptionalDate(sql::ResultSet& rs, const char* col) {
  if (rs.isNull(col)) return std::nullopt;
  return Str(rs, col);
}

Membership ReadMembership(sql::ResultSet& rs) {
  return Membership{rs.getInt64("id"), rs.getInt64("user_id"), rs.getInt64("structure_id"), Str(rs, "profession"),
                    Str(rs, "starts_on"), OptionalDate(rs, "ends_on"), ReadTime(rs, "created_at")};
}

#define CONTACT_COLUMNS "SELECT structure_id, user_id, granted_at FROM structure_contacts "

StructureContact ReadContact(sql::ResultSet& rs) {
  return StructureContact{rs.getInt64("structure_id"), rs.getInt64("user_id"), ReadTime(rs, "granted_at")};
}

void SetOptionalDate(sql::PreparedStatement& ps, int index, const std::optional<std::string>& date) {
  if (date) ps.setString(index, *date);
  else ps.setNull(index, sql::DataType::DATE);
}

}  // namespace

class MySqlStructureRepository final : public StructureRepository {
 public:
  explicit MySqlStructureRepository(PooledConnection& c) : c_(c) {}
  std::optional<Id> Insert(const Structure& s) override {
    auto& ps = c_.Prepare("INSERT INTO structures (name, kind, sector, created_at) VALUES (?, ?, ?, ?)");
    ps.setString(1, s.name);
    ps.setString(2, s.kind);
    ps.setString(3, ToString(s.sector));
    ps.setString(4, FormatSqlUtc(s.created_at));
    if (!ExecuteInsert(ps)) return std::nullopt;
    return LastInsertId(c_);
  }
  std::optional<Structure> Find(Id id) override {
    auto& ps = c_.Prepare(STRUCTURE_COLUMNS "WHERE id = ?");
    ps.setInt64(1, id);
    return ReadOne<Structure>(ps, ReadStructure);
  }
  std::optional<Structure> FindByName(const std::string& name) override {
    auto& ps = c_.Prepare(STRUCTURE_COLUMNS "WHERE name = ?");
    ps.setString(1, name);
    return ReadOne<Structure>(ps, ReadStructure);
  }
  std::vector<Structure> List(std::optional<Sector> sector, Id after_id, int limit) override {
    auto& ps = c_.Prepare(STRUCTURE_COLUMNS "WHERE id > ? AND (? IS NULL OR sector = ?) ORDER BY id LIMIT ?");
    ps.setInt64(1, after_id);
    if (sector) {
      ps.setString(2, ToString(*sector));
      ps.setString(3, ToString(*sector));
    } else {
      ps.setNull(2, sql::DataType::VARCHAR);
      ps.setNull(3, sql::DataType::VARCHAR);
    }
    ps.setInt(4, limit);
    return ReadAll<Structure>(ps, ReadStructure);
  }
  Id InsertMembership(const Membership& m) override {
    auto& ps = c_.Prepare(
        "INSERT INTO memberships (user_id, structure_id, profession, starts_on, ends_on, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    ps.setInt64(1, m.user_id);
    ps.setInt64(2, m.structure_id);
    ps.setString(3, m.profession);
    ps.setString(4, m.starts_on);
    SetOptionalDate(ps, 5, m.ends_on);
    ps.setString(6, FormatSqlUtc(m.created_at));
    ps.executeUpdate();
    return LastInsertId(c_);
  }
  std::optional<Membership> FindMembership(Id id) override {
    auto& ps = c_.Prepare(MEMBERSHIP_COLUMNS "WHERE id = ? FOR UPDATE");
    ps.setInt64(1, id);
    return ReadOne<Membership>(ps, ReadMembership);
  }
  std::vector<Membership> MembershipsOf(Id user_id) override {
    auto& ps = c_.Prepare(MEMBERSHIP_COLUMNS "WHERE user_id = ? ORDER BY starts_on, id");
    ps.setInt64(1, user_id);
    return ReadAll<Membership>(ps, ReadMembership);
  }
  void SetMembershipDates(Id id, const std::string& starts_on, const std::optional<std::string>& ends_on) override {
    auto& ps = c_.Prepare("UPDATE memberships SET starts_on = ?, ends_on = ? WHERE id = ?");
    ps.setString(1, starts_on);
    SetOptionalDate(ps, 2, ends_on);
    ps.setInt64(3, id);
    ps.executeUpdate();
  }
  std::vector<AttendedDay> AttendedBetween(TimePoint from, TimePoint to) override {
    auto& ps = c_.Prepare(
        "SELECT participant_id, starts_at FROM attendance "
        "WHERE starts_at >= ? AND starts_at < ? AND status IN ('present', 'partial')");
    ps.setString(1, FormatSqlUtc(from));
    ps.setString(2, FormatSqlUtc(to));
    return ReadAll<AttendedDay>(ps, [](sql::ResultSet& rs) {
      return AttendedDay{rs.getInt64("participant_id"), FormatLocal(ReadTime(rs, "starts_at")).substr(0, 10)};
    });
  }
  std::vector<MembershipSpan> MembershipsOfAttendees(TimePoint from, TimePoint to) override {
    auto& ps = c_.Prepare(
        "SELECT m.user_id, m.structure_id, s.sector, m.starts_on, m.ends_on FROM memberships m "
        "JOIN structures s ON s.id = m.structure_id WHERE m.user_id IN (SELECT participant_id FROM attendance "
        "WHERE starts_at >= ? AND starts_at < ? AND status IN ('present', 'partial'))");
    ps.setString(1, FormatSqlUtc(from));
    ps.setString(2, FormatSqlUtc(to));
    return ReadAll<MembershipSpan>(ps, [](sql::ResultSet& rs) {
      return MembershipSpan{rs.getInt64("user_id"), rs.getInt64("structure_id"),
                            Known(SectorFromString(Str(rs, "sector")), "sector"), Str(rs, "starts_on"),
                            OptionalDate(rs, "ends_on")};
    });
  }
  bool InsertContact(const StructureContact& c) override {
    auto& ps = c_.Prepare("INSERT INTO structure_contacts (structure_id, user_id, granted_at) VALUES (?, ?, ?)");
    ps.setInt64(1, c.structure_id);
    ps.setInt64(2, c.user_id);
    ps.setString(3, FormatSqlUtc(c.granted_at));
    return ExecuteInsert(ps);
  }
  bool DeleteContact(Id structure_id, Id user_id) override {
    auto& ps = c_.Prepare("DELETE FROM structure_contacts WHERE structure_id = ? AND user_id = ?");
    ps.setInt64(1, structure_id);
    ps.setInt64(2, user_id);
    return ps.executeUpdate() > 0;
  }
  std::vector<StructureContact> ContactsOf(Id structure_id) override {
    auto& ps = c_.Prepare(CONTACT_COLUMNS "WHERE structure_id = ? ORDER BY user_id");
    ps.setInt64(1, structure_id);
    return ReadAll<StructureContact>(ps, ReadContact);
  }
  std::vector<StructureContact> ContactRolesOf(Id user_id) override {
    auto& ps = c_.Prepare(CONTACT_COLUMNS "WHERE user_id = ? ORDER BY structure_id");
    ps.setInt64(1, user_id);
    return ReadAll<StructureContact>(ps, ReadContact);
  }
  bool InsertSharing(const StaffSharing& s) override {
    auto& ps = c_.Prepare("INSERT INTO staff_sharing (user_id, structure_id, given_at) VALUES (?, ?, ?)");
    ps.setInt64(1, s.user_id);
    ps.setInt64(2, s.structure_id);
    ps.setString(3, FormatSqlUtc(s.given_at));
    return ExecuteInsert(ps);
  }
  bool DeleteSharing(Id user_id, Id structure_id) override {
    auto& ps = c_.Prepare("DELETE FROM staff_sharing WHERE user_id = ? AND structure_id = ?");
    ps.setInt64(1, user_id);
    ps.setInt64(2, structure_id);
    return ps.executeUpdate() > 0;
  }
  std::vector<StaffSharing> SharingOf(Id user_id) override {
    auto& ps = c_.Prepare("SELECT user_id, structure_id, given_at FROM staff_sharing WHERE user_id = ? ORDER BY structure_id");
    ps.setInt64(1, user_id);
    return ReadAll<StaffSharing>(ps, [](sql::ResultSet& rs) {
      return StaffSharing{rs.getInt64("user_id"), rs.getInt64("structure_id"), ReadTime(rs, "given_at")};
    });
  }
  std::vector<Membership> SharingMembers(Id structure_id, const std::string& date) override {
    auto& ps = c_.Prepare(
        "SELECT m.id, m.user_id, m.structure_id, m.profession, m.starts_on, m.ends_on, m.created_at "
        "FROM memberships m JOIN staff_sharing s ON s.user_id = m.user_id AND s.structure_id = m.structure_id "
        "WHERE m.structure_id = ? AND m.starts_on <= ? AND (m.ends_on IS NULL OR m.ends_on >= ?) "
        "ORDER BY m.user_id, m.id");
    ps.setInt64(1, structure_id);
    ps.setString(2, date);
    ps.setString(3, date);
    return ReadAll<Membership>(ps, ReadMembership);
  }

 private:
  PooledConnection& c_;
};

std::unique_ptr<StructureRepository> MakeStructureRepository(PooledConnection& c) {
  return std::make_unique<MySqlStructureRepository>(c);
}

}  // namespace parcours
