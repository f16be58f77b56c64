#include "services/speed_meeting_service.h"

#include <algorithm>
#include <map>

#include "common/time.h"

namespace parcours {
namespace {

constexpr int kPageOfRegistrations = 500;

// The printed plan's few words, in the caller's language.
struct SheetWords {
  const char* title;      // "Speed-meeting: {module}"
  const char* subtitle;   // "{date}, {rounds} rounds of {minutes} minutes, {people} people"
  const char* by_person;
  const char* by_table;
  const char* round;
  const char* table;
  const char* with;
  const char* pause;
  const char* no_structure;
};

const SheetWords& WordsFor(const std::string& lang) {
  static const SheetWords fr{"Speed-meeting : {module}", "{date} · {rounds} tours de {minutes} minutes · {people} personnes",
                             "Par personne", "Par table", "Tour", "table", "avec", "pause", "sans structure"};
  static const SheetWords de{"Speed-Meeting: {module}", "{date} · {rounds} Runden zu {minutes} Minuten · {people} Personen",
                             "Nach Person", "Nach Tisch", "Runde", "Tisch", "mit", "Pause", "ohne Einrichtung"};
  static const SheetWords en{"Speed-meeting: {module}", "{date} · {rounds} rounds of {minutes} minutes · {people} people",
                             "By person", "By table", "Round", "table", "with", "break", "no structure"};
  return lang == "de" ? de : lang == "en" ? en : fr;
}

std::string Replace(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    const std::string token = "{" + key + "}";
    for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at + value.size()))
      text.replace(at, token.size(), value);
  }
  return text;
}

std::vector<FieldError> CheckParams(const SpeedMeetingParams& p) {
  std::vector<FieldError> errors;
  if (p.round_minutes < 1 || p.round_minutes > 120) errors.push_back({"round_minutes", "must be from 1 to 120"});
  if (p.duration_minutes < 1 || p.duration_minutes > 24 * 60) errors.push_back({"duration_minutes", "must be from 1 to 1440"});
  else if (p.round_minutes >= 1 && p.duration_minutes < p.round_minutes)
    errors.push_back({"duration_minutes", "must hold at least one round"});
  if (p.table_size < 2 || p.table_size > 12) errors.push_back({"table_size", "must be from 2 to 12"});
  return errors;
}

// The structure a person belongs to on `date`: the one joined last among those that cover it.
std::optional<Id> StructureOn(const std::vector<Membership>& memberships, const std::string& date) {
  std::optional<Id> found;
  std::string joined;
  for (const auto& m : memberships) {
    if (m.starts_on > date || (m.ends_on && *m.ends_on < date)) continue;
    if (!found || m.starts_on >= joined) {
      found = m.structure_id;
      joined = m.starts_on;
    }
  }
  return found;
}

// The words above all start with an ASCII letter.
std::string Capitalised(std::string word) {
  if (!word.empty() && word[0] >= 'a' && word[0] <= 'z') word[0] = static_cast<char>(word[0] - 'a' + 'A');
  return word;
}

std::string PersonLabel(const SpeedMeetingPerson& p) {
  return p.structure.empty() ? p.name : p.name + " (" + p.structure + ")";
}

}  // namespace

std::string SpeedMeetingService::RoundStart(const SpeedMeetingView& v, int r) {
  return FormatLocal(v.starts_at + std::chrono::minutes(r * v.params.round_minutes)).substr(11, 5);
}

