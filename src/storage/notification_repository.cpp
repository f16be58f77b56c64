// The notifications repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

class MySqlNotificationRepository final : public NotificationRepository {
 public:
  explicit MySqlNotificationRepository(PooledConnection& c) : c_(c) {}
  void Enqueue(const Notification& n, TimePoint at) override {
    auto& ps = c_.Prepare(
        "INSERT INTO notifications (user_id, kind, to_email, language, subject, body_text, ics, "
        "status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)");
    ps.setInt64(1, n.user_id);
    ps.setString(2, ToString(n.kind));
    ps.setString(3, n.to_email);
    ps.setString(4, n.language);
    ps.setString(5, n.subject);
    ps.setString(6, n.body_text);
    n.ics.empty() ? ps.setNull(7, 0) : ps.setString(7, n.ics);
    ps.setString(8, FormatSqlUtc(at));
    ps.setString(9, FormatSqlUtc(at));
    ps.executeUpdate();
  }
  std::vector<Notification> Claim(TimePoint now, int limit, const std::string& token,
                                  TimePoint lease_until) override {
    auto& select = c_.Prepare(NOTIFICATION_COLUMNS
                              "WHERE status = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL "
                              "OR claimed_until <= ?) ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED");
    select.setString(1, FormatSqlUtc(now));
    select.setString(2, FormatSqlUtc(now));
    select.setInt(3, limit);
    auto claimed = ReadAll<Notification>(select, ReadNotification);
    auto& lease = c_.Prepare("UPDATE notifications SET claim_token = ?, claimed_until = ? WHERE id = ?");
    for (const auto& n : claimed) {
      lease.setString(1, token);
      lease.setString(2, FormatSqlUtc(lease_until));
      lease.setInt64(3, n.id);
      lease.executeUpdate();
    }
    return claimed;
  }
  bool MarkSent(Id id, const std::string& token, TimePoint at) override {
    auto& ps = c_.Prepare(
        "UPDATE notifications SET status = 'sent', sent_at = ?, attempts = attempts + 1, claim_token = NULL, "
        "claimed_until = NULL WHERE id = ? AND claim_token = ?");
    ps.setString(1, FormatSqlUtc(at));
    ps.setInt64(2, id);
    ps.setString(3, token);
    return ps.executeUpdate() > 0;
  }
  bool MarkRetry(Id id, const std::string& token, int attempts, TimePoint next, const std::string& error,
                 bool give_up) override {
    auto& ps = c_.Prepare(
        "UPDATE notifications SET attempts = ?, next_attempt_at = ?, last_error = ?, status = ?, "
        "claim_token = NULL, claimed_until = NULL WHERE id = ? AND claim_token = ?");
    ps.setInt(1, attempts);
    ps.setString(2, FormatSqlUtc(next));
    ps.setString(3, error.substr(0, 1000));
    ps.setString(4, give_up ? "failed" : "pending");
    ps.setInt64(5, id);
    ps.setString(6, token);
    return ps.executeUpdate() > 0;
  }
  void Release(Id id, const std::string& token) override {
    auto& ps = c_.Prepare(
        "UPDATE notifications SET claim_token = NULL, claimed_until = NULL WHERE id = ? AND claim_token = ?");
    ps.setInt64(1, id);
    ps.setString(2, token);
    ps.executeUpdate();
  }
  std::vector<Notification> ForUser(Id user_id) override {
    auto& ps = c_.Prepare(NOTIFICATION_COLUMNS "WHERE user_id = ? ORDER BY id");
    ps.setInt64(1, user_id);
    return ReadAll<Notification>(ps, ReadNotification);
  }
  std::vector<FailedNotification> Failed(int limit) override {
    auto& ps = c_.Prepare(
        "SELECT id, user_id, kind, to_email, attempts, last_error, created_at FROM notifications "
        "WHERE status = 'failed' ORDER BY id DESC LIMIT ?");
    ps.setInt(1, limit);
    return ReadAll<FailedNotification>(ps, [](sql::ResultSet& rs) {
      FailedNotification f;
      f.id = rs.getInt64("id");
      f.user_id = rs.getInt64("user_id");
      f.kind = Known(NotificationKindFromString(Str(rs, "kind")), "notification kind");
      f.to_email = Str(rs, "to_email");
      f.attempts = rs.getInt("attempts");
      f.last_error = Str(rs, "last_error");
      f.created_at = ReadTime(rs, "created_at");
      return f;
    });
  }

 private:
  PooledConnection& c_;
};

std::unique_ptr<NotificationRepository> MakeNotificationRepository(PooledConnection& c) {
  return std::make_unique<MySqlNotificationRepository>(c);
}

}  // namespace parcours
