#include "services/notifications.h"

#include <cstdio>

#include "common/time.h"
#include "services/ics.h"

namespace parcours {
namespace {

struct Phrases {
  const char* other_dates;
  const char* none;
  const char* free_places;
  const char* online_link;
};

Phrases PhrasesFor(const std::string& lang) {
  if (lang == "de")
    return {"Weitere Termine dieses Moduls:", "Zurzeit ist kein weiterer Termin offen; wir informieren Sie, sobald ein neuer veröffentlicht wird.", "freie Plätze", "Zugangslink:"};
  if (lang == "en")
    return {"Other dates for this module:", "No other date is open at the moment; we will let you know when a new one is published.", "places free", "Online link:"};
  return {"Autres dates pour ce module :", "Aucune autre date n'est ouverte pour le moment ; nous vous informerons dès qu'une nouvelle date sera publiée.", "places libres", "Lien de connexion :"};
}

std::string DatePart(const std::string& rfc, const std::string& lang) {
  // rfc: 2027-03-04T09:00:00+01:00
  std::string y = rfc.substr(0, 4), m = rfc.substr(5, 2), d = rfc.substr(8, 2);
  if (lang == "de") return d + "." + m + "." + y;
  if (lang == "en") return y + "-" + m + "-" + d;
  return d + "/" + m + "/" + y;
}

std::string Plural(int n, const std::string& language, const char* one, const char* many) {
  // French counts 0 and 1 as singular; German and English only 1.
  const bool singular = language == "fr" ? n <= 1 : n == 1;
  return std::to_string(n) + " " + (singular ? one : many);
}

}  // namespace

SessionFacts LoadFacts(UnitOfWork& uow, const Session& s) {
  auto module = uow.catalogue().FindModule(s.module_id);
  return {s, module.value_or(Module{})};
}

std::string WordCancelReason(const CancelReason& reason, const std::string& lang) {
  if (reason.code == CancelReasonCode::kByCoordinator) return reason.text;
  const int min = reason.minimum;
  std::string out;
  if (lang == "de") {
    out = "Weniger als " + Plural(min, lang, "bestätigte Anmeldung", "bestätigte Anmeldungen") + " zum Entscheidungsdatum";
    if (reason.confirmed) out += " (" + std::to_string(*reason.confirmed) + " bestätigt)";
  } else if (lang == "en") {
    out = "Fewer than " + Plural(min, lang, "confirmed registration", "confirmed registrations") + " at the decision date";
    if (reason.confirmed) out += " (" + std::to_string(*reason.confirmed) + " confirmed)";
  } else {
    out = "Moins de " + Plural(min, lang, "inscription confirmée", "inscriptions confirmées") + " à la date de décision";
    if (reason.confirmed) out += " (" + Plural(*reason.confirmed, lang, "confirmée", "confirmées") + ")";
  }
  return out + ".";
}

RenderedMessage RenderTemplate(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 2, "{{") == 0) {
      auto end = text.find("}}", i + 2);
      if (end != std::string::npos) {
        auto it = values.find(text.substr(i + 2, end - i - 2));
        out += it == values.end() ? "" : it->second;
        i = end + 2;
        continue;
      }
    }
    out += text[i++];
  }
  auto newline = out.find('\n');
  RenderedMessage m;
  m.subject = out.substr(0, newline);
  m.body = newline == std::string::npos ? "" : out.substr(newline + 1);
  return m;
}

std::string FormatWhen(TimePoint start, TimePoint end, const std::string& lang) {
  std::string a = FormatLocal(start), b = FormatLocal(end);
  std::string out = DatePart(a, lang) + " " + a.substr(11, 5);
  if (a.substr(0, 10) == b.substr(0, 10)) return out + "–" + b.substr(11, 5);
  return out + " – " + DatePart(b, lang) + " " + b.substr(11, 5);
}

