#include "services/report_service.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "common/time.h"
#include "services/agency_service.h"
#include "services/csv.h"

namespace parcours {
namespace {

Result<int> CheckYear(const RequestContext& ctx, int year) {
  if (!ctx.principal.IsCoordinator()) return Error(ErrorCode::kForbidden, "Reports are for coordinators.");
  if (year < 2000 || year > 2100) return Error(ErrorCode::kMalformed, "Invalid query parameters.", {{"year", "must be a year from 2000 to 2100"}});
  return year;
}

void Add(ParticipationRow& into, const ParticipationRow& from) {
  for (const auto& [channel, n] : from.counts) into.counts[channel] += n;
  into.total += from.total;
}

}  // namespace

Result<ParticipationReport> ReportService::Participation(const RequestContext& ctx, int year) {
  if (auto y = CheckYear(ctx, year); !y) return Fail(y.error());
  const auto bounds = YearBounds(year);  // (no structured binding: clang 14 cannot capture one)
  const TimePoint from = bounds.first, to = bounds.second;
  ParticipationReport report;
  report.year = year;
  report.channels = {"IFEN", "FEDAS", "DIRECT", "SPECIALISED"};
  store_.Transact([&](UnitOfWork& uow) {
    report.rows.clear();
    report.totals.clear();
    report.total = 0;
    report.channels.resize(4);
    std::map<Id, std::map<std::string, long long>> by_module;
    std::set<std::string> extra;
    for (const auto& c : uow.reports().Participation(from, to)) {
      by_module[c.module_id][c.channel] += c.people;
      if (std::find(report.channels.begin(), report.channels.end(), c.channel) == report.channels.end())
        extra.insert(c.channel);
    }
    report.channels.insert(report.channels.end(), extra.begin(), extra.end());
    auto row_for = [&](const Module& m) {
      ParticipationRow row;
      row.label = m.title;
      row.module_id = m.id;
      for (const auto& ch : report.channels) row.counts[ch] = 0;
      for (const auto& [ch, n] : by_module[m.id]) {
        row.counts[ch] += n;
        row.total += n;
      }
      return row;
    };
    std::set<Id> in_pathways;
    for (Id after = 0;;) {
      auto pathways = uow.catalogue().ListPathways(after, 100);
      if (pathways.empty()) break;
      for (const auto& p : pathways) {
        after = p.id;
        ParticipationRow row;
        row.label = p.title;
        row.pathway_id = p.id;
        for (const auto& ch : report.channels) row.counts[ch] = 0;
        for (const auto& m : p.modules) {
          in_pathways.insert(m.id);
          auto child = row_for(m);
          Add(row, child);
          row.children.push_back(std::move(child));
        }
        if (row.total > 0) report.rows.push_back(std::move(row));
      }
    }
    for (const auto& [module_id, counts] : by_module) {
      if (in_pathways.count(module_id)) continue;
      auto m = uow.catalogue().FindModule(module_id);
      if (m) report.rows.push_back(row_for(*m));
    }
    for (const auto& ch : report.channels) report.totals[ch] = 0;
    for (const auto& row : report.rows) {
      for (const auto& [ch, n] : row.counts) report.totals[ch] += n;
      report.total += row.total;
    }
    report.reach = CountReach(uow.structures().AttendedBetween(from, to), uow.structures().MembershipsOfAttendees(from, to));
    return true;
  });
  return report;
}

std::string ReportService::ParticipationCsv(const ParticipationReport& r) {
  std::vector<CsvRow> rows;
  CsvRow header = {"training"};
  for (const auto& ch : r.channels) header.push_back(ch);
  header.push_back("total");
  rows.push_back(header);
  auto line = [&](const std::string& label, const std::map<std::string, long long>& counts, long long total) {
    CsvRow row = {label};
    for (const auto& ch : r.channels) {
      auto it = counts.find(ch);
      row.push_back(std::to_string(it == counts.end() ? 0 : it->second));
    }
    row.push_back(std::to_string(total));
    rows.push_back(row);
  };
  for (const auto& row : r.rows) {
    line(row.label, row.counts, row.total);
    for (const auto& child : row.children) line("  " + child.label, child.counts, child.total);
  }
  line("Total", r.totals, r.total);
  return WriteCsv(rows);
}

Result<SessionsReport> ReportService::Sessions(const RequestContext& ctx, int year) {
  if (auto y = CheckYear(ctx, year); !y) return Fail(y.error());
  const auto bounds = YearBounds(year);  // (no structured binding: clang 14 cannot capture one)
  const TimePoint from = bounds.first, to = bounds.second;
  SessionsReport report;
  report.year = year;
  store_.Transact([&](UnitOfWork& uow) {
    report = SessionsReport{};
    report.year = year;
    report.sessions = uow.reports().Sessions(from, to);
    report.attestations_issued = uow.attestations().IssuedBetween(from, to);
    for (const auto& t : uow.reports().SessionTallies(from, to)) {
      auto& d = report.details[t.session_id];
      if (t.attendance) {
        d.attendance[t.status] += t.count;
        d.hours += t.hours;
      } else {
        d.registrations[t.status] += t.count;
        if (t.status == "confirmed") d.channels[t.channel] += t.count;
      }
    }
    long long confirmed_with_sheet = 0, attended_with_sheet = 0;
    for (const auto& f : report.sessions) {
      ++report.offered;
      if (!report.module_titles.count(f.session.module_id))
        report.module_titles[f.session.module_id] = uow.catalogue().FindModule(f.session.module_id)->title;
      if (f.session.status == SessionStatus::kCancelled) {
        (f.cancelled_by_threshold ? report.cancelled_by_threshold : report.cancelled_by_hand)++;
        continue;
      }
      ++report.held;
      report.registered += f.registered;
      report.attended += f.attended;
      report.marked += f.marked;
      if (f.marked > 0) {
        confirmed_with_sheet += f.registered;
        attended_with_sheet += f.attended;
      }
    }
    report.no_show_rate = confirmed_with_sheet > 0
                              ? 1.0 - static_cast<double>(attended_with_sheet) / confirmed_with_sheet
                              : 0.0;
    return true;
  });
  return report;
}

std::string ReportService::SessionsCsv(const SessionsReport& r) {
  static const std::vector<std::string> kRegistrations = {"confirmed", "waitlisted", "withdrawn", "cancelled"};
  static const std::vector<std::string> kAttendance = {"present", "partial", "absent", "excused"};
  std::vector<std::string> channels = {"IFEN", "FEDAS", "DIRECT", "SPECIALISED"};
  for (const auto& [id, d] : r.details)
    for (const auto& [channel, n] : d.channels)
      if (std::find(channels.begin(), channels.end(), channel) == channels.end()) channels.push_back(channel);
  std::vector<CsvRow> rows;
  CsvRow head = {"session_id", "starts_at", "module", "status", "capacity"};
  for (const auto& s : kRegistrations) head.push_back(s);
  for (const auto& c : channels) head.push_back("confirmed_" + c);
  for (const auto& s : kAttendance) head.push_back(s);
  head.push_back("hours");
  rows.push_back(head);
  static const SessionDetail kNone;
  auto get = [](const std::map<std::string, long long>& m, const std::string& k) {
    auto it = m.find(k);
    return std::to_string(it == m.end() ? 0 : it->second);
  };
  for (const auto& f : r.sessions) {
    auto it = r.details.find(f.session.id);
    const SessionDetail& d = it == r.details.end() ? kNone : it->second;
    auto title = r.module_titles.find(f.session.module_id);
    CsvRow row = {std::to_string(f.session.id), FormatLocal(f.session.starts_at),
                  title == r.module_titles.end() ? "" : title->second, ToString(f.session.status),
                  std::to_string(f.session.capacity)};
    for (const auto& s : kRegistrations) row.push_back(get(d.registrations, s));
    for (const auto& c : channels) row.push_back(get(d.channels, c));
    for (const auto& s : kAttendance) row.push_back(get(d.attendance, s));
    char hours[32];
    std::snprintf(hours, sizeof hours, "%g", d.hours);
    row.push_back(hours);
    rows.push_back(row);
  }
  return WriteCsv(rows);
}

}  // namespace parcours
