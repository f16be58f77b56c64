#pragma once
// Session documents (issue 12): the session's trainers and the coordinator attach handouts and
// the written synthesis (PDF, PNG, JPEG, office documents; 20 MB each), stored in the database;
// confirmed registrants, attendees and staff download them. Adding a synthesis tells the
// attendees by e-mail (the notification outbox).
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/documents.h"
#include "domain/errors.h"
#include "domain/repositories.h"

namespace parcours {

struct DocumentUpload {
  std::string kind;      // handout, synthesis, other
  std::string title;     // default: the file name
  std::string filename;  // as the client names it
  std::string bytes;
};

struct DocumentFile {
  SessionDocument document;
  std::string bytes;
};

class DocumentService {
 public:
  DocumentService(Store& store, const Clock& clock, std::string public_url)
      : store_(store), clock_(clock), public_url_(std::move(public_url)) {}
  Result<SessionDocument> Upload(const RequestContext& ctx, Id session_id, const DocumentUpload& in);
  // May `who` add documents to the session (a coordinator, or one of its trainers)? One read;
  // the server asks it from a large upload's head, before reading the body.
  bool MayUpload(const Principal& who, Id session_id);
  Result<std::vector<SessionDocument>> List(const RequestContext& ctx, Id session_id);
  Result<DocumentFile> Download(const RequestContext& ctx, Id session_id, Id document_id);
  // The session's trainers and coordinators; audited with what was removed.
  Result<SessionDocument> Delete(const RequestContext& ctx, Id session_id, Id document_id);

 private:
  // The "synthèse disponible" notice, to everyone marked present or partial.
  void NotifyAttendees(UnitOfWork& uow, const Session& s, const SessionDocument& d, TimePoint now);
  Store& store_;
  const Clock& clock_;
  std::string public_url_;
};

}  // namespace parcours
