#pragma once
// The yearly reports: participants per training and channel (the centre's published table),
// and per-session figures (offered, held, cancelled, registered vs attended).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"

namespace parcours {

struct ParticipationRow {
  std::string label;
  std::optional<Id> module_id, pathway_id;
  std::map<std::string, long long> counts;  // by channel
  long long total = 0;
  std::vector<ParticipationRow> children;  // a pathway's modules
};

struct ParticipationReport {
  int year = 0;
  std::vector<std::string> channels;  // IFEN, FEDAS, DIRECT, SPECIALISED, then other agencies
  std::vector<ParticipationRow> rows;
  std::map<std::string, long long> totals;
  long long total = 0;
  Reach reach;  // distinct people, by sector, and the structures reached
};

// A session's detail: registrations by status, confirmed ones by channel, attendance marks by
// status and the hours they credit.
struct SessionDetail {
  std::map<std::string, long long> registrations, channels, attendance;
  double hours = 0;
};

struct SessionsReport {
  int year = 0;
  std::vector<SessionFigures> sessions;
  std::map<Id, std::string> module_titles;
  long long offered = 0, held = 0, cancelled_by_threshold = 0, cancelled_by_hand = 0;
  long long registered = 0, attended = 0, marked = 0;
  double no_show_rate = 0;  // among confirmed registrants of held sessions with a sheet
  long long attestations_issued = 0;
  std::map<Id, SessionDetail> details;  // by session id
};

class ReportService {
 public:
  ReportService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  Result<ParticipationReport> Participation(const RequestContext& ctx, int year);
  Result<SessionsReport> Sessions(const RequestContext& ctx, int year);
  // The participation table as CSV (one line per row, children indented under their pathway).
  static std::string ParticipationCsv(const ParticipationReport& report);
  // The sessions report as CSV, one line per session with its detail (statuses and channels in
  // the columns named by the header).
  static std::string SessionsCsv(const SessionsReport& report);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace parcours
