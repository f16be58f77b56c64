#include "services/attestation_service.h"

#include <map>

#include "common/text.h"
#include "common/time.h"
#include "domain/rules.h"
#include "services/audit.h"
#include "services/views.h"

namespace parcours {
namespace {

Unexpected<DomainError> CoordinatorsOnly() {
  return Error(ErrorCode::kForbidden, "This action is reserved to coordinators.");
}

bool MaySee(const Principal& who, const Attestation& a) {
  return who.IsCoordinator() || (who.kind == Principal::Kind::kUser && who.user_id == a.participant_id);
}

std::string LocalDate(TimePoint t) { return FormatLocal(t).substr(0, 10); }

nlohmann::json AuditJson(const Attestation& a) {
  return {{"participant_id", IdString(a.participant_id)}, {"pathway_id", IdString(a.pathway_id)},
          {"verification_code", a.verification_code}, {"sha256", a.sha256},
          {"revoked", a.revoked_at.has_value()}};
}

}  // namespace

IssuerWording DefaultIssuerWording(const std::string& language) {
  if (language == "de")
    return {"Nationales Referenzzentrum für die Förderung der affektiven und sexuellen Gesundheit (Cesas)", "Luxemburg",
            "Die Koordination", "Cesas"};
  if (language == "en")
    return {"National reference centre for the promotion of affective and sexual health (Cesas)", "Luxembourg",
            "The coordination team", "Cesas"};
  return {"Centre national de référence pour la promotion de la santé affective et sexuelle (Cesas)", "Luxembourg",
          "La coordination", "Cesas"};
}

const IssuerWording& IssuerSettings::For(const std::string& language) const {
  auto it = wording.find(language);
  if (it == wording.end()) it = wording.find("fr");
  if (it == wording.end()) {
    static const IssuerWording kFrench = DefaultIssuerWording("fr");
    return kFrench;
  }
  return it->second;
}

Result<Attestation> AttestationService::Issue(const RequestContext& ctx, Id participant_id, Id pathway_id) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  return IssueOrReplace(ctx, participant_id, pathway_id, std::nullopt, "");
}

Result<Attestation> AttestationService::Reissue(const RequestContext& ctx, Id id, const std::string& reason) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  std::vector<FieldError> errors;
  CheckText("reason", reason, 2000, errors, false);
  if (!errors.empty()) return Invalid(errors);
  std::optional<Attestation> old;
  store_.Transact([&](UnitOfWork& uow) {
    old = uow.attestations().FindAttestation(id);
    return true;
  });
  if (!old) return Error(ErrorCode::kNotFound, "No attestation has this id.");
  if (old->revoked_at)
    return Error(ErrorCode::kConflict, "A revoked attestation is not re-issued; issue a new one (POST /attestations).");
  const std::string why = Trim(reason).empty() ? "re-issued" : "re-issued: " + std::string(Trim(reason));
  return IssueOrReplace(ctx, old->participant_id, old->pathway_id, old, why);
}

