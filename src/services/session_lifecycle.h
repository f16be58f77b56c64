#pragma once
// Session state changes shared by the coordinator's manual cancellation and the scheduler:
// run inside the caller's transaction, with the session row already locked.
#include <string>

#include "domain/repositories.h"
#include "services/notifications.h"

namespace parcours {

SessionFacts LoadFacts(UnitOfWork& uow, const Session& s);
// Cancels every active registration (each registrant told, with the module's other open
// sessions), marks the session cancelled, writes the audit rows.
void CancelLockedSession(UnitOfWork& uow, const RequestContext& ctx, Session& s,
                         const std::string& reason, bool by_threshold, TimePoint now);

}  // namespace parcours
