// The fixed wording of the certificates in French, German and English, and the language's
// number and date formats. Internal to the component.
#pragma once

#include <string>
#include <string_view>

namespace parcours::certificates::internal {

struct Wording {
  std::string_view attestation_title;
  std::string_view attestation_subtitle;
  std::string_view attendance_title;
  std::string_view certify;            // "This is to certify that"
  std::string_view completed_pathway;  // "has successfully completed the training pathway"
  std::string_view attended_module;    // "attended the training module"
  std::string_view part_of;            // "part of the pathway"
  std::string_view total_hours;        // "Total duration"
  std::string_view duration;           // "Duration"
  std::string_view session_dates;      // "Date(s)"
  std::string_view modules;            // "Modules completed"
  std::string_view column_module, column_hours, column_date;
  std::string_view hours_unit;         // "hours"
  std::string_view hour_unit;          // "hour"
  std::string_view done_at;            // "{place}, {date}" pattern with $P and $D
  std::string_view verification_code;
  std::string_view verify_at;
  std::string_view month_names[12];
};

// Throws std::invalid_argument for a language other than fr, de, en.
const Wording& WordingFor(std::string_view language);

// "24 heures", "1,5 Stunden", "1 hour".
std::string FormatHours(const Wording& wording, std::string_view language, double hours);
// "24" or "1,5" / "1.5".
std::string FormatNumber(std::string_view language, double value);
// YYYY-MM-DD as "12 mars 2027" / "12. März 2027" / "12 March 2027"; other text unchanged.
std::string LongDate(const Wording& wording, std::string_view language, std::string_view iso);
// YYYY-MM-DD as "12/03/2027" / "12.03.2027" / "12 Mar 2027"; other text unchanged.
std::string ShortDate(const Wording& wording, std::string_view language, std::string_view iso);
// "Label : value" in French (a space before the colon), "Label: value" otherwise.
std::string Labelled(std::string_view language, std::string_view label, const std::string& value);
// The wording's "done at" line for a place and an ISO date.
std::string DoneAt(const Wording& wording, std::string_view language, std::string_view place,
                   std::string_view iso_date);

}  // namespace parcours::certificates::internal
