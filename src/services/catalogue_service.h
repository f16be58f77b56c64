#pragma once
// The catalogue: pathways and their modules, stand-alone modules (one-off trainings and
// events), and dated sessions with capacity, threshold and decision date.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "domain/rules.h"
#include "services/catalogue_cache.h"
#include "services/pagination.h"
#include "services/registration_unit.h"

namespace parcours {

// A session with its module, as staff lists show it.
struct SessionWithModule {
  Session session;
  Module module;
  bool today = false;  // it runs (in part) today, Luxembourg time
};

// A coming decision: the session, its module, the whole days left until its decision date
// (Luxembourg calendar) and whether it is at risk (fewer confirmed than min_registrants).
struct ComingDecision {
  Session session;
  Module module;
  int days_left = 0;
  bool at_risk = false;
};

// A series of sessions made from a rule (issue 12): each date a session of its own.
struct SessionSeries {
  Id id = 0;
  Id module_id = 0;
  SeriesRule rule;
  std::vector<Session> sessions;  // soonest first
};

struct NewSession {
  Session session;           // module_id, times, capacity, agency, location, mode, trainers
  bool decision_given = false;
  bool min_registrants_given = false;
  DescriptionEdit description;  // language, audience, objectives... (checked like an edit's)
};

// The catalogue as its pages show it, read at once: every pathway (with its modules), every
// module, and the sessions that have not started, soonest first.
struct CatalogueSnapshot {
  std::vector<Pathway> pathways;
  std::vector<Module> modules;
  std::vector<Session> upcoming;
  const Module* FindModule(Id id) const;
  const Pathway* FindPathway(Id id) const;
  const Session* FindUpcoming(Id id) const;
};
using CatalogueSnapshotEntry = CatalogueCache<CatalogueSnapshot>::Entry;

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
  // Edits a session (coordinator): see ApplySessionEdit for the rules and EditTransition for
  // what follows (waiting list, messages, agency feed), in one transaction.
  Result<Session> EditSession(const RequestContext& ctx, Id id, const SessionEdit& edit);
  // Confirms a scheduled session before its decision date, whatever its numbers (coordinator).
  Result<Session> ConfirmSession(const RequestContext& ctx, Id id);
  // The sessions the caller teaches: upcoming (those ending today or later, soonest first) or
  // past (latest first).
  Result<Page<SessionWithModule>> TaughtSessions(const RequestContext& ctx, bool upcoming, const PageRequest& page);
  // Scheduled sessions whose decision date is at most `within_days` days away (coordinator);
  // only those at risk when asked.
  Result<std::vector<ComingDecision>> Decisions(const RequestContext& ctx, int within_days, bool at_risk_only);

  // A session's replay (issue 12): set (or cleared with "") by its trainers or a coordinator
  // once the session has started (409 before, or when cancelled).
  Result<Session> SetReplay(const RequestContext& ctx, Id id, const std::string& link);
  // The replay's link for a person who may see it (the session's staff, its confirmed
  // registrants and attendees; 403 for others, 404 while there is none), one view counted.
  Result<std::string> OpenReplay(const RequestContext& ctx, Id id);

  // The parts of a session held over several dates (coordinator, before it starts; none: held
  // in one go): see CheckParts. Its registration, capacity and decision stay the session's.
  Result<Session> SetParts(const RequestContext& ctx, Id id, const std::vector<SessionPart>& parts);
  // A series (coordinator): `in` describes the first date, `rule` the others; every date is
  // checked like a new session, and made in one transaction, or none is.
  Result<SessionSeries> CreateSeries(const RequestContext& ctx, NewSession in, const SeriesRule& rule);
  Result<SessionSeries> GetSeries(Id id);

  // Kept reads (catalogue_cache.h): set once at start; without it nothing is kept.
  void SetCache(CatalogueCacheSettings settings) {
    if (settings.read_version) versions_ = std::make_unique<VersionCoalescer>(settings.read_version);
    cache_settings_ = std::move(settings);
  }
  // The catalogue's version for this request (one query; none when nothing is kept).
  CatalogueReading ReadVersion();
  // The same without blocking: `done` gets the reading of the first version read that starts
  // after the call, on the thread that made it (VersionCoalescer::Await). False, and `done`
  // never called, when versions are not read that way (no cache, or no read_version).
  bool AwaitVersion(std::function<void(const CatalogueReading&)> done);
  // The snapshot that is fresh for `r`, read again from the database when it is not.
  std::shared_ptr<const CatalogueSnapshotEntry> Snapshot(const CatalogueReading& r);

 private:
  Store& store_;
  const Clock& clock_;
  RegistrationUnit unit_;
  CatalogueCacheSettings cache_settings_;
  std::unique_ptr<VersionCoalescer> versions_;  // when cache_settings_.read_version is given
  CatalogueCache<CatalogueSnapshot> snapshot_{1};
};

}  // namespace parcours