Result<SpeedMeetingView> SpeedMeetingService::Plan(const RequestContext& ctx, Id session_id,
                                                   const SpeedMeetingParams& params) {
  const Principal& who = ctx.principal;
  if (!who.IsCoordinator() && !who.Has(Role::kTrainer))
    return Error(ErrorCode::kForbidden, "The speed-meeting plan is for the session's trainers and coordinators.");
  SpeedMeetingView v;
  std::vector<int> structure_of;
  auto gathered = Transact(store_, [&](UnitOfWork& uow) -> Result<bool> {
    auto s = uow.catalogue().FindSession(session_id, false);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    if (!who.IsCoordinator() && !s->Teaches(who.user_id))
      return Error(ErrorCode::kForbidden, "Only this session's trainers plan its speed-meeting.");
    if (auto errors = CheckParams(params); !errors.empty()) return Invalid(errors);
    v.session_id = s->id;
    v.starts_at = s->starts_at;
    v.params = params;
    if (auto m = uow.catalogue().FindModule(s->module_id)) v.module_title = m->title;
    if (auto me = uow.users().FindById(who.user_id)) v.language = me->language;

    // The people: those marked present or partial; before any mark, the confirmed registrants.
    std::vector<Id> ids;
    const auto marks = uow.attendance().ForSession(s->id);
    if (!marks.empty()) {
      v.source = "attendance";
      for (const auto& m : marks)
        if (m.status == AttendanceStatus::kPresent || m.status == AttendanceStatus::kPartial) ids.push_back(m.participant_id);
    } else {
      v.source = "registrations";
      for (Id after = 0;;) {
        auto page = uow.registrations().ListForSession(s->id, after, kPageOfRegistrations);
        for (const auto& r : page)
          if (r.status == RegistrationStatus::kConfirmed && !r.imported) ids.push_back(r.participant_id);
        if (static_cast<int>(page.size()) < kPageOfRegistrations) break;
        after = page.back().id;
      }
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

    // Each person's structure on the session's (Luxembourg) day; people with none known are
    // each their own (they may meet anyone).
    const std::string day = FormatLocal(s->starts_at).substr(0, 10);
    std::map<Id, int> structure_index;
    std::map<Id, std::string> structure_name;
    int next_alone = -1;
    for (Id id : ids) {
      auto user = uow.users().FindById(id);
      if (!user) continue;
      SpeedMeetingPerson person{id, user->name, ""};
      if (auto sid = StructureOn(uow.structures().MembershipsOf(id), day)) {
        if (!structure_name.count(*sid)) {
          auto st = uow.structures().Find(*sid);
          structure_name[*sid] = st ? st->name : "";
        }
        person.structure = structure_name[*sid];
        structure_index.emplace(*sid, static_cast<int>(structure_index.size()));
        structure_of.push_back(structure_index[*sid]);
      } else {
        structure_of.push_back(next_alone--);  // made distinct and non-negative below
      }
      v.people.push_back(std::move(person));
    }
    return true;
  });
  if (!gathered) return Fail(gathered.error());
  int next = 0;
  for (int x : structure_of) next = std::max(next, x + 1);
  for (int& x : structure_of)
    if (x < 0) x = next - x - 1;

  v.rounds_wanted = std::min(1000, params.duration_minutes / params.round_minutes);
  if (v.people.size() >= 2) {
    SpeedMeetingRequest request;
    request.structure_of = structure_of;
    request.table_size = params.table_size;
    request.rounds_wanted = v.rounds_wanted;
    request.seed = static_cast<std::uint64_t>(v.session_id);
    v.plan = PlanSpeedMeeting(request);
    v.upper_bound = v.plan.upper_bound;
  }
  return v;
}

Result<std::string> SpeedMeetingService::Pdf(const RequestContext& ctx, Id session_id, const SpeedMeetingParams& params) {
  auto v = Plan(ctx, session_id, params);
  if (!v) return Fail(v.error());
  const SheetWords& w = WordsFor(v->language);
  const int rounds = static_cast<int>(v->plan.rounds.size());
  certificates::ListingContent doc;
  doc.title = Replace(w.title, {{"module", v->module_title}});
  doc.subtitle = Replace(w.subtitle, {{"date", FormatLocal(v->starts_at).substr(0, 10)},
                                      {"rounds", std::to_string(rounds)},
                                      {"minutes", std::to_string(v->params.round_minutes)},
                                      {"people", std::to_string(v->people.size())}});
  // Where each person sits in each round: seat[r][p] = table index, or -1 (waiting).
  std::vector<std::vector<int>> seat(rounds, std::vector<int>(v->people.size(), -1));
  for (int r = 0; r < rounds; ++r)
    for (std::size_t t = 0; t < v->plan.rounds[r].size(); ++t)
      for (int p : v->plan.rounds[r][t]) seat[r][p] = static_cast<int>(t);

  doc.blocks.push_back({w.by_person, {}, true});
  std::vector<std::size_t> order(v->people.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v->people[a].name < v->people[b].name; });
  for (std::size_t p : order) {
    certificates::ListingBlock block{PersonLabel(v->people[p]), {}, false};
    for (int r = 0; r < rounds; ++r) {
      std::string line = std::string(w.round) + " " + std::to_string(r + 1) + " · " + RoundStart(*v, r) + " · ";
      if (seat[r][p] < 0) {
        line += w.pause;
      } else {
        line += std::string(w.table) + " " + std::to_string(seat[r][p] + 1) + " · " + w.with + " ";
        bool first = true;
        for (int other : v->plan.rounds[r][seat[r][p]]) {
          if (other == static_cast<int>(p)) continue;
          line += (first ? "" : ", ") + PersonLabel(v->people[other]);
          first = false;
        }
      }
      block.lines.push_back(std::move(line));
    }
    doc.blocks.push_back(std::move(block));
  }
  doc.blocks.push_back({w.by_table, {}, true});
  for (int r = 0; r < rounds; ++r) {
    certificates::ListingBlock block{std::string(w.round) + " " + std::to_string(r + 1) + " · " + RoundStart(*v, r), {}, false};
    for (std::size_t t = 0; t < v->plan.rounds[r].size(); ++t) {
      std::string line = Capitalised(w.table) + " " + std::to_string(t + 1) + " · ";
      bool first = true;
      for (int p : v->plan.rounds[r][t]) {
        line += (first ? "" : ", ") + PersonLabel(v->people[p]);
        first = false;
      }
      block.lines.push_back(std::move(line));
    }
    doc.blocks.push_back(std::move(block));
  }
  return renderer_->Listing(doc);
}

}  // namespace parcours
