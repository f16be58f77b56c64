#pragma once
// Renders notifications in the recipient's language (fr, de, en) from the templates in
// src/services/templates (compiled in), and enqueues them in the caller's transaction.
#include <map>
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

class Notifier {
 public:
  explicit Notifier(UnitOfWork& uow) : uow_(uow) {}
  // The registrant is looked up for their e-mail, name and language.
  void Registration(NotificationKind kind, Id participant_id, const SessionFacts& facts,
                    TimePoint now, const std::string& reason = "",
                    const std::vector<Session>& alternatives = {});
  // Tells a person whose account an agency created how to set a password.
  void AccountClaim(const User& user, const std::string& link, const std::string& agency, TimePoint now);
  // Sends the link that confirms a login from a new address while the account is under attack.
  void LoginUnlock(const User& user, const std::string& link, TimePoint now);

 private:
  // A message about the account itself (no session, no calendar file).
  void ToPerson(NotificationKind kind, const User& user, const std::map<std::string, std::string>& values,
                TimePoint now);
  UnitOfWork& uow_;
};

}  // namespace parcours
