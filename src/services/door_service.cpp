#include "services/door_service.h"

#include <map>

#include "common/text.h"
#include "common/time.h"
#include "domain/rules.h"
#include "services/attendance_marks.h"
#include "services/audit.h"
#include "services/crypto.h"
#include "services/people_service.h"
#include "services/views.h"

namespace parcours {
namespace {

// Trainers may add a walk-in until this long after the session's end (tidying the sheet up).
constexpr std::chrono::hours kWalkInGrace{1};
constexpr std::size_t kCodeLength = 10;
// A sheet lists at most this many registrants (a session holds far fewer).
constexpr int kMaxSheetRows = 5000;
// Letters and digits that are not read one for another (no I, O, 0, 1).
constexpr char kCodeAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

// The session, locked when `for_update`, for its trainers and coordinators only.
Result<Session> StaffSession(UnitOfWork& uow, const Principal& who, Id session_id, bool for_update) {
  auto s = uow.catalogue().FindSession(session_id, for_update);
  if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
  if (!MaySeeSheet(who, *s)) return Error(ErrorCode::kForbidden, "Only the session's trainers and coordinators do this.");
  return *s;
}

std::vector<FieldError> CheckChannel(UnitOfWork& uow, const std::string& channel) {
  if (IsBuiltinChannel(channel) || (IsValidCode(channel) && uow.agencies().Find(channel))) return {};
  return {{"channel", "must be DIRECT, SPECIALISED or the code of an agency"}};
}

std::string NormaliseCode(const std::string& typed) {
  std::string out;
  for (char c : typed)
    if (c != '-' && c != ' ') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

AttendanceRecord PresentMark(const Session& s, Id participant, double hours, Id by, AttendanceSource source,
                             TimePoint now) {
  AttendanceRecord mark;
  mark.session_id = s.id;
  mark.participant_id = participant;
  mark.status = AttendanceStatus::kPresent;
  mark.hours = hours;
  mark.marked_by = by;
  mark.marked_at = now;
  mark.source = source;
  return mark;
}

}  // namespace

std::string DoorService::CodeFor(const std::string& secret, Id session_id, long long step) {
  const std::string mac = HmacSha256(secret, "check-in:" + std::to_string(session_id) + ":" + std::to_string(step));
  std::string code;
  for (std::size_t i = 0; i < kCodeLength; ++i) code += kCodeAlphabet[static_cast<unsigned char>(mac[i]) % 32];
  return code;
}

Result<WalkInResult> DoorService::WalkIn(const RequestContext& ctx, Id session_id, const WalkInInput& in) {
  const Principal& who = ctx.principal;
  if ((in.capacity_override || in.module_override) && !who.IsCoordinator())
    return Error(ErrorCode::kForbidden, "Only a coordinator overrides the capacity or the one-place-per-module rule.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<WalkInResult> {
    auto s = StaffSession(uow, who, session_id, true);
    if (!s) return Fail(s.error());
    const TimePoint now = clock_.Now();
    if (auto denied = CheckCanMarkAttendance(who, *s, now)) return Fail(*denied);
    if (!who.IsCoordinator() && now > s->ends_at + kWalkInGrace)
      return Error(ErrorCode::kRuleViolation,
                   "The session is over: a coordinator adds a participant to a past sheet.");
    if (s->status == SessionStatus::kCancelled)
      return Error(ErrorCode::kSessionNotOpen, "The session is cancelled.");
    if (auto errors = CheckChannel(uow, in.channel); !errors.empty()) return Invalid(errors);
    WalkInResult result;
    User person;
    if (in.participant_id) {
      auto found = uow.users().FindById(*in.participant_id);
      if (!found) return Invalid({{"participant_id", "no person has this id"}});
      person = *found;
    } else {
      auto found = FindOrCreatePerson(uow, ctx, in.email, in.name, in.organisation, now, "person.");
      if (!found) return Fail(found.error());
      person = found->user;
      result.person_created = found->created;
    }
    if (auto before = uow.registrations().FindActive(s->id, person.id))
      result.already_registered = before->status == RegistrationStatus::kConfirmed;
    WalkInRequest request{person.id, in.channel, in.module_override, in.capacity_override};
    auto reg = unit_.WalkIn(uow, ctx, *s, request, now);
    if (!reg) return Fail(reg.error());
    result.registration = *reg;
    const double hours = uow.catalogue().FindModule(s->module_id)->hours;
    result.mark = PresentMark(*s, person.id, hours, who.user_id, AttendanceSource::kWalkIn, now);
    WriteMark(uow, unit_, ctx, *reg, result.mark, now);
    if (auto stored = uow.attendance().Find(s->id, person.id)) result.mark = *stored;
    return result;
  });
}

Result<DoorSheet> DoorService::Sheet(const RequestContext& ctx, Id session_id) {
  return Transact(store_, [&](UnitOfWork& uow) -> Result<DoorSheet> {
    auto s = StaffSession(uow, ctx.principal, session_id, false);
    if (!s) return Fail(s.error());
    DoorSheet sheet;
    sheet.session = std::move(*s);
    if (auto m = uow.catalogue().FindModule(sheet.session.module_id)) sheet.module = std::move(*m);
    sheet.registrants = uow.registrations().Registrants(session_id, std::nullopt, 0, kMaxSheetRows);
    sheet.marks = uow.attendance().ForSession(session_id);
    return sheet;
  });
}

Result<CheckInCode> DoorService::Code(const RequestContext& ctx, Id session_id) {
  const std::string candidate = HexEncode(random_.Bytes(32));
  return Transact(store_, [&](UnitOfWork& uow) -> Result<CheckInCode> {
    auto s = StaffSession(uow, ctx.principal, session_id, false);
    if (!s) return Fail(s.error());
    const TimePoint now = clock_.Now();
    if (auto closed = CheckCheckInOpen(*s, now)) return Fail(*closed);
    const std::string secret = uow.catalogue().CheckInSecret(s->id, candidate);
    const long long step = CheckInStep(now);
    CheckInCode c;
    c.session_id = s->id;
    c.code = CodeFor(secret, s->id, step);
    c.url = public_url_ + "/sessions/" + IdString(s->id) + "/check-in?code=" + c.code;
    c.issued_at = now;
    c.expires_at = std::min(CheckInStepEnd(step), s->ends_at);
    c.opens_at = s->starts_at;
    c.closes_at = s->ends_at;
    c.confirmed = s->confirmed_count;
    for (const auto& m : uow.attendance().ForSession(s->id))
      if (m.source == AttendanceSource::kCheckIn) ++c.checked_in;
    return c;
  });
}

Result<AttendanceRecord> DoorService::CheckIn(const RequestContext& ctx, Id session_id, const std::string& code) {
  const Principal& who = ctx.principal;
  if (who.kind != Principal::Kind::kUser)
    return Error(ErrorCode::kForbidden, "A person checks themself in, signed in.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<AttendanceRecord> {
    auto s = uow.catalogue().FindSession(session_id, true);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    auto reg = uow.registrations().FindActive(s->id, who.user_id);
    if (!reg || reg->status != RegistrationStatus::kConfirmed)
      return Error(ErrorCode::kForbidden, "Only the session's confirmed registrants check themselves in.");
    const TimePoint now = clock_.Now();
    if (auto closed = CheckCheckInOpen(*s, now)) return Fail(*closed);
    const std::string secret = uow.catalogue().CheckInSecret(s->id, HexEncode(random_.Bytes(32)));
    const std::string expected = CodeFor(secret, s->id, CheckInStep(now));
    if (!ConstantTimeEquals(NormaliseCode(code), expected))
      return Invalid({{"code", "is not this session's current code (it changes every minute): scan the code shown now"}});
    if (auto marked = uow.attendance().Find(s->id, who.user_id)) return *marked;  // already marked: kept
    const double hours = uow.catalogue().FindModule(s->module_id)->hours;
    const AttendanceRecord mark = PresentMark(*s, who.user_id, hours, who.user_id, AttendanceSource::kCheckIn, now);
    WriteMark(uow, unit_, ctx, *reg, mark, now);
    return mark;
  });
}

