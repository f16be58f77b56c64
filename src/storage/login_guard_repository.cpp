// The login guard repository over MySQL/MariaDB: throttling state shared by every process.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

class MySqlLoginGuardRepository final : public LoginGuardRepository {
 public:
  explicit MySqlLoginGuardRepository(PooledConnection& c) : c_(c) {}

  std::optional<TimePoint> SignupPace(const std::string& address) override {
    auto& ps = c_.Prepare("SELECT tat FROM signup_pace WHERE address = ?");
    ps.setString(1, address);
    return ReadOne<TimePoint>(ps, [](sql::ResultSet& rs) { return ReadTime(rs, "tat"); });
  }
  TimePoint LockSignupPace(const std::string& address, TimePoint now) override {
    // The upsert takes the row's exclusive lock whether it inserts or finds the row, so a
    // first sign-up from an address serialises with a concurrent one as well.
    auto& upsert = c_.Prepare("INSERT INTO signup_pace (address, tat) VALUES (?, ?) "
                              "ON DUPLICATE KEY UPDATE address = address");
    upsert.setString(1, address);
    upsert.setString(2, FormatSqlUtc(now));
    upsert.executeUpdate();
    auto& ps = c_.Prepare("SELECT tat FROM signup_pace WHERE address = ? FOR UPDATE");
    ps.setString(1, address);
    return *ReadOne<TimePoint>(ps, [](sql::ResultSet& rs) { return ReadTime(rs, "tat"); });
  }
  void SetSignupPace(const std::string& address, TimePoint tat) override {
    auto& ps = c_.Prepare("UPDATE signup_pace SET tat = ? WHERE address = ?");
    ps.setString(1, FormatSqlUtc(tat));
    ps.setString(2, address);
    ps.executeUpdate();
  }

 private:
  PooledConnection& c_;
};

std::unique_ptr<LoginGuardRepository> MakeLoginGuardRepository(PooledConnection& c) {
  return std::make_unique<MySqlLoginGuardRepository>(c);
}

}  // namespace parcours
