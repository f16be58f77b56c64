#include "services/history_service.h"

#include <charconv>
#include <map>
#include <set>

#include "common/text.h"
#include "common/time.h"
#include "domain/rules.h"
#include "services/attendance_marks.h"
#include "services/audit.h"
#include "services/crypto.h"
#include "services/csv.h"
#include "services/people_service.h"
#include "services/structure_service.h"
#include "services/views.h"

namespace parcours {
namespace {

constexpr std::size_t kMaxRows = 5000;
constexpr int kImportedStartHour = 9;  // an imported session is shown from 09:00 on its date

struct Row {
  int line = 0;
  std::string email, name, organisation, module_code, date, channel;
  StructureRef structure;
  AttendanceStatus status = AttendanceStatus::kPresent;
  std::optional<double> hours;
  TimePoint starts_at;
};

std::optional<double> ParseHours(const std::string& text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// The start of an imported session on a Luxembourg date "YYYY-MM-DD".
std::optional<TimePoint> ImportedStart(const std::string& date) {
  if (date.size() != 10 || !LuxembourgDayStart(date)) return std::nullopt;
  return LuxembourgLocalToUtc(std::stoi(date.substr(0, 4)), std::stoi(date.substr(5, 2)), std::stoi(date.substr(8, 2)),
                              kImportedStartHour);
}

}  // namespace

Result<HistoryImportResult> HistoryService::Import(const RequestContext& ctx, const std::string& text) {
  if (!ctx.principal.IsCoordinator()) return Error(ErrorCode::kForbidden, "History imports are for coordinators.");
  auto table = ParseCsv(text);
  if (!table) return Error(ErrorCode::kMalformed, "The file is not UTF-8 CSV (or a quote is not closed).");
  if (table->empty()) return Invalid({{"file", "is empty"}});
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < (*table)[0].size(); ++i) col[AsciiLower(Trim((*table)[0][i]))] = i;
  std::vector<FieldError> missing;
  for (const char* name : {"email", "name", "module", "date", "status"})
    if (!col.count(name)) missing.push_back({"header", std::string("needs a column '") + name + "'"});
  if (!missing.empty()) return Invalid(missing);
  if (table->size() > kMaxRows + 1) return Invalid({{"file", "has more than 5000 rows"}});
  auto cell = [&](const CsvRow& r, const char* name) -> std::string {
    auto it = col.find(name);
    return it == col.end() || it->second >= r.size() ? "" : std::string(Trim(r[it->second]));
  };

  // Every row read and checked for itself first; then all of them in one transaction.
  HistoryImportResult result;
  const TimePoint today = *LuxembourgDayStart(FormatLocal(clock_.Now()).substr(0, 10));
  std::vector<Row> rows;
  std::set<std::string> seen;
  for (std::size_t i = 1; i < table->size(); ++i) {
    const CsvRow& r = (*table)[i];
    if (r.size() == 1 && Trim(r[0]).empty()) continue;  // a blank line
    Row row;
    row.line = static_cast<int>(i) + 1;
    auto error = [&](const char* field, std::string message) {
      result.errors.push_back({row.line, field, std::move(message)});
    };
    row.email = cell(r, "email");
    row.name = cell(r, "name");
    row.organisation = cell(r, "organisation");
    row.module_code = cell(r, "module");
    row.date = cell(r, "date");
    row.channel = cell(r, "channel");
    if (row.channel.empty()) row.channel = "DIRECT";
    if (!NormaliseEmail(row.email)) error("email", "must be a valid e-mail address");
    std::vector<FieldError> text_errors;
    CheckText("name", row.name, 200, text_errors);
    CheckText("organisation", row.organisation, 200, text_errors, false);
    row.structure = {cell(r, "structure"), cell(r, "sector"), cell(r, "profession")};
    CheckStructureRef(row.structure, "", text_errors);
    for (auto& e : text_errors) result.errors.push_back({row.line, e.field, e.message});
    if (!IsValidCode(row.module_code)) error("module", "must be a module code");
    auto start = ImportedStart(row.date);
    if (!start) error("date", "must be a date (YYYY-MM-DD)");
    else if (*start >= today) error("date", "must be before today: only past participation is imported");
    else row.starts_at = *start;
    auto status = AttendanceStatusFromString(AsciiLower(cell(r, "status")));
    if (!status) error("status", "must be present, absent, excused or partial");
    else row.status = *status;
    const std::string hours = cell(r, "hours");
    if (!hours.empty()) {
      row.hours = ParseHours(hours);
      if (!row.hours) error("hours", "must be a number of hours (a '.' before decimals)");
    }
    if (!seen.insert(AsciiLower(row.email) + "|" + row.module_code + "|" + row.date).second)
      error("email", "appears twice for this module and date");
    rows.push_back(std::move(row));
  }
  result.rows = static_cast<int>(rows.size());
  if (!result.errors.empty()) return result;
  if (rows.empty()) return Invalid({{"file", "has no rows"}});

