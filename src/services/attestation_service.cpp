#include "services/attestation_service.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "common/text.h"
#include "common/time.h"
#include "domain/rules.h"
#include "services/audit.h"
#include "services/views.h"

namespace parcours {
namespace {

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

std::pair<Attestation, certificates::AttestationContent> AttestationService::Draft(
    const User& holder, const Pathway& pathway, const std::map<Id, CompletedModule>& done, TimePoint now) {
  certificates::AttestationContent content;
  for (const auto& m : pathway.modules)
    content.modules.push_back({m.title, m.hours, LocalDate(done.at(m.id).starts_at)});
  Attestation a;
  a.participant_id = holder.id;
  a.pathway_id = pathway.id;
  a.verification_code = certificates::NewVerificationCode([this](std::size_t n) { return random_.Bytes(n); });
  a.issued_at = now;
  a.holder_name = holder.name;
  a.pathway_title = pathway.title;
  a.total_hours = pathway.TotalHours();
  a.language = IsSupportedLanguage(holder.language) ? holder.language : "fr";
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
  return {a, content};
}

std::string AttestationService::Seal(Attestation& a, const certificates::AttestationContent& content,
                                     TimePoint now) const {
  std::string pdf = certificates::Sign(renderer_->Attestation(content), *identity_,
                                       std::chrono::system_clock::time_point(now.time_since_epoch()),
                                       settings_.timestamp_authority);
  a.sha256 = certificates::Sha256Hex(pdf);
  return pdf;
}

Result<Attestation> AttestationService::Issue(const RequestContext& ctx, Id participant_id, Id pathway_id,
                                              const std::string& reason) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  std::vector<FieldError> errors;
  CheckText("reason", reason, 2000, errors, false);
  if (!errors.empty()) return Invalid(errors);
  return IssueOrReplace(ctx, participant_id, pathway_id, reason, std::nullopt, "");
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
  return IssueOrReplace(ctx, old->participant_id, old->pathway_id, reason, old, why);
}

Result<Attestation> AttestationService::IssueOrReplace(const RequestContext& ctx, Id participant_id, Id pathway_id,
                                                       const std::string& reason,
                                                       const std::optional<Attestation>& replaced,
                                                       const std::string& revoke_reason) {
  if (!identity_) return Error(ErrorCode::kUnavailable, "No signing key is configured (PARCOURS_SIGNING_KEY/CERT).");
  // 1. What to print, read in a short transaction.
  std::optional<User> holder;
  std::optional<Pathway> pathway;
  std::map<Id, CompletedModule> done;
  std::vector<Attestation> earlier;  // of this pathway
  store_.Transact([&](UnitOfWork& uow) {
    holder = uow.users().FindById(participant_id);
    pathway = uow.catalogue().FindPathway(pathway_id);
    done.clear();
    earlier.clear();
    if (holder && pathway) {
      for (auto& c : uow.attendance().CompletedModules(participant_id, pathway->modules)) done[c.module_id] = c;
      for (auto& a : uow.attestations().OfParticipant(participant_id))
        if (a.pathway_id == pathway_id) earlier.push_back(std::move(a));
    }
    return true;
  });
  if (!pathway) return Error(ErrorCode::kNotFound, "No pathway has this id.");
  // An erased person is nobody an attestation can name.
  if (!holder || IsErased(*holder)) return Invalid({{"participant_id", "no person has this id"}});
  std::vector<FieldError> missing;
  for (const auto& m : pathway->modules)
    if (!done.count(m.id)) missing.push_back({"modules", "missing: " + m.title + " (" + IdString(m.id) + ")"});
  if (!missing.empty())
    return Error(ErrorCode::kRuleViolation, "The pathway is not complete: " + std::to_string(missing.size()) +
                                                " module(s) missing.", missing);
  nlohmann::json revoked = nlohmann::json::array();
  bool replaced_valid = false;
  for (const auto& a : earlier) {
    if (replaced && a.id == replaced->id) {
      replaced_valid = !a.revoked_at;
      continue;
    }
    if (!a.revoked_at)
      return Error(ErrorCode::kAlreadyExists, "A valid attestation already exists for this person and pathway.");
    revoked.push_back(IdString(a.id));
  }
  if (replaced && !replaced_valid) return Error(ErrorCode::kConflict, "The attestation was revoked meanwhile.");

  // 2. Render and sign outside any transaction (well under a millisecond).
  const TimePoint now = clock_.Now();
  // Named members, not a structured binding: the lambda below uses `a`, and clang 14 (the
  // sanitizer and fuzz build) refuses lambdas that capture structured bindings.
  auto drafted = Draft(*holder, *pathway, done, now);
  Attestation& a = drafted.first;
  const std::string pdf = Seal(a, drafted.second, now);

  // 3. Store (a re-issue revokes the attestation it replaces first, in the same transaction);
  // the unique key keeps one valid attestation per person and pathway.
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Attestation> {
    if (replaced) {
      if (!uow.attestations().Revoke(replaced->id, revoke_reason, now))
        return Error(ErrorCode::kConflict, "The attestation was revoked meanwhile.");
      Attestation old = *replaced;
      old.revoked_at = now;
      old.revoke_reason = revoke_reason;
      auto after = AuditJson(old);
      after["reason"] = revoke_reason;
      Audit(uow, ctx, now, "attestation.revoked", "attestation", replaced->id, AuditJson(*replaced), after,
            participant_id);
    }
    auto id = uow.attestations().Insert(a, pdf);
    if (!id) return Error(ErrorCode::kAlreadyExists, "A valid attestation already exists for this person and pathway.");
    Attestation stored = a;
    stored.id = *id;
    auto after = AuditJson(stored);
    if (replaced) {
      after["replaces"] = IdString(replaced->id);
      Audit(uow, ctx, now, "attestation.reissued", "attestation", *id, nullptr, after, participant_id);
    } else if (revoked.empty()) {
      Audit(uow, ctx, now, "attestation.issued", "attestation", *id, nullptr, after, participant_id);
    } else {  // an explicit re-issue after a revocation
      after["reissue_of"] = revoked;
      after["reason"] = std::string(Trim(reason));
      Audit(uow, ctx, now, "attestation.reissued", "attestation", *id, nullptr, after, participant_id);
    }
    return stored;
  });
}

