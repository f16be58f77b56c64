#pragma once
// The catalogue: pathways and their modules, stand-alone modules (one-off trainings and
// events), and dated sessions with capacity, threshold and decision date.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/pagination.h"
#include "services/registration_unit.h"

namespace parcours {

struct NewSession {
  Session session;           // module_id, times, capacity, agency, location, mode, trainers
  bool decision_given = false;
  bool min_registrants_given = false;
};

class CatalogueService {
 public:
  CatalogueService(Store& store, const Clock& clock, NotificationSettings notify = {})
      : store_(store), clock_(clock), unit_(std::move(notify)) {}

  Result<Pathway> CreatePathway(const RequestContext& ctx, Pathway in);
  Result<Pathway> GetPathway(Id id);
  Result<Page<Pathway>> ListPathways(const PageRequest& page);
  Result<Module> CreateModule(const RequestContext& ctx, Module in);
  Result<Module> GetModule(Id id);
  Result<Page<Module>> ListModules(const PageRequest& page);
  Result<Session> CreateSession(const RequestContext& ctx, NewSession in);
  Result<Session> GetSession(Id id);
  Result<Page<Session>> ListSessions(SessionFilter filter, const PageRequest& page);
  // Cancels a scheduled or confirmed session; its active registrations become cancelled.
  Result<Session> CancelSession(const RequestContext& ctx, Id id, const std::string& reason);

 private:
  Store& store_;
  const Clock& clock_;
  RegistrationUnit unit_;
};

}  // namespace parcours
