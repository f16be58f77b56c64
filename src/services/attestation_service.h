#pragma once
// Global attestations: issued to a person who completed every module of a pathway (once;
// again only after a revocation), rendered and signed once at issuance and kept with their
// SHA-256 so that downloads return the same bytes; revocable; verifiable by anyone from the
// code printed on them.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "certificates/certificates.h"
#include "common/clock.h"
#include "common/random.h"
#include "domain/errors.h"
#include "domain/repositories.h"

namespace parcours {

struct IssuerSettings {
  std::string public_url;  // the verification URL is public_url + "/verify/" + code
  std::string centre_name = "Centre national de référence pour la promotion de la santé affective et sexuelle (Cesas)";
  std::string place = "Luxembourg";
  std::string signatory_name = "La coordination";
  std::string signatory_title = "Cesas";
  // Set when a timestamp authority is configured: signatures become PAdES B-T.
  certificates::TimestampAuthority timestamp_authority;
};

struct IssuedPdf {
  std::string bytes;
  std::string filename;
};

struct PublicVerification {
  Attestation attestation;
  bool valid = false;
};

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
  Result<PublicVerification> Verify(const std::string& code);
  // A signed attendance certificate for one session the caller attended (not stored).
  Result<IssuedPdf> AttendanceCertificate(const RequestContext& ctx, Id registration_id);

 private:
  Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  std::shared_ptr<const certificates::Renderer> renderer_;
  std::shared_ptr<const certificates::SigningIdentity> identity_;
  IssuerSettings settings_;
};

}  // namespace parcours