Result<Attestation> AttestationService::IssueOrReplace(const RequestContext& ctx, Id participant_id, Id pathway_id,
                                                       const std::optional<Attestation>& replaced,
                                                       const std::string& revoke_reason) {
  if (!identity_) return Error(ErrorCode::kUnavailable, "No signing key is configured (PARCOURS_SIGNING_KEY/CERT).");
  // 1. What to print, read in a short transaction.
  std::optional<User> holder;
  std::optional<Pathway> pathway;
  std::map<Id, CompletedModule> done;
  std::optional<Attestation> valid;
  store_.Transact([&](UnitOfWork& uow) {
    holder = uow.users().FindById(participant_id);
    pathway = uow.catalogue().FindPathway(pathway_id);
    done.clear();
    if (holder && pathway) {
      for (auto& c : uow.attendance().CompletedModules(participant_id, pathway->modules)) done[c.module_id] = c;
      valid = uow.attestations().FindValid(participant_id, pathway_id);
    }
    return true;
  });
  if (!pathway) return Error(ErrorCode::kNotFound, "No pathway has this id.");
  // An erased person is nobody an attestation can name.
  if (!holder || IsErased(*holder)) return Invalid({{"participant_id", "no person has this id"}});
  const bool exists = valid && !(replaced && valid->id == replaced->id);
  if (replaced && !valid) return Error(ErrorCode::kConflict, "The attestation was revoked meanwhile.");
  std::vector<FieldError> missing;
  certificates::AttestationContent content;
  for (const auto& m : pathway->modules) {
    auto it = done.find(m.id);
    if (it == done.end()) missing.push_back({"modules", "missing: " + m.title + " (" + IdString(m.id) + ")"});
    else content.modules.push_back({m.title, m.hours, LocalDate(it->second.starts_at)});
  }
  if (!missing.empty())
    return Error(ErrorCode::kRuleViolation, "The pathway is not complete: " + std::to_string(missing.size()) +
                                                " module(s) missing.", missing);
  if (exists) return Error(ErrorCode::kAlreadyExists, "A valid attestation already exists for this person and pathway.");

  // 2. Render and sign outside any transaction (a few milliseconds).
  const TimePoint now = clock_.Now();
  Attestation a;
  a.participant_id = participant_id;
  a.pathway_id = pathway_id;
  a.verification_code = certificates::NewVerificationCode([this](std::size_t n) { return random_.Bytes(n); });
  a.issued_at = now;
  a.holder_name = holder->name;
  a.pathway_title = pathway->title;
  a.total_hours = pathway->TotalHours();
  a.language = IsSupportedLanguage(holder->language) ? holder->language : "fr";
  content.language = a.language;
  const IssuerWording& issuer = settings_.For(a.language);
  content.centre_name = issuer.centre_name;
  content.holder_name = a.holder_name;
  content.pathway_title = a.pathway_title;
  content.total_hours = a.total_hours;
  content.issue_date = LocalDate(now);
  content.place = issuer.place;
  content.verification_code = a.verification_code;
  content.verification_url = settings_.public_url + "/verify/" + a.verification_code;
  content.signatory_name = issuer.signatory_name;
  content.signatory_title = issuer.signatory_title;
  const std::string pdf = certificates::Sign(renderer_->Attestation(content), *identity_,
                                             std::chrono::system_clock::time_point(now.time_since_epoch()),
                                             settings_.timestamp_authority);
  a.sha256 = certificates::Sha256Hex(pdf);

  // 3. Store (a re-issue revokes the attestation it replaces first, in the same transaction);
  // the unique key keeps one valid attestation per person and pathway.
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Attestation> {
    if (replaced) {
      if (!uow.attestations().Revoke(replaced->id, revoke_reason, now))
        return Error(ErrorCode::kConflict, "The attestation was revoked meanwhile.");
      Attestation revoked = *replaced;
      revoked.revoked_at = now;
      revoked.revoke_reason = revoke_reason;
      auto after = AuditJson(revoked);
      after["reason"] = revoke_reason;
      Audit(uow, ctx, now, "attestation.revoked", "attestation", replaced->id, AuditJson(*replaced), after);
    }
    auto id = uow.attestations().Insert(a, pdf);
    if (!id) return Error(ErrorCode::kAlreadyExists, "A valid attestation already exists for this person and pathway.");
    Attestation stored = a;
    stored.id = *id;
    auto after = AuditJson(stored);
    if (replaced) after["replaces"] = IdString(replaced->id);
    Audit(uow, ctx, now, replaced ? "attestation.reissued" : "attestation.issued", "attestation", *id, nullptr, after);
    return stored;
  });
}

Result<std::vector<Attestation>> AttestationService::IssueAll(const RequestContext& ctx, Id pathway_id) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  std::optional<Pathway> pathway;
  std::vector<Id> candidates;
  store_.Transact([&](UnitOfWork& uow) {
    pathway = uow.catalogue().FindPathway(pathway_id);
    candidates.clear();
    if (pathway && !pathway->modules.empty())
      for (Id p : uow.attestations().CompletedPathway(*pathway))
        if (!uow.attestations().FindValid(p, pathway_id)) candidates.push_back(p);
    return true;
  });
  if (!pathway) return Error(ErrorCode::kNotFound, "No pathway has this id.");
  std::vector<Attestation> issued;
  for (Id participant : candidates) {
    auto r = Issue(ctx, participant, pathway_id);
    if (r) issued.push_back(*r);
    // Issued concurrently, or the person was erased (their attendance still counts): skip.
    else if (r.error().code != ErrorCode::kAlreadyExists && r.error().code != ErrorCode::kInvalidInput)
      return Fail(r.error());
  }
  return issued;
}

Result<Attestation> AttestationService::Get(const RequestContext& ctx, Id id) {
  std::optional<Attestation> a;
  store_.Transact([&](UnitOfWork& uow) {
    a = uow.attestations().FindAttestation(id);
    return true;
  });
  if (!a) return Error(ErrorCode::kNotFound, "No attestation has this id.");
  if (!MaySee(ctx.principal, *a)) return Error(ErrorCode::kForbidden, "Only the holder and coordinators see an attestation.");
  return *a;
}

