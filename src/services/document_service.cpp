#include "services/document_service.h"

#include "common/text.h"
#include "common/time.h"
#include "domain/rules.h"
#include "services/audit.h"
#include "services/crypto.h"
#include "services/notifications.h"
#include "services/views.h"

namespace parcours {
namespace {

bool IsStaffOf(const Principal& who, const Session& s) {
  return who.IsCoordinator() || (who.Has(Role::kTrainer) && s.Teaches(who.user_id));
}

// Staff of the session, its confirmed registrants and the people who attended it.
bool MayRead(UnitOfWork& uow, const Principal& who, const Session& s) {
  if (who.kind != Principal::Kind::kUser) return false;
  if (IsStaffOf(who, s)) return true;
  auto reg = uow.registrations().FindActive(s.id, who.user_id);
  if (reg && reg->status == RegistrationStatus::kConfirmed) return true;
  auto mark = uow.attendance().Find(s.id, who.user_id);
  return mark && (mark->status == AttendanceStatus::kPresent || mark->status == AttendanceStatus::kPartial);
}

Unexpected<DomainError> NotForYou() {
  return Error(ErrorCode::kForbidden, "A session's documents are for its staff, confirmed registrants and attendees.");
}

nlohmann::json AuditJson(const SessionDocument& d) {
  return {{"session_id", IdString(d.session_id)}, {"kind", ToString(d.kind)}, {"title", d.title},
          {"filename", d.filename}, {"content_type", d.content_type}, {"size", d.size}, {"sha256", d.sha256}};
}

}  // namespace

// Checked in this order: the caller (403 before anything is read), the session (404), its
// staff (403), the fields (422), the size (413), the type from the bytes (415); only then is
// the file hashed and stored, with its audit row and the attendees' notices, in one transaction.
Result<SessionDocument> DocumentService::Upload(const RequestContext& ctx, Id session_id, const DocumentUpload& in) {
  const Principal& who = ctx.principal;
  if (!who.IsCoordinator() && !who.Has(Role::kTrainer))
    return Error(ErrorCode::kForbidden, "Documents are added by the session's trainers and coordinators.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<SessionDocument> {
    auto s = uow.catalogue().FindSession(session_id, false);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    if (!IsStaffOf(who, *s)) return Error(ErrorCode::kForbidden, "Only this session's trainers add its documents.");
    std::vector<FieldError> errors;
    auto kind = DocumentKindFromString(in.kind);
    if (!kind) errors.push_back({"kind", "must be handout, synthesis or other"});
    CheckText("title", in.title, 200, errors, false);
    CheckText("filename", in.filename, 200, errors, false);
    if (in.bytes.empty()) errors.push_back({"file", "is empty"});
    if (!errors.empty()) return Invalid(errors);
    const std::string filename = SafeFilename(in.filename, "document");
    const std::string title = Trim(in.title).empty() ? filename : std::string(Trim(in.title));
    if (in.bytes.size() > kMaxDocumentBytes) return Error(ErrorCode::kTooLarge, "A document is at most 20 MB.");
    auto type = SniffDocumentType(in.bytes);
    if (!type)
      return Error(ErrorCode::kUnsupportedMediaType,
                   "The file is not a PDF, PNG, JPEG or office document (OOXML, OpenDocument).");
    const TimePoint now = clock_.Now();
    SessionDocument d{0, s->id, *kind, title, filename, *type, static_cast<long long>(in.bytes.size()),
                      Sha256Hex(in.bytes), who.user_id, now};
    d.id = uow.documents().Insert(d, in.bytes);
    Audit(uow, ctx, now, "document.added", "session_document", d.id, nullptr, AuditJson(d));
    if (d.kind == DocumentKind::kSynthesis) NotifyAttendees(uow, *s, d, now);
    return d;
  });
}

bool DocumentService::MayUpload(const Principal& who, Id session_id) {
  if (who.kind != Principal::Kind::kUser || (!who.IsCoordinator() && !who.Has(Role::kTrainer))) return false;
  bool may = false;
  store_.Transact([&](UnitOfWork& uow) {
    auto s = uow.catalogue().FindSession(session_id, false);
    may = s && IsStaffOf(who, *s);
    return true;
  });
  return may;
}

void DocumentService::NotifyAttendees(UnitOfWork& uow, const Session& s, const SessionDocument& d, TimePoint now) {
  auto module = uow.catalogue().FindModule(s.module_id);
  Notifier notifier(uow);
  for (const auto& mark : uow.attendance().ForSession(s.id)) {
    if (mark.status != AttendanceStatus::kPresent && mark.status != AttendanceStatus::kPartial) continue;
    if (auto person = uow.users().FindById(mark.participant_id))
      notifier.DocumentAvailable(*person, d.title, module ? module->title : "", FormatLocal(s.starts_at).substr(0, 10),
                                 public_url_ + "/sessions/" + IdString(s.id), now);
  }
}

Result<std::vector<SessionDocument>> DocumentService::List(const RequestContext& ctx, Id session_id) {
  return Transact(store_, [&](UnitOfWork& uow) -> Result<std::vector<SessionDocument>> {
    auto s = uow.catalogue().FindSession(session_id, false);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    if (!MayRead(uow, ctx.principal, *s)) return NotForYou();
    return uow.documents().OfSession(s->id);
  });
}

Result<DocumentFile> DocumentService::Download(const RequestContext& ctx, Id session_id, Id document_id) {
  return Transact(store_, [&](UnitOfWork& uow) -> Result<DocumentFile> {
    auto s = uow.catalogue().FindSession(session_id, false);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    if (!MayRead(uow, ctx.principal, *s)) return NotForYou();
    auto d = uow.documents().Find(document_id);
    if (!d || d->session_id != s->id) return Error(ErrorCode::kNotFound, "This session has no such document.");
    return DocumentFile{*d, uow.documents().Content(d->id)};
  });
}

Result<SessionDocument> DocumentService::Delete(const RequestContext& ctx, Id session_id, Id document_id) {
  const Principal& who = ctx.principal;
  if (!who.IsCoordinator() && !who.Has(Role::kTrainer))
    return Error(ErrorCode::kForbidden, "Documents are removed by the session's trainers and coordinators.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<SessionDocument> {
    auto s = uow.catalogue().FindSession(session_id, false);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    if (!IsStaffOf(who, *s)) return Error(ErrorCode::kForbidden, "Only this session's trainers remove its documents.");
    auto d = uow.documents().Find(document_id);
    if (!d || d->session_id != s->id || !uow.documents().Delete(d->id))
      return Error(ErrorCode::kNotFound, "This session has no such document.");
    Audit(uow, ctx, clock_.Now(), "document.deleted", "session_document", d->id, AuditJson(*d), nullptr);
    return *d;
  });
}

}  // namespace parcours
