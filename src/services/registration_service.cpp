#include "services/registration_service.h"

#include <map>

#include <algorithm>

#include "domain/rules.h"
#include "services/audit.h"
#include "services/ics.h"
#include "services/views.h"

namespace parcours {
namespace {

Page<Registration> ToPage(std::vector<Registration> rows, int limit) {
  return MakePage(std::move(rows), limit,
                  [](const Registration& r) { return EncodeCursor(r.id); });
}

}  // namespace

Result<Registration> RegistrationService::Register(const RequestContext& ctx,
                                                   const RegistrationRequest& in) {
  const Principal& who = ctx.principal;
  if (who.kind != Principal::Kind::kUser)
    return Error(ErrorCode::kForbidden, "Agencies enrol through /agencies/{code}/enrolments.");
  Id participant = who.user_id;
  if (in.participant_id && *in.participant_id != who.user_id) {
    if (!who.IsCoordinator())
      return Error(ErrorCode::kForbidden, "Only coordinators register other people.");
    participant = *in.participant_id;
  }
  if (in.module_override && !who.IsCoordinator())
    return Error(ErrorCode::kForbidden, "Only coordinators override the one-registration-per-module rule.");
  // The channel follows who registers: a person registering themself is DIRECT; only a
  // coordinator records another (an agency's, SPECIALISED).
  std::string channel = in.channel.value_or("DIRECT");
  if (!who.IsCoordinator() && channel != "DIRECT")
    return Invalid({{"channel", "a person registering themself is DIRECT; only a coordinator sets another channel"}});
  if (!IsValidCode(channel)) return Invalid({{"channel", "must be DIRECT, SPECIALISED or an agency code"}});

  return Transact(store_, [&](UnitOfWork& uow) -> Result<Registration> {
    const TimePoint now = clock_.Now();
    if (!IsBuiltinChannel(channel) && !uow.agencies().Find(channel))
      return Invalid({{"channel", "must be DIRECT, SPECIALISED or an agency code"}});
    if (participant != who.user_id) {
      auto person = uow.users().FindById(participant);
      if (!person || IsErased(*person)) return Invalid({{"participant_id", "no person has this id"}});
    }
    // The row lock on the session serialises every registration change of this session; the
    // unique keys on registrations hold the per-session and per-module rules across sessions.
    auto session = uow.catalogue().FindSession(in.session_id, true);
    if (!session) return Error(ErrorCode::kNotFound, "No session has this id.");
    RegisterRequest request;
    request.participant_id = participant;
    request.channel = channel;
    request.module_override = in.module_override;
    return unit_.Register(uow, ctx, *session, request, now);
  });
}

Result<Registration> RegistrationService::Withdraw(const RequestContext& ctx, Id registration_id) {
  const Principal& who = ctx.principal;
  if (who.kind != Principal::Kind::kUser)
    return Error(ErrorCode::kForbidden, "Agencies withdraw through /agencies/{code}/enrolments.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Registration> {
    const TimePoint now = clock_.Now();
    auto peek = uow.registrations().Find(registration_id);
    if (!peek || (peek->participant_id != who.user_id && !who.IsCoordinator()))
      return Error(ErrorCode::kNotFound, "No registration of yours has this id.");
    auto session = uow.catalogue().FindSession(peek->session_id, true);
    auto reg = uow.registrations().Find(registration_id);  // re-read under the session lock
    if (!IsActive(reg->status))
      return Error(ErrorCode::kConflict, std::string("The registration is already ") + ToString(reg->status) + ".");
    if (!who.IsCoordinator() && now >= session->starts_at)
      return Error(ErrorCode::kSessionNotOpen, "The session has already started.");
    return unit_.Withdraw(uow, ctx, *session, *reg, now);
  });
}

