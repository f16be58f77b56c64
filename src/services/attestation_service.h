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

class AttestationService {
 public:
  // identity may be null (no signing key configured): issuance then answers kUnavailable.
  AttestationService(Store& store, const Clock& clock, RandomSource& random,
                     std::shared_ptr<const certificates::Renderer> renderer,
                     std::shared_ptr<const certificates::SigningIdentity> identity, IssuerSettings settings)
      : store_(store), clock_(clock), random_(random), renderer_(std::move(renderer)),
        identity_(std::move(identity)), settings_(std::move(settings)) {}

  Result<Attestation> Issue(const RequestContext& ctx, Id participant_id, Id pathway_id);
  // Everyone who completed the pathway and has no valid attestation yet.
  Result<std::vector<Attestation>> IssueAll(const RequestContext& ctx, Id pathway_id);
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
  // Issues, or replaces `replaced` (revoking it with `revoke_reason`) when given.
  Result<Attestation> IssueOrReplace(const RequestContext& ctx, Id participant_id, Id pathway_id,
                                     const std::optional<Attestation>& replaced, const std::string& revoke_reason);
  Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  std::shared_ptr<const certificates::Renderer> renderer_;
  std::shared_ptr<const certificates::SigningIdentity> identity_;
  IssuerSettings settings_;
};

}  // namespace parcours
