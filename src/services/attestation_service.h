#pragma once
// Global attestations: issued to a person who completed every module of a pathway (once;
// again only after a revocation), rendered and signed once at issuance and kept with their
// SHA-256 so that downloads return the same bytes; revocable; verifiable by anyone from the
// code printed on them.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "certificates/certificates.h"
#include "common/clock.h"
#include "common/random.h"
#include "domain/errors.h"
#include "domain/repositories.h"

namespace parcours {

// The issuer's wording printed on a certificate, in the certificate's language.
struct IssuerWording {
  std::string centre_name;
  std::string place;
  std::string signatory_name;
  std::string signatory_title;
};
// The built-in wording of the first centre (Cesas) in fr, de or en (French for others).
IssuerWording DefaultIssuerWording(const std::string& language);

struct IssuerSettings {
  std::string public_url;  // the verification URL is public_url + "/verify/" + code
  // Per certificate language (fr, de, en); configurable (README, "The signing key").
  std::map<std::string, IssuerWording> wording = {
      {"fr", DefaultIssuerWording("fr")}, {"de", DefaultIssuerWording("de")}, {"en", DefaultIssuerWording("en")}};
  // Set when a timestamp authority is configured: signatures become PAdES B-T.
  certificates::TimestampAuthority timestamp_authority;
  // The wording for a language (the French one when the language has none).
  const IssuerWording& For(const std::string& language) const;
};

struct IssuedPdf {
  std::string bytes;
  std::string filename;
};

// What a verification code stands for: a global attestation, or (when `certificate` is set)
// an attendance certificate.
struct PublicVerification {
  Attestation attestation;
  std::optional<AttendanceCertificate> certificate;
  bool valid = false;
};

// The public answer for a verification code, as the API and /verify/{code} give it in JSON:
// {kind, valid, revoked, holder_name, pathway_title, total_hours, issued_at, verification_code},
// and for an attendance certificate also module_title, session_starts_at, session_ends_at
// (pathway_title is then the module's pathway, or the module's own title outside any pathway).
nlohmann::json VerificationJson(const PublicVerification& v);
// Someone who completed a pathway: when (the earliest full attendance of its last module) and
// their latest attestation of it, if any. `due`: no attestation at all, so the batch issues one
// (a revoked attestation is never re-issued by the batch).
struct PathwayCompletion {
  User person;
  TimePoint completed_at;
  std::optional<Attestation> attestation;
  bool due = false;
};

// Per pathway, how many completions the batch would issue an attestation to.
struct DueAttestations {
  Pathway pathway;
  int due = 0;
};

class AttestationService {
 public:
  // identity may be null (no signing key configured): issuance then answers kUnavailable.
  AttestationService(Store& store, const Clock& clock, RandomSource& random,
                     std::shared_ptr<const certificates::Renderer> renderer,
                     std::shared_ptr<const certificates::SigningIdentity> identity, IssuerSettings settings)
      : store_(store), clock_(clock), random_(random), renderer_(std::move(renderer)),
        identity_(std::move(identity)), settings_(std::move(settings)) {}

  // One person's attestation, an explicit act of the coordinator: after a revocation it is a
  // re-issue, audited as attestation.reissued with the revoked attestations and `reason`.
  Result<Attestation> Issue(const RequestContext& ctx, Id participant_id, Id pathway_id,
                            const std::string& reason = "");
  // Everyone who completed the pathway and never held an attestation of it (a revoked one is
  // never re-issued here). Reads once, renders and signs on every core, stores in chunks of
  // kStoreChunk per transaction (each attestation with its audit row); safe to repeat.
  Result<std::vector<Attestation>> IssueAll(const RequestContext& ctx, Id pathway_id);
  static constexpr std::size_t kStoreChunk = 100;
  // Who completed the pathway, with their attestation if any (coordinators).
  Result<std::vector<PathwayCompletion>> Completions(const RequestContext& ctx, Id pathway_id);
  // For every pathway, the completions due an attestation (coordinators).
  Result<std::vector<DueAttestations>> Due(const RequestContext& ctx);
  Result<Attestation> Get(const RequestContext& ctx, Id id);
  Result<IssuedPdf> Pdf(const RequestContext& ctx, Id id);
  Result<Attestation> Revoke(const RequestContext& ctx, Id id, const std::string& reason);
  // A valid attestation issued again with what is true now (after the holder corrected their
  // name): the old one is revoked ("re-issued: <reason>") and the new one issued in one
  // transaction, both audited. A revoked attestation is never re-issued this way.
  Result<Attestation> Reissue(const RequestContext& ctx, Id id, const std::string& reason);
  Result<PublicVerification> Verify(const std::string& code);
  // The caller's own attestations (valid and revoked), newest first.
  Result<std::vector<Attestation>> ListMine(const RequestContext& ctx);
  // The signed attendance certificate of one session the holder attended: signed at the first
  // request and stored with a verification record (same bytes at every download); when the
  // attendance was corrected since, the old one is revoked and a new one issued.
  Result<IssuedPdf> AttendanceCertificate(const RequestContext& ctx, Id registration_id);

 private:
  // Issues (after a revocation, a re-issue audited with `reason`), or replaces `replaced`,
  // revoking it with `revoke_reason`, in the same transaction.
  Result<Attestation> IssueOrReplace(const RequestContext& ctx, Id participant_id, Id pathway_id,
                                     const std::string& reason, const std::optional<Attestation>& replaced,
                                     const std::string& revoke_reason);
  // What to print for a person: the attestation's fields (a fresh verification code) and the
  // certificate's content. `done`: their completed modules of the pathway.
  std::pair<Attestation, certificates::AttestationContent> Draft(const User& holder, const Pathway& pathway,
                                                                  const std::map<Id, CompletedModule>& done,
                                                                  TimePoint now);
  // The signed PDF of a draft; sets its sha256.
  std::string Seal(Attestation& a, const certificates::AttestationContent& content, TimePoint now) const;

  Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  std::shared_ptr<const certificates::Renderer> renderer_;
  std::shared_ptr<const certificates::SigningIdentity> identity_;
  IssuerSettings settings_;
};

}  // namespace parcours
