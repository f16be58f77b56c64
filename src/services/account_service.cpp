#include "services/account_service.h"

#include "domain/rules.h"
#include "services/audit.h"
#include "services/views.h"

namespace parcours {
namespace {
constexpr std::string_view kPersonTokenPrefix = "pt_";
constexpr std::string_view kAgencyKeyPrefix = "pak_";

Unexpected<DomainError> Forbidden() {
  return Error(ErrorCode::kForbidden, "This action is reserved to coordinators.");
}

Unexpected<DomainError> TooManySignups(std::chrono::seconds retry_after) {
  return RetryLater(ErrorCode::kTooManyAttempts,
                    "Too many accounts were created from this address; try again later.", retry_after);
}

Unexpected<DomainError> InvalidToken() { return Invalid({{"token", "is unknown, used or expired"}}); }
}  // namespace

Result<std::string> AccountService::Hash(const std::string& password) {
  auto pass = gate_.Enter();
  if (!pass) return RetryLater(ErrorCode::kBusy, "Too many passwords are being checked at the moment; try again.",
                               std::chrono::seconds(1));
  return HashPassword(password, random_, settings_.scrypt);
}

Result<bool> AccountService::Verify(const std::string& password, const std::string& stored) {
  auto pass = gate_.Enter();
  if (!pass) return RetryLater(ErrorCode::kBusy, "Too many passwords are being checked at the moment; try again.",
                               std::chrono::seconds(1));
  return VerifyPassword(password, stored);
}

Result<User> AccountService::CreateAccount(const RequestContext& ctx, const NewAccount& in) {
  return Create(ctx, in, RoleBit(Role::kParticipant), true);
}

Result<User> AccountService::CreateStaff(const RequestContext& ctx, const NewAccount& in) {
  if (!ctx.principal.IsCoordinator()) return Forbidden();
  unsigned roles = 0;
  std::vector<FieldError> errors;
  for (const auto& name : in.roles) {
    auto role = RoleFromName(name);
    if (!role) errors.push_back({"roles", "unknown role '" + name + "'"});
    else roles |= RoleBit(*role);
  }
  if (in.roles.empty()) errors.push_back({"roles", "must name at least one role"});
  if (!errors.empty()) return Invalid(errors);
  return Create(ctx, in, roles, false);
}

Result<User> AccountService::Create(const RequestContext& ctx, const NewAccount& in,
                                    unsigned roles, bool paced) {
  std::vector<FieldError> errors;
  auto email = NormaliseEmail(in.email);
  if (!email) errors.push_back({"email", "must be a valid e-mail address"});
  if (auto msg = CheckPassword(in.password)) errors.push_back({"password", *msg});
  CheckText("name", in.name, 200, errors);
  CheckText("organisation", in.organisation, 200, errors, false);
  if (!IsSupportedLanguage(in.language)) errors.push_back({"language", "must be fr, de or en"});
  if (!errors.empty()) return Invalid(errors);

  const TimePoint now = clock_.Now();
  const std::string address = ClientAddressKey(ctx.client_address);
  if (paced) {
    // A plain read first: an address over its pace is refused before any hashing.
    std::optional<TimePoint> tat;
    store_.Transact([&](UnitOfWork& uow) {
      tat = uow.logins().SignupPace(address);
      return true;
    });
    if (auto d = Pace(tat, now, settings_.signups); !d.allowed) return TooManySignups(d.retry_after);
  }
  auto hash = Hash(in.password);
  if (!hash) return Fail(hash.error());

  User user;
  user.email = *email;
  user.name = std::string(Trim(in.name));
  user.organisation = std::string(Trim(in.organisation));
  user.language = in.language;
  user.roles = roles;
  user.password_hash = *hash;
  user.created_at = now;

  return Transact(store_, [&](UnitOfWork& uow) -> Result<User> {
    if (paced) {
      // Again under the address's row lock, so concurrent sign-ups (in any process) count one by
      // one; a refused or failed sign-up rolls back and uses none of the allowance.
      auto d = Pace(uow.logins().LockSignupPace(address, now), now, settings_.signups);
      if (!d.allowed) return TooManySignups(d.retry_after);
      uow.logins().SetSignupPace(address, d.next_tat);
    }
    auto id = uow.users().Insert(user);
    if (!id) return Error(ErrorCode::kAlreadyExists, "An account with this e-mail already exists.");
    User created = user;
    created.id = *id;
    Audit(uow, ctx, now, "user.created", "user", *id, nullptr, ToJson(created));
    return created;
  });
}

Result<IssuedToken> AccountService::Login(const RequestContext& ctx, const std::string& email_in,
                                          const std::string& password) {
  auto email = NormaliseEmail(email_in);
  const TimePoint now = clock_.Now();
  const auto unauthorised = [] {
    return Error(ErrorCode::kUnauthenticated, "The e-mail or the password is wrong.");
  };
  // Throttle by client address before doing any expensive work.
  bool address_blocked = false;
  std::optional<User> user;
  store_.Transact([&](UnitOfWork& uow) {
    address_blocked = uow.users().CountAddressFailures(
                          ctx.client_address, now - settings_.address_window) >=
                      settings_.max_address_failures;
    user = email ? uow.users().FindByEmail(*email, false) : std::nullopt;
    return true;
  });
  if (address_blocked)
    return RetryLater(ErrorCode::kTooManyAttempts, "Too many failed logins from this address; try again later.",
                      settings_.address_window);
  if (user && user->locked_until && *user->locked_until > now)
    return RetryLater(ErrorCode::kTooManyAttempts, "Too many failed logins for this account; try again later.",
                      settings_.lock_duration);

  // Unknown e-mails and unclaimed accounts verify the dummy hash: the same work, the same time.
  const bool claimed = user && !user->password_hash.empty();
  auto verified = Verify(password, claimed ? user->password_hash : dummy_hash_);
  if (!verified) return Fail(verified.error());
  const bool ok = claimed && *verified;

  Result<IssuedToken> out;
  store_.Transact([&](UnitOfWork& uow) {
    if (!ok) {
      uow.users().RecordAddressFailure(ctx.client_address, now);
      if (user) {
        auto fresh = uow.users().FindByEmail(user->email, true);
        int failures = (fresh ? fresh->failed_logins : 0) + 1;
        std::optional<TimePoint> lock;
        if (failures >= settings_.max_account_failures) {
          lock = now + std::chrono::duration_cast<std::chrono::milliseconds>(settings_.lock_duration);
          failures = 0;
        }
        uow.users().SetLoginFailures(user->id, failures, lock);
      }
      out = unauthorised();
      return true;  // the failure counters must be kept
    }
    // Re-read under a row lock: a lockout set by a concurrent failure must hold.
    auto fresh = uow.users().FindByEmail(user->email, true);
    if (fresh && fresh->locked_until && *fresh->locked_until > now) {
      out = RetryLater(ErrorCode::kTooManyAttempts, "Too many failed logins for this account; try again later.",
                       settings_.lock_duration);
      return true;
    }
    if (fresh && (fresh->failed_logins != 0 || fresh->locked_until))
      uow.users().SetLoginFailures(user->id, 0, std::nullopt);
    IssuedToken token{NewSecret(random_, kPersonTokenPrefix),
                      now + std::chrono::duration_cast<std::chrono::milliseconds>(
                                settings_.token_lifetime)};
    uow.users().InsertToken(Sha256Hex(token.token), user->id, now, token.expires_at);
    out = token;
    return true;
  });
  return out;
}

Result<Unit> AccountService::Logout(const RequestContext&, const std::string& token) {
  store_.Transact([&](UnitOfWork& uow) {
    uow.users().RevokeToken(Sha256Hex(token), clock_.Now());
    return true;
  });
  return Unit{};
}

Result<Principal> AccountService::Authenticate(const std::string& bearer) {
  const auto invalid = [] {
    return Error(ErrorCode::kUnauthenticated, "The token is missing, invalid or expired.");
  };
  if (bearer.size() < 8 || bearer.size() > 128) return invalid();
  Principal p;
  bool found = false;
  store_.Transact([&](UnitOfWork& uow) {
    if (bearer.starts_with(kAgencyKeyPrefix)) {
      if (auto code = uow.agencies().AgencyForKey(Sha256Hex(bearer))) {
        p.kind = Principal::Kind::kAgency;
        p.agency_code = *code;
        found = true;
      }
    } else if (auto user = uow.users().FindByToken(Sha256Hex(bearer), clock_.Now())) {
      p.kind = Principal::Kind::kUser;
      p.user_id = user->id;
      p.roles = user->roles;
      found = true;
    }
    return true;
  });
  if (!found) return invalid();
  return p;
}

Result<User> AccountService::Me(const RequestContext& ctx) {
  if (ctx.principal.kind != Principal::Kind::kUser)
    return Error(ErrorCode::kForbidden, "Only people have a profile.");
  std::optional<User> user;
  store_.Transact([&](UnitOfWork& uow) {
    user = uow.users().FindById(ctx.principal.user_id);
    return true;
  });
  if (!user) return Error(ErrorCode::kNotFound, "The account no longer exists.");
  return *user;
}

Result<bool> AccountService::BootstrapCoordinator(const std::string& email,
                                                  const std::string& password,
                                                  const std::string& name) {
  bool exists = false;
  store_.Transact([&](UnitOfWork& uow) {
    exists = uow.users().AnyCoordinator();
    return true;
  });
  if (exists) return false;
  RequestContext system;
  system.request_id = "bootstrap";
  NewAccount in{email, password, name, "", "fr", {}};
  auto created = Create(system, in, RoleBit(Role::kCoordinator) | RoleBit(Role::kTrainer), false);
  if (!created) return Fail(created.error());
  return true;
}

Result<Unit> AccountService::SetPasswordWithToken(const RequestContext& ctx, const std::string& token,
                                                  const std::string& password) {
  const std::string token_hash = Sha256Hex(token);
  // The token first, by a plain indexed read: a guess costs no hashing.
  std::optional<User> user;
  store_.Transact([&](UnitOfWork& uow) {
    auto id = uow.users().FindPasswordReset(token_hash, clock_.Now());
    user = id ? uow.users().FindById(*id) : std::nullopt;
    return true;
  });
  if (!user) return InvalidToken();
  if (auto msg = CheckPassword(password)) return Invalid({{"password", *msg}});
  auto hash = Hash(password);
  if (!hash) return Fail(hash.error());
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Unit> {
    // Consumed under its row lock: of two concurrent uses of one token, one sets the password.
    auto id = uow.users().ConsumePasswordReset(token_hash, clock_.Now());
    if (!id) return InvalidToken();
    uow.users().SetPasswordHash(*id, *hash);
    Audit(uow, ctx, clock_.Now(), "user.password_set", "user", *id, nullptr, nullptr);
    return Unit{};
  });
}

