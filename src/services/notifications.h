#pragma once
// Renders notifications in the recipient's language (fr, de, en) from the templates in
// src/services/templates (compiled in), and enqueues them in the caller's transaction.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/repositories.h"

namespace parcours {

const std::map<std::string, std::string>& EmbeddedTemplates();

// "{{key}}" placeholders replaced; the first line of a template is the subject.
struct RenderedMessage {
  std::string subject;
  std::string body;
};
RenderedMessage RenderTemplate(const std::string& template_text,
                               const std::map<std::string, std::string>& values);
// "04/03/2027 09:00–13:00" (fr), "04.03.2027 09:00–13:00" (de), "2027-03-04 09:00–13:00" (en),
// in Luxembourg time; multi-day sessions show both dates.
std::string FormatWhen(TimePoint start, TimePoint end, const std::string& language);

// Everything about a session a message needs.
struct SessionFacts {
  Session session;
  Module module;
};
SessionFacts LoadFacts(UnitOfWork& uow, const Session& s);

// A cancellation reason in a reader's language (fr, de, en; others read French): a threshold
// cancellation is worded from its figures, a coordinator's words are given as they are.
std::string WordCancelReason(const CancelReason& reason, const std::string& language);

// Who sends the calendar invitations (RFC 5546 ORGANIZER): the centre's mail-from address,
// under a configurable name.
struct NotificationSettings {
  std::string organizer_name = "Parcours";
  std::string organizer_email = "no-reply@parcours.local";
};

class Notifier {
 public:
  explicit Notifier(UnitOfWork& uow, NotificationSettings settings = {})
      : uow_(uow), settings_(std::move(settings)) {}
  // The registrant is looked up for their e-mail, name and language; the invitation names
  // them as its attendee (PARTSTAT from `attendee_status`).
  void Registration(NotificationKind kind, Id participant_id, const SessionFacts& facts,
                    TimePoint now, const std::optional<CancelReason>& reason = std::nullopt,
                    const std::vector<Session>& alternatives = {},
                    RegistrationStatus attendee_status = RegistrationStatus::kConfirmed);
  // Tells a person whose account an agency created how to set a password.
  void AccountClaim(const User& user, const std::string& link, const std::string& agency, TimePoint now);
  // Sends the link that confirms a login from a new address while the account is under attack.
  void LoginUnlock(const User& user, const std::string& link, TimePoint now);
  // Sends the one-time link that lets a person who forgot their password choose a new one.
  void PasswordReset(const User& user, const std::string& link, TimePoint now);
  // Tells an attendee that a document (the written synthesis) of a session they attended is there.
  void DocumentAvailable(const User& user, const std::string& title, const std::string& module,
                         const std::string& date, const std::string& link, TimePoint now);
  // Reminds an attendee who has not answered a session's evaluation yet.
  void EvaluationReminder(const User& user, const std::string& module, const std::string& date,
                          const std::string& link, TimePoint now);

 private:
  // A message about the account itself (no session, no calendar file).
  void ToPerson(NotificationKind kind, const User& user, const std::map<std::string, std::string>& values,
                TimePoint now);
  UnitOfWork& uow_;
  NotificationSettings settings_;
};

}  // namespace parcours