Result<CheckInList> DoorService::CheckIns(const RequestContext& ctx, Id session_id) {
  return Transact(store_, [&](UnitOfWork& uow) -> Result<CheckInList> {
    auto s = StaffSession(uow, ctx.principal, session_id, false);
    if (!s) return Fail(s.error());
    CheckInList list;
    list.session = *s;
    std::vector<Id> ids;
    for (const auto& m : uow.attendance().ForSession(s->id))
      if (m.source == AttendanceSource::kCheckIn) {
        list.items.push_back({m.participant_id, "", "", m.marked_at});
        ids.push_back(m.participant_id);
      }
    std::map<Id, User> people;
    for (auto& u : uow.users().FindMany(ids)) people[u.id] = std::move(u);
    for (auto& line : list.items) {
      line.name = people[line.participant_id].name;
      line.organisation = people[line.participant_id].organisation;
    }
    std::sort(list.items.begin(), list.items.end(),
              [](const CheckInLine& a, const CheckInLine& b) { return a.at < b.at; });
    return list;
  });
}

Result<AttendanceSheet> DoorService::ConfirmSheet(const RequestContext& ctx, Id session_id) {
  return Transact(store_, [&](UnitOfWork& uow) -> Result<AttendanceSheet> {
    auto s = StaffSession(uow, ctx.principal, session_id, true);
    if (!s) return Fail(s.error());
    const TimePoint now = clock_.Now();
    if (auto denied = CheckCanMarkAttendance(ctx.principal, *s, now)) return Fail(*denied);
    if (s->status == SessionStatus::kCancelled)
      return Error(ErrorCode::kRuleViolation, "The session was cancelled: there is no attendance to confirm.");
    if (s->sheet_confirmed_at) return BuildSheet(uow, *s);  // confirmed already: nothing changes
    int absent = 0;
    for (const auto& r : uow.registrations().WithStatus(s->id, RegistrationStatus::kConfirmed)) {
      if (uow.attendance().Find(s->id, r.participant_id)) continue;
      AttendanceRecord mark = PresentMark(*s, r.participant_id, 0, ctx.principal.user_id, AttendanceSource::kSheet, now);
      mark.status = AttendanceStatus::kAbsent;
      WriteMark(uow, unit_, ctx, r, mark, now);
      ++absent;
    }
    uow.catalogue().ConfirmSheet(s->id, ctx.principal.user_id, now);
    s->sheet_confirmed_at = now;
    Audit(uow, ctx, now, "attendance.sheet_confirmed", "session", s->id, nullptr,
          {{"session_id", IdString(s->id)}, {"marked_absent", absent}});
    return BuildSheet(uow, *s);
  });
}

}  // namespace parcours