Result<Agency> AccountService::CreateAgency(const RequestContext& ctx, const Agency& in) {
  if (!ctx.principal.IsCoordinator()) return Forbidden();
  std::vector<FieldError> errors;
  if (!IsValidCode(in.code) || IsBuiltinChannel(in.code))
    errors.push_back({"code", "must be 1–32 letters, digits, '-' or '_', not DIRECT or SPECIALISED"});
  CheckText("name", in.name, 200, errors);
  if (!errors.empty()) return Invalid(errors);
  Result<Agency> out;
  store_.Transact([&](UnitOfWork& uow) {
    if (!uow.agencies().Insert(in, clock_.Now())) {
      out = Error(ErrorCode::kAlreadyExists, "An agency with this code already exists.");
      return false;
    }
    Audit(uow, ctx, clock_.Now(), "agency.created", "agency", 0, nullptr, ToJson(in));
    out = in;
    return true;
  });
  return out;
}

Result<Page<Agency>> AccountService::ListAgencies(const RequestContext& ctx) {
  if (!ctx.principal.IsCoordinator()) return Forbidden();
  Page<Agency> page;
  store_.Transact([&](UnitOfWork& uow) {
    page.items = uow.agencies().List();
    return true;
  });
  return page;
}

Result<AccountService::IssuedKey> AccountService::CreateAgencyKey(const RequestContext& ctx,
                                                                  const std::string& code) {
  if (!ctx.principal.IsCoordinator()) return Forbidden();
  std::string key = NewSecret(random_, kAgencyKeyPrefix);
  Result<IssuedKey> out;
  store_.Transact([&](UnitOfWork& uow) {
    if (!uow.agencies().Find(code)) {
      out = Error(ErrorCode::kNotFound, "No agency has this code.");
      return false;
    }
    Id id = uow.agencies().InsertKey(code, Sha256Hex(key), clock_.Now());
    Audit(uow, ctx, clock_.Now(), "agency_key.created", "agency_key", id, nullptr,
          {{"agency", code}});
    out = IssuedKey{id, key};
    return true;
  });
  return out;
}

Result<Unit> AccountService::RevokeAgencyKey(const RequestContext& ctx, const std::string& code, Id key_id) {
  if (!ctx.principal.IsCoordinator()) return Forbidden();
  Result<Unit> out;
  store_.Transact([&](UnitOfWork& uow) {
    if (!uow.agencies().RevokeKey(code, key_id, clock_.Now())) {
      out = Error(ErrorCode::kNotFound, "This agency has no valid key with this id.");
      return false;
    }
    Audit(uow, ctx, clock_.Now(), "agency_key.revoked", "agency_key", key_id, nullptr, {{"agency", code}});
    out = Unit{};
    return true;
  });
  return out;
}

}  // namespace parcours
