#pragma once
// The MySQL implementations of the repositories, one file each (user_repository.cpp, ...),
// and the unit of work that bundles them over one pooled connection. Storage-internal: the
// services see only domain/repositories.h.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "domain/repositories.h"
#include "storage/connection_pool.h"

namespace parcours {

std::unique_ptr<UserRepository> MakeUserRepository(PooledConnection& c);
std::unique_ptr<LoginGuardRepository> MakeLoginGuardRepository(PooledConnection& c);
std::unique_ptr<AgencyRepository> MakeAgencyRepository(PooledConnection& c);
std::unique_ptr<CatalogueRepository> MakeCatalogueRepository(PooledConnection& c);
std::unique_ptr<RegistrationRepository> MakeRegistrationRepository(PooledConnection& c);
std::unique_ptr<AuditRepository> MakeAuditRepository(PooledConnection& c);
std::unique_ptr<IdempotencyRepository> MakeIdempotencyRepository(PooledConnection& c);
std::unique_ptr<AttendanceRepository> MakeAttendanceRepository(PooledConnection& c);
std::unique_ptr<NotificationRepository> MakeNotificationRepository(PooledConnection& c);
std::unique_ptr<ReportRepository> MakeReportRepository(PooledConnection& c);
std::unique_ptr<AttestationRepository> MakeAttestationRepository(PooledConnection& c);
std::unique_ptr<PersonalDataRepository> MakePersonalDataRepository(PooledConnection& c);
std::unique_ptr<StructureRepository> MakeStructureRepository(PooledConnection& c);
std::unique_ptr<DocumentRepository> MakeDocumentRepository(PooledConnection& c);
std::unique_ptr<EvaluationRepository> MakeEvaluationRepository(PooledConnection& c);

// The audit actions written by this thread's current transaction attempt (action, and the
// "status" of the row after the change when it has one), for the metrics: MySqlStore clears
// them at each attempt and hands them on only after an acknowledged COMMIT.
std::vector<std::pair<std::string, std::string>>& StagedAuditActions();

// One transaction's repositories, made on first use over the transaction's connection.
class MySqlUnitOfWork final : public UnitOfWork {
 public:
  explicit MySqlUnitOfWork(PooledConnection& c) : c_(c) {}
  UserRepository& users() override { return Get(users_, MakeUserRepository); }
  LoginGuardRepository& logins() override { return Get(logins_, MakeLoginGuardRepository); }
  AgencyRepository& agencies() override { return Get(agencies_, MakeAgencyRepository); }
  CatalogueRepository& catalogue() override { return Get(catalogue_, MakeCatalogueRepository); }
  RegistrationRepository& registrations() override { return Get(registrations_, MakeRegistrationRepository); }
  AuditRepository& audit() override { return Get(audit_, MakeAuditRepository); }
  IdempotencyRepository& idempotency() override { return Get(idempotency_, MakeIdempotencyRepository); }
  AttendanceRepository& attendance() override { return Get(attendance_, MakeAttendanceRepository); }
  NotificationRepository& notifications() override { return Get(notifications_, MakeNotificationRepository); }
  ReportRepository& reports() override { return Get(reports_, MakeReportRepository); }
  AttestationRepository& attestations() override { return Get(attestations_, MakeAttestationRepository); }
  PersonalDataRepository& personal_data() override { return Get(personal_data_, MakePersonalDataRepository); }
  StructureRepository& structures() override { return Get(structures_, MakeStructureRepository); }
  DocumentRepository& documents() override { return Get(documents_, MakeDocumentRepository); }
  EvaluationRepository& evaluations() override { return Get(evaluations_, MakeEvaluationRepository); }
  // The transaction's connection, for the Galera tier's tests (tests/galera), which act on the
  // session as the driver can (a ping) between the repositories' statements.
  PooledConnection& connection() { return c_; }

 private:
  template <class R>
  R& Get(std::unique_ptr<R>& slot, std::unique_ptr<R> (*make)(PooledConnection&)) {
    if (!slot) slot = make(c_);
    return *slot;
  }
  PooledConnection& c_;
  std::unique_ptr<UserRepository> users_;
  std::unique_ptr<LoginGuardRepository> logins_;
  std::unique_ptr<AgencyRepository> agencies_;
  std::unique_ptr<CatalogueRepository> catalogue_;
  std::unique_ptr<RegistrationRepository> registrations_;
  std::unique_ptr<AuditRepository> audit_;
  std::unique_ptr<IdempotencyRepository> idempotency_;
  std::unique_ptr<AttendanceRepository> attendance_;
  std::unique_ptr<NotificationRepository> notifications_;
  std::unique_ptr<ReportRepository> reports_;
  std::unique_ptr<AttestationRepository> attestations_;
  std::unique_ptr<PersonalDataRepository> personal_data_;
  std::unique_ptr<StructureRepository> structures_;
  std::unique_ptr<DocumentRepository> documents_;
  std::unique_ptr<EvaluationRepository> evaluations_;
};

}  // namespace parcours