Result<Registration> RegistrationService::Transfer(const RequestContext& ctx, Id registration_id, Id session_id) {
  const Principal& who = ctx.principal;
  if (who.kind != Principal::Kind::kUser)
    return Error(ErrorCode::kForbidden, "Agencies move an enrolment by pushing its external id with the new session.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Registration> {
    const TimePoint now = clock_.Now();
    auto peek = uow.registrations().Find(registration_id);
    if (!peek || (peek->participant_id != who.user_id && !who.IsCoordinator()))
      return Error(ErrorCode::kNotFound, "No registration of yours has this id.");
    if (!uow.catalogue().FindSession(session_id, false)) return Invalid({{"session_id", "no session has this id"}});
    // Both sessions' row locks, in id order: transfers in opposite directions cannot deadlock.
    const Id first = std::min(peek->session_id, session_id), second = std::max(peek->session_id, session_id);
    auto a = uow.catalogue().FindSession(first, true);
    auto b = first == second ? a : uow.catalogue().FindSession(second, true);
    Session from = a->id == peek->session_id ? *a : *b;
    Session to = a->id == session_id ? *a : *b;
    auto reg = uow.registrations().Find(registration_id);  // re-read under the locks
    if (!IsActive(reg->status))
      return Error(ErrorCode::kConflict, std::string("The registration is already ") + ToString(reg->status) + ".");
    if (!who.IsCoordinator() && now >= from.starts_at)
      return Error(ErrorCode::kSessionNotOpen, "The session has already started.");
    // An agency's enrolment follows the person to the new date under the same external id.
    std::optional<EnrolmentRecord> enrolment;
    if (auto e = uow.agencies().EnrolmentOf(reg->id))
      enrolment = EnrolmentRecord{e->agency, e->external_id, e->email, e->name, e->organisation};
    return unit_.Transfer(uow, ctx, from, to, *reg, now, "registration.transferred", enrolment);
  });
}

Result<Page<Registrant>> RegistrationService::ListForSession(const RequestContext& ctx, Id session_id,
                                                             const PageRequest& page,
                                                             std::optional<RegistrationStatus> status) {
  auto after = AfterId(page);
  if (!after) return Fail(after.error());
  Result<Page<Registrant>> out;
  store_.Transact([&](UnitOfWork& uow) {
    auto session = uow.catalogue().FindSession(session_id, false);
    if (!session) {
      out = Error(ErrorCode::kNotFound, "No session has this id.");
      return false;
    }
    const auto& trainers = session->trainer_ids;
    bool teaches = ctx.principal.kind == Principal::Kind::kUser &&
                   std::find(trainers.begin(), trainers.end(), ctx.principal.user_id) != trainers.end();
    if (!ctx.principal.IsCoordinator() && !teaches) {
      out = Error(ErrorCode::kForbidden, "Only the session's trainers and coordinators see its registrants.");
      return false;
    }
    out = MakePage(uow.registrations().Registrants(session_id, status, *after, page.limit + 1), page.limit,
                   [](const Registrant& r) { return EncodeCursor(r.registration.id); });
    return true;
  });
  return out;
}

Result<Page<Registration>> RegistrationService::ListMine(const RequestContext& ctx,
                                                         const PageRequest& page) {
  if (ctx.principal.kind != Principal::Kind::kUser)
    return Error(ErrorCode::kForbidden, "Only people have registrations.");
  auto after = AfterId(page);
  if (!after) return Fail(after.error());
  std::vector<Registration> rows;
  store_.Transact([&](UnitOfWork& uow) {
    rows = uow.registrations().ListForParticipant(ctx.principal.user_id, *after, page.limit + 1);
    return true;
  });
  return ToPage(std::move(rows), page.limit);
}

