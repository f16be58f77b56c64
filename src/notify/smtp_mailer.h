#pragma once
// Delivers notifications to an SMTP relay with libcurl's SMTP client: a MIME message with a
// UTF-8 text part and, where the message concerns a session, an invite.ics attachment.
#include <string>

#include "services/outbox_service.h"

namespace parcours {

struct SmtpSettings {
  std::string url;   // smtp://host:port (smtps:// for implicit TLS)
  std::string from;  // "Parcours <no-reply@example.lu>"
  std::string user, password;
  long timeout_seconds = 20;
};

// The RFC 5322 message (CRLF line ends) for a notification.
std::string BuildMimeMessage(const Notification& n, const std::string& from,
                             const std::string& message_id_domain);

class SmtpMailer final : public Mailer {
 public:
  explicit SmtpMailer(SmtpSettings settings);
  std::optional<std::string> Send(const Notification& n) override;

 private:
  SmtpSettings settings_;
};

}  // namespace parcours
