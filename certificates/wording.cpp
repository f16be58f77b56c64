#include "certificates/wording.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace parcours::certificates::internal {
namespace {

const Wording kFrench{
    "Attestation de participation",
    "Parcours de formation achevé",
    "Attestation de présence",
    "Le centre atteste que",
    "a suivi avec succès l’intégralité du parcours de formation",
    "a suivi le module de formation",
    "dans le cadre du parcours",
    "Durée totale",
    "Durée",
    "Date(s)",
    "Modules suivis",
    "Module",
    "Durée",
    "Achevé le",
    "heures",
    "heure",
    "Fait à $P, le $D",
    "Code de vérification",
    "Vérifier l’authenticité :",
    {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
     "octobre", "novembre", "décembre"}};

const Wording kGerman{
    "Teilnahmebescheinigung",
    "Abgeschlossener Fortbildungsweg",
    "Anwesenheitsbestätigung",
    "Hiermit wird bescheinigt, dass",
    "den Fortbildungsweg vollständig und erfolgreich absolviert hat",
    "an folgendem Fortbildungsmodul teilgenommen hat",
    "im Rahmen des Fortbildungswegs",
    "Gesamtdauer",
    "Dauer",
    "Datum",
    "Absolvierte Module",
    "Modul",
    "Dauer",
    "Abgeschlossen am",
    "Stunden",
    "Stunde",
    "$P, den $D",
    "Prüfcode",
    "Echtheit prüfen:",
    {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
     "Oktober", "November", "Dezember"}};

const Wording kEnglish{
    "Certificate of attendance",
    "Training pathway completed",
    "Confirmation of attendance",
    "This is to certify that",
    "has successfully completed every module of the training pathway",
    "attended the training module",
    "as part of the training pathway",
    "Total duration",
    "Duration",
    "Date(s)",
    "Modules completed",
    "Module",
    "Duration",
    "Completed on",
    "hours",
    "hour",
    "$P, $D",
    "Verification code",
    "Check authenticity:",
    {"January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"}};

bool ParseIso(std::string_view iso, int& year, int& month, int& day) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return false;
  return std::sscanf(std::string(iso).c_str(), "%4d-%2d-%2d", &year, &month, &day) == 3 &&
         month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

const Wording& WordingFor(std::string_view language) {
  if (language == "fr") return kFrench;
  if (language == "de") return kGerman;
  if (language == "en") return kEnglish;
  throw std::invalid_argument("certificate language must be fr, de or en, not '" +
                              std::string(language) + "'");
}

std::string FormatNumber(std::string_view language, double value) {
  char buf[32];
  if (std::fabs(value - std::round(value)) < 0.005) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", value);
    if (language != "en") {
      for (char& c : buf) {
        if (c == '.') c = ',';
      }
    }
  }
  return buf;
}

std::string FormatHours(const Wording& wording, std::string_view language, double hours) {
  const bool singular = language == "fr" ? hours < 2 : std::fabs(hours - 1) < 0.005;
  return FormatNumber(language, hours) + ' ' +
         std::string(singular ? wording.hour_unit : wording.hours_unit);
}

std::string LongDate(const Wording& wording, std::string_view language, std::string_view iso) {
  int year = 0, month = 0, day = 0;
  if (!ParseIso(iso, year, month, day)) return std::string(iso);
  const std::string month_name(wording.month_names[month - 1]);
  if (language == "de") {
    return std::to_string(day) + ". " + month_name + ' ' + std::to_string(year);
  }
  if (language == "fr" && day == 1) return "1er " + month_name + ' ' + std::to_string(year);
  return std::to_string(day) + ' ' + month_name + ' ' + std::to_string(year);
}

std::string ShortDate(const Wording& wording, std::string_view language, std::string_view iso) {
  int year = 0, month = 0, day = 0;
  if (!ParseIso(iso, year, month, day)) return std::string(iso);
  char buf[32];
  if (language == "de") {
    std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", day, month, year);
  } else if (language == "fr") {
    std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", day, month, year);
  } else {
    std::snprintf(buf, sizeof buf, "%d %.3s %04d", day, wording.month_names[month - 1].data(),
                  year);
  }
  return buf;
}

std::string Labelled(std::string_view language, std::string_view label, const std::string& value) {
  return std::string(label) + (language == "fr" ? " : " : ": ") + value;
}

std::string DoneAt(const Wording& wording, std::string_view language, std::string_view place,
                   std::string_view iso_date) {
  std::string out(wording.done_at);
  const std::string date = LongDate(wording, language, iso_date);
  out.replace(out.find("$P"), 2, place);
  out.replace(out.find("$D"), 2, date);
  return out;
}

}  // namespace parcours::certificates::internal
