#include "storage/metrics_queries.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace parcours {
namespace {

std::int64_t Number(sql::Statement& st, const char* query) {
  std::unique_ptr<sql::ResultSet> rs(st.executeQuery(query));
  return rs->next() && !rs->isNull(1) ? rs->getInt64(1) : 0;
}

}  // namespace

DatabaseGauges ReadDatabaseGauges(PooledConnection& c) {
  DatabaseGauges g;
  try {
    std::unique_ptr<sql::Statement> st(c.conn().createStatement());
    g.outbox_pending = Number(*st, "SELECT COUNT(*) FROM notifications WHERE status = 'pending'");
    g.outbox_failed = Number(*st, "SELECT COUNT(*) FROM notifications WHERE status = 'failed'");
    g.outbox_oldest_due_seconds = static_cast<double>(Number(
        *st, "SELECT GREATEST(0, TIMESTAMPDIFF(SECOND, MIN(next_attempt_at), UTC_TIMESTAMP())) FROM notifications "
             "WHERE status = 'pending'"));
    g.webhook_backlog = Number(*st,
                               "SELECT COUNT(*) FROM agency_webhooks w JOIN agency_changes c ON c.agency_code = "
                               "w.agency_code AND (c.seq IS NULL OR c.seq > w.delivered_seq) WHERE w.active = 1");
    g.webhooks_failing = Number(*st, "SELECT COUNT(*) FROM agency_webhooks WHERE active = 1 AND attempts > 0");
    g.webhooks_inactive = Number(*st, "SELECT COUNT(*) FROM agency_webhooks WHERE active = 0");
    g.scheduler_failing = Number(*st, "SELECT COUNT(DISTINCT session_id) FROM scheduler_failures");
    {
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SHOW STATUS LIKE 'wsrep_cluster_size'"));
      if (rs->next()) g.cluster_size = std::atoll(rs->getString(2).c_str());
    }
    {
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SHOW STATUS LIKE 'wsrep_ready'"));
      if (rs->next()) g.cluster_ready = rs->getString(2) == "ON";
    }
    c.Rollback();
  } catch (const sql::SQLException&) {
    c.broken = true;
    throw;
  }
  return g;
}

}  // namespace parcours