namespace {

// Each completion of the pathway by a person: their completed modules, when all are done.
std::map<Id, std::map<Id, CompletedModule>> CompletedBy(const Pathway& pathway,
                                                        const std::vector<PersonCompletion>& rows) {
  std::map<Id, std::map<Id, CompletedModule>> by_person;
  for (const auto& c : rows) by_person[c.participant_id][c.module.module_id] = c.module;
  for (auto it = by_person.begin(); it != by_person.end();)
    it = it->second.size() == pathway.modules.size() && !pathway.modules.empty() ? std::next(it) : by_person.erase(it);
  return by_person;
}

// Runs work(i) for i in [0, n) on every core; the first exception is rethrown after all stop.
template <class F>
void OnAllCores(std::size_t n, F work) {
  const std::size_t threads = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), n);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mu;
  auto run = [&] {
    for (std::size_t i; (i = next++) < n;) {
      try {
        work(i);
      } catch (...) {
        std::lock_guard lock(failure_mu);
        if (!failure) failure = std::current_exception();
        next = n;
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

Result<std::vector<Attestation>> AttestationService::IssueAll(const RequestContext& ctx, Id pathway_id) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  // 1. Read once: the pathway, everyone's completions, who ever held an attestation, the holders.
  std::optional<Pathway> pathway;
  std::map<Id, std::map<Id, CompletedModule>> completed;
  std::vector<User> holders;
  store_.Transact([&](UnitOfWork& uow) {
    holders.clear();
    completed.clear();
    pathway = uow.catalogue().FindPathway(pathway_id);
    if (!pathway) return true;
    completed = CompletedBy(*pathway, uow.attestations().PathwayCompletions(*pathway));
    for (const auto& a : uow.attestations().OfPathway(pathway_id)) completed.erase(a.participant_id);
    std::vector<Id> ids;
    for (const auto& [id, modules] : completed) ids.push_back(id);
    holders = uow.users().FindMany(ids);
    return true;
  });
  if (!pathway) return Error(ErrorCode::kNotFound, "No pathway has this id.");
  // An erased person keeps their attendance (the counts) but is nobody an attestation can name.
  std::erase_if(holders, [](const User& u) { return IsErased(u); });
  if (holders.empty()) return std::vector<Attestation>{};
  if (!identity_) return Error(ErrorCode::kUnavailable, "No signing key is configured (PARCOURS_SIGNING_KEY/CERT).");
  std::sort(holders.begin(), holders.end(), [](const User& a, const User& b) { return a.id < b.id; });

  // 2. Draft each (codes from the injected randomness, in order), then render and sign on
  // every core.
  const TimePoint now = clock_.Now();
  std::vector<std::pair<Attestation, std::string>> sealed;
  std::vector<certificates::AttestationContent> contents;
  for (const auto& holder : holders) {
    auto [a, content] = Draft(holder, *pathway, completed.at(holder.id), now);
    sealed.emplace_back(std::move(a), std::string());
    contents.push_back(std::move(content));
  }
  OnAllCores(sealed.size(), [&](std::size_t i) { sealed[i].second = Seal(sealed[i].first, contents[i], now); });

  // 3. Store a chunk per transaction: each attestation with its audit row; one that was issued
  // meanwhile by another request is skipped (the unique key), so a repeated batch adds nothing.
  std::vector<Attestation> issued;
  for (std::size_t first = 0; first < sealed.size(); first += kStoreChunk) {
    const std::vector<std::pair<Attestation, std::string>> chunk(
        sealed.begin() + first, sealed.begin() + std::min(sealed.size(), first + kStoreChunk));
    std::vector<Attestation> stored;
    store_.Transact([&](UnitOfWork& uow) {
      stored.clear();
      auto ids = uow.attestations().InsertMany(chunk);
      std::vector<AuditEntry> rows;
      for (std::size_t i = 0; i < chunk.size(); ++i) {
        if (!ids[i]) continue;
        Attestation a = chunk[i].first;
        a.id = *ids[i];
        rows.push_back(AuditRow(ctx, now, "attestation.issued", "attestation", a.id, nullptr, AuditJson(a),
                                a.participant_id));
        stored.push_back(std::move(a));
      }
      uow.audit().AppendMany(rows);
      return true;
    });
    for (auto& a : stored) issued.push_back(std::move(a));
  }
  return issued;
}

Result<std::vector<PathwayCompletion>> AttestationService::Completions(const RequestContext& ctx, Id pathway_id) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<std::vector<PathwayCompletion>> {
    auto pathway = uow.catalogue().FindPathway(pathway_id);
    if (!pathway) return Error(ErrorCode::kNotFound, "No pathway has this id.");
    auto completed = CompletedBy(*pathway, uow.attestations().PathwayCompletions(*pathway));
    std::map<Id, Attestation> latest;
    for (auto& a : uow.attestations().OfPathway(pathway_id)) latest[a.participant_id] = std::move(a);  // by id
    std::vector<Id> ids;
    for (const auto& [id, modules] : completed) ids.push_back(id);
    std::vector<PathwayCompletion> out;
    for (auto& person : uow.users().FindMany(ids)) {
      PathwayCompletion c;
      for (const auto& [module, done] : completed.at(person.id)) c.completed_at = std::max(c.completed_at, done.starts_at);
      if (auto it = latest.find(person.id); it != latest.end()) c.attestation = it->second;
      c.due = !c.attestation;
      c.person = std::move(person);
      out.push_back(std::move(c));
    }
    std::sort(out.begin(), out.end(), [](const PathwayCompletion& a, const PathwayCompletion& b) {
      return a.completed_at != b.completed_at ? a.completed_at < b.completed_at : a.person.id < b.person.id;
    });
    return out;
  });
}

Result<std::vector<DueAttestations>> AttestationService::Due(const RequestContext& ctx) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  std::vector<DueAttestations> out;
  store_.Transact([&](UnitOfWork& uow) {
    out.clear();
    for (Id after = 0;;) {
      auto pathways = uow.catalogue().ListPathways(after, 100);
      if (pathways.empty()) break;
      for (auto& p : pathways) {
        after = p.id;
        auto completed = CompletedBy(p, uow.attestations().PathwayCompletions(p));
        for (const auto& a : uow.attestations().OfPathway(p.id)) completed.erase(a.participant_id);
        out.push_back({std::move(p), static_cast<int>(completed.size())});
      }
    }
    return true;
  });
  return out;
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
    Audit(uow, ctx, now, "attestation.revoked", "attestation", id, before, AuditJson(*a), a->participant_id);
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