Result<Page<RegistrationDetail>> RegistrationService::ListMineDetailed(const RequestContext& ctx,
                                                                     const PageRequest& page) {
  if (ctx.principal.kind != Principal::Kind::kUser)
    return Error(ErrorCode::kForbidden, "Only people have registrations.");
  auto after = AfterId(page);
  if (!after) return Fail(after.error());
  std::vector<RegistrationDetail> rows;
  store_.Transact([&](UnitOfWork& uow) {
    rows = uow.registrations().DetailedForParticipant(ctx.principal.user_id, *after, page.limit + 1);
    return true;
  });
  Page<RegistrationDetail> out;
  if (static_cast<int>(rows.size()) > page.limit) {
    rows.resize(page.limit);
    out.next_cursor = EncodeCursor(rows.back().registration.id);
  }
  out.items = std::move(rows);
  return out;
}

Result<ParcoursRows> RegistrationService::MyParcours(const RequestContext& ctx, const std::vector<Pathway>& pathways,
                                                     int limit) {
  if (ctx.principal.kind != Principal::Kind::kUser) return Error(ErrorCode::kForbidden, "Sign in to see your pathways.");
  const Id me = ctx.principal.user_id;
  ParcoursRows rows;
  store_.Transact([&](UnitOfWork& uow) {
    rows = ParcoursRows{};
    rows.version = uow.users().PersonVersion(me);  // first: the rows below are at least this new
    rows.registrations = uow.registrations().DetailedForParticipant(me, 0, limit);
    rows.attestations = uow.attestations().ForParticipant(me);
    for (const auto& p : pathways) rows.progress.push_back(ProgressOf(uow, me, p));
    return true;
  });
  return rows;
}

Result<std::shared_ptr<const ParcoursRows>> RegistrationService::MyParcoursKept(
    const RequestContext& ctx, const std::vector<Pathway>& pathways, int limit, std::optional<PersonStamp> current) {
  if (current)
    if (auto kept = parcours_kept_.Find(ctx.principal.user_id, *current)) return kept;
  auto rows = MyParcours(ctx, pathways, limit);
  if (!rows) return Fail(rows.error());
  auto value = std::make_shared<const ParcoursRows>(std::move(*rows));
  // Stamped with the version its own transaction read (never older than what it shows).
  if (current) parcours_kept_.Put(ctx.principal.user_id, {value->version, current->structure}, value);
  return value;
}

Result<Registration> RegistrationService::Get(const RequestContext& ctx, Id registration_id) {
  const Principal& who = ctx.principal;
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Registration> {
    auto reg = uow.registrations().Find(registration_id);
    bool allowed = reg && (who.IsCoordinator() || (who.kind == Principal::Kind::kUser && reg->participant_id == who.user_id));
    if (reg && !allowed && who.kind == Principal::Kind::kUser) {
      auto session = uow.catalogue().FindSession(reg->session_id, false);
      allowed = session && session->Teaches(who.user_id);
    }
    if (!allowed) return Error(ErrorCode::kNotFound, "No registration of yours has this id.");
    return *reg;
  });
}

Result<std::string> RegistrationService::Calendar(const RequestContext& ctx, const std::string& calendar_name) {
  if (ctx.principal.kind != Principal::Kind::kUser)
    return Error(ErrorCode::kForbidden, "Only people have a calendar.");
  std::vector<CalendarEvent> events;
  const TimePoint now = clock_.Now();
  store_.Transact([&](UnitOfWork& uow) {
    events.clear();
    for (Id after = 0;;) {
      auto rows = uow.registrations().ListForParticipant(ctx.principal.user_id, after, 500);
      if (rows.empty()) break;
      for (const auto& r : rows) {
        after = r.id;
        if (r.status != RegistrationStatus::kConfirmed && r.status != RegistrationStatus::kCancelled)
          continue;
        auto session = uow.catalogue().FindSession(r.session_id, false);
        if (!session) continue;
        SessionFacts facts = LoadFacts(uow, *session);
        events.push_back({SessionEventUid(session->id, r.participant_id), session->starts_at,
                          session->ends_at, now, facts.module.title, session->location, "",
                          session->ics_sequence, r.status == RegistrationStatus::kCancelled});
      }
    }
    return true;
  });
  return RenderCalendar(events, "PUBLISH", calendar_name);
}

}  // namespace parcours