Result<IssuedPdf> AttestationService::Pdf(const RequestContext& ctx, Id id) {
  std::optional<Attestation> a;
  std::optional<std::string> pdf;
  store_.Transact([&](UnitOfWork& uow) {
    a = uow.attestations().FindAttestation(id);
    if (a && MaySee(ctx.principal, *a)) pdf = uow.attestations().Pdf(id);
    return true;
  });
  if (!a) return Error(ErrorCode::kNotFound, "No attestation has this id.");
  if (!MaySee(ctx.principal, *a)) return Error(ErrorCode::kForbidden, "Only the holder and coordinators download an attestation.");
  if (!pdf || pdf->empty()) return Error(ErrorCode::kNotFound, "The file of this attestation was deleted (its holder was erased).");
  return IssuedPdf{*pdf, "attestation-" + a->verification_code + ".pdf"};
}

Result<Attestation> AttestationService::Revoke(const RequestContext& ctx, Id id, const std::string& reason) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  std::vector<FieldError> errors;
  CheckText("reason", reason, 2000, errors);
  if (!errors.empty()) return Invalid(errors);
  Result<Attestation> out;
  store_.Transact([&](UnitOfWork& uow) {
    const TimePoint now = clock_.Now();
    auto a = uow.attestations().FindAttestation(id);
    if (!a) {
      out = Error(ErrorCode::kNotFound, "No attestation has this id.");
      return false;
    }
    if (!uow.attestations().Revoke(id, std::string(Trim(reason)), now)) {
      out = Error(ErrorCode::kConflict, "The attestation is already revoked.");
      return false;
    }
    const auto before = AuditJson(*a);
    a->revoked_at = now;
    a->revoke_reason = std::string(Trim(reason));
    Audit(uow, ctx, now, "attestation.revoked", "attestation", id, before, AuditJson(*a));
    out = *a;
    return true;
  });
  return out;
}

nlohmann::json VerificationJson(const PublicVerification& v) {
  if (v.certificate) {
    const auto& c = *v.certificate;
    return {{"kind", "attendance"},
            {"valid", v.valid},
            {"revoked", c.revoked_at.has_value()},
            {"holder_name", c.holder_name},
            {"pathway_title", c.pathway_title.empty() ? c.module_title : c.pathway_title},
            {"module_title", c.module_title},
            {"total_hours", c.hours},
            {"session_starts_at", FormatLocal(c.session_starts_at)},
            {"session_ends_at", FormatLocal(c.session_ends_at)},
            {"issued_at", FormatLocal(c.issued_at)},
            {"verification_code", c.verification_code}};
  }
  const Attestation& a = v.attestation;
  return {{"kind", "attestation"},
          {"valid", v.valid},
          {"revoked", a.revoked_at.has_value()},
          {"holder_name", a.holder_name},
          {"pathway_title", a.pathway_title},
          {"total_hours", a.total_hours},
          {"issued_at", FormatLocal(a.issued_at)},
          {"verification_code", a.verification_code}};
}

Result<std::vector<Attestation>> AttestationService::ListMine(const RequestContext& ctx) {
  if (ctx.principal.kind != Principal::Kind::kUser) return Error(ErrorCode::kForbidden, "Only people hold attestations.");
  std::vector<Attestation> items;
  store_.Transact([&](UnitOfWork& uow) {
    items = uow.attestations().ForParticipant(ctx.principal.user_id);
    return true;
  });
  return items;
}

Result<PublicVerification> AttestationService::Verify(const std::string& code_in) {
  std::string code = AsciiLower(Trim(code_in));
  for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (code.size() == 16) code = code.substr(0, 4) + "-" + code.substr(4, 4) + "-" + code.substr(8, 4) + "-" + code.substr(12);
  if (!certificates::IsWellFormedVerificationCode(code))
    return Error(ErrorCode::kNotFound, "No attestation has this verification code.");
  std::optional<Attestation> a;
  std::optional<parcours::AttendanceCertificate> c;
  store_.Transact([&](UnitOfWork& uow) {
    a = uow.attestations().FindByCode(code);
    c = a ? std::nullopt : uow.attestations().FindCertificateByCode(code);
    return true;
  });
  if (a) return PublicVerification{*a, std::nullopt, !a->revoked_at.has_value()};
  if (c) return PublicVerification{Attestation{}, *c, !c->revoked_at.has_value()};
  return Error(ErrorCode::kNotFound, "No attestation has this verification code.");
}