  const std::string file_sha256 = Sha256Hex(text);
  store_.Transact([&](UnitOfWork& uow) {
    const TimePoint now = clock_.Now();
    HistoryImportResult r;
    r.rows = result.rows;
    std::map<std::string, Module> modules;
    for (auto& m : uow.catalogue().AllModules()) modules[m.code] = m;
    // First the references, so that nothing is written for a file that names unknown things.
    for (const auto& row : rows) {
      auto m = modules.find(row.module_code);
      if (m == modules.end()) r.errors.push_back({row.line, "module", "no module has this code"});
      else if (auto hours = CreditedHours({row.status, row.hours}, m->second.hours); !hours)
        r.errors.push_back({row.line, "hours", hours.error()});
      if (!IsBuiltinChannel(row.channel) && !(IsValidCode(row.channel) && uow.agencies().Find(row.channel)))
        r.errors.push_back({row.line, "channel", "must be DIRECT, SPECIALISED or the code of an agency"});
    }
    if (!r.errors.empty()) {
      result = r;
      return false;
    }
    HistoryImport record{0, ctx.principal.user_id, now, file_sha256, r.rows};
    r.import_id = record.id = uow.attendance().InsertHistoryImport(record);
    std::map<std::pair<Id, TimePoint>, Session> sessions;  // locked, per module and start
    for (const auto& row : rows) {
      const Module& module = modules.at(row.module_code);
      auto key = std::make_pair(module.id, row.starts_at);
      auto s = sessions.find(key);
      if (s == sessions.end()) {
        auto found = uow.catalogue().FindImportedSession(module.id, row.starts_at);
        if (!found) {
          Session made;
          made.module_id = module.id;
          made.starts_at = made.decision_at = row.starts_at;
          made.ends_at = row.starts_at + std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::duration<double, std::ratio<3600>>(module.hours));
          made.capacity = 1;
          made.min_registrants = 0;
          made.status = SessionStatus::kCompleted;
          made.imported = true;
          made.id = uow.catalogue().InsertSession(made);
          auto after = ToJson(made);
          after["import_id"] = IdString(record.id);
          Audit(uow, ctx, now, "session.imported", "session", made.id, nullptr, after);
          found = *uow.catalogue().FindSession(made.id, true);
          ++r.sessions_created;
        }
        s = sessions.emplace(key, *found).first;
      }
      auto person = FindOrCreatePerson(uow, ctx, row.email, row.name, row.organisation, now);
      if (!person) {
        for (const auto& e : person.error().errors) r.errors.push_back({row.line, e.field, e.message});
        continue;
      }
      if (person->created) ++r.people_created;
      if (auto joined = JoinStructure(uow, ctx, person->user.id, row.structure, row.date, now); !joined) {
        for (const auto& e : joined.error().errors) r.errors.push_back({row.line, e.field, e.message});
        if (joined.error().errors.empty()) r.errors.push_back({row.line, "structure", joined.error().detail});
        continue;
      }
      AttendanceRecord mark;
      mark.session_id = s->second.id;
      mark.participant_id = person->user.id;
      mark.status = row.status;
      mark.hours = *CreditedHours({row.status, row.hours}, module.hours);
      mark.marked_by = ctx.principal.user_id;
      mark.marked_at = now;
      mark.source = AttendanceSource::kImport;
      mark.import_id = record.id;
      auto reg = uow.registrations().FindActive(s->second.id, person->user.id);
      if (reg) {  // recorded by an earlier import: the same again changes nothing
        auto before = uow.attendance().Find(s->second.id, person->user.id);
        if (before && before->status == mark.status && before->hours == mark.hours && reg->channel == row.channel) {
          ++r.unchanged;
          continue;
        }
        r.errors.push_back({row.line, "status",
                            "this person is already recorded for this module on this date, otherwise; correct "
                            "the session's attendance sheet instead"});
        continue;
      }
      auto imported = unit_.Import(uow, ctx, s->second, person->user.id, row.channel, now);
      if (!imported) {
        r.errors.push_back({row.line, "email", imported.error().detail});
        continue;
      }
      WriteMark(uow, unit_, ctx, *imported, mark, now, false);
      ++r.recorded;
    }
    if (!r.errors.empty()) {
      result = r;
      return false;
    }
    Audit(uow, ctx, now, "history.imported", "history_import", record.id, nullptr,
          {{"rows", r.rows}, {"file_sha256", file_sha256}, {"recorded", r.recorded}, {"unchanged", r.unchanged},
           {"people_created", r.people_created}, {"sessions_created", r.sessions_created}});
    result = r;
    return true;
  });
  if (!result.errors.empty()) result.import_id = 0;
  return result;
}

}  // namespace parcours