void Notifier::Registration(NotificationKind kind, Id participant_id, const SessionFacts& facts,
                            TimePoint now, const std::optional<CancelReason>& reason,
                            const std::vector<Session>& alternatives, RegistrationStatus attendee_status) {
  auto user = uow_.users().FindById(participant_id);
  if (!user) return;
  const std::string lang = user->language == "de" || user->language == "en" ? user->language : "fr";
  const Session& s = facts.session;
  std::map<std::string, std::string> values = {
      {"name", user->name},
      {"module", facts.module.title},
      {"when", FormatWhen(s.starts_at, s.ends_at, lang)},
      {"location", s.location.empty() ? "—" : s.location},
      {"reason", reason ? WordCancelReason(*reason, lang) : ""},
      // A whole line, or nothing when the session has no online link.
      {"online", s.online_link.empty() ? "" : std::string(PhrasesFor(lang).online_link) + " " + s.online_link + "\n"}};
  if (kind == NotificationKind::kSessionCancelled) {
    Phrases p = PhrasesFor(lang);
    std::string list;
    for (const auto& alt : alternatives) {
      int free = alt.capacity - alt.confirmed_count;
      list += "- " + FormatWhen(alt.starts_at, alt.ends_at, lang) +
              (alt.location.empty() ? "" : ", " + alt.location) + " (" +
              std::to_string(free > 0 ? free : 0) + " " + p.free_places + ")\n";
    }
    values["alternatives"] = list.empty() ? p.none : std::string(p.other_dates) + "\n" + list;
  }
  const auto& templates = EmbeddedTemplates();
  auto it = templates.find(std::string(ToString(kind)) + "." + lang);
  if (it == templates.end()) return;
  RenderedMessage msg = RenderTemplate(it->second, values);

  Notification n;
  n.user_id = user->id;
  n.kind = kind;
  n.to_email = user->email;
  n.language = lang;
  n.subject = msg.subject;
  n.body_text = msg.body;
  CalendarEvent e{SessionEventUid(s.id, user->id), s.starts_at, s.ends_at, now,
                  facts.module.title, s.location, s.online_link, s.ics_sequence,
                  kind == NotificationKind::kSessionCancelled};
  e.organizer = CalendarParty{settings_.organizer_name, settings_.organizer_email};
  e.attendee = CalendarParty{user->name, user->email};
  e.attendee_partstat = attendee_status == RegistrationStatus::kWaitlisted ? "TENTATIVE" : "ACCEPTED";
  n.ics = RenderCalendar({e}, e.cancelled ? "CANCEL" : "REQUEST");
  n.created_at = now;
  uow_.notifications().Enqueue(n, now);
}

void Notifier::AccountClaim(const User& user, const std::string& link, const std::string& agency,
                            TimePoint now) {
  ToPerson(NotificationKind::kAccountClaim, user, {{"name", user.name}, {"link", link}, {"agency", agency}}, now);
}

void Notifier::LoginUnlock(const User& user, const std::string& link, TimePoint now) {
  ToPerson(NotificationKind::kLoginUnlock, user, {{"name", user.name}, {"link", link}}, now);
}

void Notifier::PasswordReset(const User& user, const std::string& link, TimePoint now) {
  ToPerson(NotificationKind::kPasswordReset, user, {{"name", user.name}, {"link", link}}, now);
}

void Notifier::DocumentAvailable(const User& user, const std::string& title, const std::string& module,
                                 const std::string& date, const std::string& link, TimePoint now) {
  ToPerson(NotificationKind::kDocumentAvailable, user,
           {{"name", user.name}, {"title", title}, {"module", module}, {"date", date}, {"link", link}}, now);
}

void Notifier::EvaluationReminder(const User& user, const std::string& module, const std::string& date,
                                  const std::string& link, TimePoint now) {
  ToPerson(NotificationKind::kEvaluationReminder, user,
           {{"name", user.name}, {"module", module}, {"date", date}, {"link", link}}, now);
}

void Notifier::ToPerson(NotificationKind kind, const User& user, const std::map<std::string, std::string>& values,
                        TimePoint now) {
  const std::string lang = user.language == "de" || user.language == "en" ? user.language : "fr";
  const auto& templates = EmbeddedTemplates();
  auto it = templates.find(std::string(ToString(kind)) + "." + lang);
  if (it == templates.end()) return;
  RenderedMessage msg = RenderTemplate(it->second, values);
  Notification n;
  n.user_id = user.id;
  n.kind = kind;
  n.to_email = user.email;
  n.language = lang;
  n.subject = msg.subject;
  n.body_text = msg.body;
  n.created_at = now;
  uow_.notifications().Enqueue(n, now);
}

}  // namespace parcours