Result<IssuedPdf> AttestationService::AttendanceCertificate(const RequestContext& ctx, Id registration_id) {
  if (!identity_) return Error(ErrorCode::kUnavailable, "No signing key is configured (PARCOURS_SIGNING_KEY/CERT).");
  std::optional<Registration> reg;
  std::optional<Session> session;
  std::optional<Module> module;
  std::optional<Pathway> pathway;
  std::optional<AttendanceRecord> mark;
  std::optional<User> holder;
  std::optional<parcours::AttendanceCertificate> stored;
  std::optional<std::string> stored_pdf;
  store_.Transact([&](UnitOfWork& uow) {
    reg = uow.registrations().Find(registration_id);
    if (!reg) return true;
    session = uow.catalogue().FindSession(reg->session_id, false);
    module = uow.catalogue().FindModule(session->module_id);
    if (module->pathway_id) pathway = uow.catalogue().FindPathway(*module->pathway_id);
    mark = uow.attendance().Find(reg->session_id, reg->participant_id);
    holder = uow.users().FindById(reg->participant_id);
    stored = uow.attestations().ValidCertificate(registration_id);
    stored_pdf = stored ? uow.attestations().CertificatePdf(stored->id) : std::nullopt;
    return true;
  });
  const Principal& who = ctx.principal;
  if (!reg || !(who.IsCoordinator() || (who.kind == Principal::Kind::kUser && who.user_id == reg->participant_id)) ||
      !holder || IsErased(*holder))
    return Error(ErrorCode::kNotFound, "No registration of yours has this id.");
  if (!mark || !(mark->status == AttendanceStatus::kPresent || mark->status == AttendanceStatus::kPartial))
    return Error(ErrorCode::kRuleViolation, "There is no recorded attendance for this registration.");
  const std::string filename = "attendance-" + IdString(registration_id) + ".pdf";
  // The stored certificate while it still says what the sheet says.
  if (stored && stored_pdf && stored->hours == mark->hours) return IssuedPdf{*stored_pdf, filename};

  const TimePoint now = clock_.Now();
  parcours::AttendanceCertificate record;
  record.registration_id = registration_id;
  record.participant_id = reg->participant_id;
  record.session_id = session->id;
  record.issued_at = now;
  record.holder_name = holder->name;
  record.module_title = module->title;
  record.pathway_title = pathway ? pathway->title : "";
  record.hours = mark->hours;
  record.session_starts_at = session->starts_at;
  record.session_ends_at = session->ends_at;
  record.language = IsSupportedLanguage(holder->language) ? holder->language : "fr";
  record.verification_code = certificates::NewVerificationCode([this](std::size_t n) { return random_.Bytes(n); });
  certificates::AttendanceContent c;
  c.language = record.language;
  const IssuerWording& issuer = settings_.For(c.language);
  c.centre_name = issuer.centre_name;
  c.holder_name = record.holder_name;
  c.module_title = record.module_title;
  c.pathway_title = record.pathway_title;
  c.hours = record.hours;
  std::string from = LocalDate(session->starts_at), to = LocalDate(session->ends_at);
  c.session_dates = from == to ? from : from + " – " + to;
  c.place = session->location.empty() ? issuer.place : session->location;
  c.issue_date = LocalDate(now);
  c.verification_code = record.verification_code;
  c.verification_url = settings_.public_url + "/verify/" + record.verification_code;
  c.signatory_name = issuer.signatory_name;
  c.signatory_title = issuer.signatory_title;
  std::string pdf = certificates::Sign(renderer_->Attendance(c), *identity_,
                                       std::chrono::system_clock::time_point(now.time_since_epoch()),
                                       settings_.timestamp_authority);
  record.sha256 = certificates::Sha256Hex(pdf);
  auto saved = Transact(store_, [&](UnitOfWork& uow) -> Result<IssuedPdf> {
    if (auto old = uow.attestations().ValidCertificate(registration_id)) {
      if ((!stored || old->id != stored->id) && old->hours == record.hours) {
        // Issued concurrently by another request: that one stands.
        if (auto bytes = uow.attestations().CertificatePdf(old->id)) return IssuedPdf{*bytes, filename};
      }
      uow.attestations().RevokeCertificate(old->id, "attendance corrected", now);
      Audit(uow, ctx, now, "attendance_certificate.revoked", "attendance_certificate", old->id,
            {{"verification_code", old->verification_code}, {"hours", old->hours}}, {{"reason", "attendance corrected"}});
    }
    auto id = uow.attestations().InsertCertificate(record, pdf);
    if (!id) return Error(ErrorCode::kConflict, "The certificate was issued at the same moment; try again.");
    Audit(uow, ctx, now, "attendance_certificate.issued", "attendance_certificate", *id, nullptr,
          {{"registration_id", IdString(registration_id)}, {"verification_code", record.verification_code},
           {"hours", record.hours}, {"sha256", record.sha256}});
    return IssuedPdf{pdf, filename};
  });
  return saved;
}

}  // namespace parcours
