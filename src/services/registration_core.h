#pragma once
// The registration state changes, shared by people (RegistrationService), agencies
// (AgencyService) and imports. Each runs inside the caller's transaction with the session's
// row already locked, updates the session's counters, writes the audit rows, the outbox
// messages and, for agency channels, the agency's change feed.
#include <string>

#include "domain/errors.h"
#include "domain/repositories.h"

namespace parcours {

// Registers `participant` (confirmed while places remain, else waitlisted).
Result<Registration> RegisterInLockedSession(UnitOfWork& uow, const RequestContext& ctx,
                                             Session& session, Id participant,
                                             const std::string& channel, TimePoint now);
// Withdraws an active registration and promotes the first waiting person if a place frees.
Registration WithdrawInLockedSession(UnitOfWork& uow, const RequestContext& ctx,
                                     Session& session, const Registration& reg, TimePoint now);
// Appends to the change feed of the registration's agency (no-op for DIRECT/SPECIALISED).
void RecordAgencyChange(UnitOfWork& uow, const Registration& reg, const std::string& kind,
                        const std::string& status, TimePoint now);

}  // namespace parcours
