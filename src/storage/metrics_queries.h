#pragma once
// The database's side of the metrics: backlogs that only the database knows (every process
// sees the same numbers). Read at scrape time on a connection of the metrics' own (made by
// ConnectionPool::ConnectProbe: one-second timeouts, outside the pool, so that a scrape never
// waits for a busy pool), with cheap index range queries; never inside a request.
#include <cstdint>
#include <optional>

#include "storage/connection_pool.h"

namespace parcours {

struct DatabaseGauges {
  std::int64_t outbox_pending = 0;        // notifications waiting to be sent
  std::int64_t outbox_failed = 0;         // notifications given up on (after ~3 days)
  double outbox_oldest_due_seconds = 0;   // how late the most overdue pending message is
  std::int64_t webhook_backlog = 0;       // feed items not yet delivered to an active webhook
  std::int64_t webhooks_failing = 0;      // active webhooks whose last delivery failed
  std::int64_t webhooks_inactive = 0;     // webhooks given up on
  std::int64_t scheduler_failing = 0;     // sessions whose scheduler step keeps failing
  std::optional<std::int64_t> cluster_size;  // Galera: nodes in the primary component
  std::optional<bool> cluster_ready;         // Galera: this node accepts work
};

// Throws the driver's exception (and marks `c` broken) when the database cannot answer.
DatabaseGauges ReadDatabaseGauges(PooledConnection& c);

}  // namespace parcours
