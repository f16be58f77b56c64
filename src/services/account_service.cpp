#include "services/account_service.h"

#include <algorithm>

#include "common/text.h"
#include "domain/password_policy.h"
#include "domain/rules.h"
#include "services/audit.h"
#include "services/notifications.h"
#include "services/views.h"

namespace parcours {
namespace {
constexpr std::string_view kPersonTokenPrefix = "pt_";
constexpr std::string_view kAgencyKeyPrefix = "pak_";
constexpr std::string_view kUnlockTokenPrefix = "unl_";
constexpr std::string_view kResetTokenPrefix = "pwr_";
constexpr std::string_view kCalendarTokenPrefix = "cal_";
// Password-reset requests share the sign-up pace table, under their own keys.
std::string ResetPaceKey(const std::string& address) { return "reset " + address; }

std::chrono::milliseconds Ms(std::chrono::seconds s) { return s; }

// An address the account logged in from, hashed with the account: the table shows neither.
std::string KnownAddressHash(Id user_id, const std::string& address) {
  return Sha256Hex("known-address\n" + std::to_string(user_id) + "\n" + address);
}

// The same answer for the pair's wait and the address's, known e-mail or not.
Unexpected<DomainError> TooManyLogins(TimePoint until, TimePoint now) {
  return RetryLater(ErrorCode::kTooManyAttempts, "Too many failed logins; try again later.", SecondsUntil(until, now));
}

Unexpected<DomainError> TooManySignups(std::chrono::seconds retry_after) {
  return RetryLater(ErrorCode::kTooManyAttempts,
                    "Too many accounts were created from this address; try again later.", retry_after);
}

Unexpected<DomainError> InvalidToken() { return Invalid({{"token", "is unknown, used or expired"}}); }
}  // namespace

std::string LoginEmailHash(const std::string& email) { return Sha256Hex("login-email\n" + email); }

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
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
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
  // The password may not contain the e-mail or the name, as typed when the e-mail is invalid.
  if (auto msg = CheckPassword(in.password, {email.value_or(in.email), in.name}))
    errors.push_back({"password", *msg});
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
    Audit(uow, ctx, now, "user.created", "user", *id, nullptr, ToJson(created), *id);
    return created;
  });
}

Result<IssuedToken> AccountService::Login(const RequestContext& ctx, const std::string& email_in,
                                          const std::string& password) {
  const TimePoint now = clock_.Now();
  const auto email = NormaliseEmail(email_in);
  // Counters are keyed by the e-mail's hash whether an account has it or not (malformed ones
  // too), so that throttling tells nothing about which accounts exist.
  const std::string email_hash = LoginEmailHash(email ? *email : AsciiLower(Trim(email_in)));
  const std::string address = ClientAddressKey(ctx.client_address);

  // The throttles first, by plain reads, before any hashing.
  std::optional<TimePoint> blocked;
  std::optional<User> user;
  store_.Transact([&](UnitOfWork& uow) {
    blocked = LoginBlockedUntil(uow, email_hash, address, now);
    user = email && !blocked ? uow.users().FindByEmail(*email, false) : std::nullopt;
    return true;
  });
  if (blocked) return TooManyLogins(*blocked, now);

  // Unknown e-mails and unclaimed accounts verify the dummy hash: the same work, the same time.
  const bool claimed = user && !user->password_hash.empty();
  auto verified = Verify(password, claimed ? user->password_hash : dummy_hash_);
  if (!verified) return Fail(verified.error());

  if (!claimed || !*verified) {
    store_.Transact([&](UnitOfWork& uow) {
      auto& guard = uow.logins();
      guard.SaveBackoff(email_hash, address,
                        AfterFailure(guard.FindBackoff(email_hash, address, true), now, settings_.backoff));
      guard.RecordFailure(email_hash, address, now);
      return true;
    });
    return Error(ErrorCode::kUnauthenticated, "The e-mail or the password is wrong.");
  }

  Result<IssuedToken> out;
  store_.Transact([&](UnitOfWork& uow) {
    auto& guard = uow.logins();
    // A failure of this pair committed since the first read may have started a wait: it holds.
    if (auto until = BlockedUntil(guard.FindBackoff(email_hash, address, true), now)) {
      out = TooManyLogins(*until, now);
      return false;
    }
    const std::string known = KnownAddressHash(user->id, address);
    if (!guard.IsKnownAddress(user->id, known)) {
      const auto spread = guard.FailuresAgainst(email_hash, now - settings_.attack_window);
      if (spread.failures >= settings_.attack_failures && spread.addresses >= settings_.attack_addresses) {
        // The owner is never locked out, but a guesser who found the password from a new address
        // must also hold the mailbox. One mail per interval: the previous link still works.
        auto latest = guard.LatestUnlock(user->id);
        if (!latest || *latest <= now - settings_.unlock_mail_interval) {
          const std::string token = NewSecret(random_, kUnlockTokenPrefix);
          guard.InsertUnlock({Sha256Hex(token), user->id, known, now, now + Ms(settings_.unlock_lifetime)});
          Notifier(uow).LoginUnlock(*user, settings_.public_url + "/login/unlock?token=" + token, now);
          Audit(uow, ctx, now, "user.login_held", "user", user->id, nullptr, nullptr, user->id);
        }
        out = Error(ErrorCode::kLoginConfirmationSent,
                    "This account has met many failed logins, and this address has not been used with it "
                    "before: to confirm that it is you, open the link we sent to the account's e-mail address.");
        return true;  // the link and its mail are kept
      }
    }
    guard.ClearBackoff(email_hash, address);
    guard.RememberAddress(user->id, known, now);
    out = NewToken(uow, user->id, now);
    return true;
  });
  return out;
}

Result<IssuedToken> AccountService::Unlock(const RequestContext& ctx, const std::string& token) {
  const TimePoint now = clock_.Now();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<IssuedToken> {
    auto unlock = uow.logins().ConsumeUnlock(Sha256Hex(token), now);
    if (!unlock) return InvalidToken();
    // The address where the password was given, and the one that opened the link (usually the
    // same), log in directly from now on.
    uow.logins().RememberAddress(unlock->user_id, unlock->address_hash, now);
    uow.logins().RememberAddress(unlock->user_id,
                                 KnownAddressHash(unlock->user_id, ClientAddressKey(ctx.client_address)), now);
    Audit(uow, ctx, now, "user.login_confirmed", "user", unlock->user_id, nullptr, nullptr, unlock->user_id);
    return NewToken(uow, unlock->user_id, now);
  });
}

int AccountService::PurgeExpired(int limit) {
  const TimePoint now = clock_.Now();
  LoginGuardRepository::PurgeCutoffs cutoffs;
  cutoffs.now = now;
  cutoffs.failures_before = now - Ms(std::max(settings_.address_window, settings_.attack_window));
  cutoffs.backoff_before = now - Ms(settings_.backoff.forget_after);
  cutoffs.known_before = now - Ms(settings_.known_address_retention);
  int purged = 0;
  store_.Transact([&](UnitOfWork& uow) {
    purged = uow.logins().Purge(cutoffs, limit) + uow.users().PurgeTokens(now, limit);
    return true;
  });
  return purged;
}

IssuedToken AccountService::NewToken(UnitOfWork& uow, Id user_id, TimePoint now) {
  IssuedToken token{NewSecret(random_, kPersonTokenPrefix), now + Ms(settings_.token_lifetime)};
  uow.users().InsertToken(Sha256Hex(token.token), user_id, now, token.expires_at);
  return token;
}

std::optional<TimePoint> AccountService::LoginBlockedUntil(UnitOfWork& uow, const std::string& email_hash,
                                                           const std::string& address, TimePoint now) {
  auto until = BlockedUntil(uow.logins().FindBackoff(email_hash, address, false), now);
  // Over the address's limit until its max-th latest failure leaves the window.
  if (auto nth = uow.logins().NthLatestAddressFailure(address, now - Ms(settings_.address_window),
                                                      settings_.max_address_failures)) {
    const TimePoint address_until = *nth + Ms(settings_.address_window);
    if (address_until > now && (!until || address_until > *until)) until = address_until;
  }
  return until;
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

Result<SignedInPerson> AccountService::AuthenticatePerson(const std::string& token) {
  if (token.size() < 8 || token.size() > 128 || token.starts_with(kAgencyKeyPrefix))
    return Error(ErrorCode::kUnauthenticated, "The token is missing, invalid or expired.");
  std::optional<VersionedUser> found;
  store_.Transact([&](UnitOfWork& uow) {
    found = uow.users().FindByTokenVersioned(Sha256Hex(token), clock_.Now());
    return true;
  });
  if (!found) return Error(ErrorCode::kUnauthenticated, "The token is missing, invalid or expired.");
  SignedInPerson out;
  out.principal.kind = Principal::Kind::kUser;
  out.principal.user_id = found->user.id;
  out.principal.roles = found->user.roles;
  out.user = std::move(found->user);
  out.version = found->version;
  out.token_expires_at = found->token_expires_at;
  return out;
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
  if (!created && created.error().code == ErrorCode::kAlreadyExists) {
    // Several servers started together and another one created it meanwhile.
    store_.Transact([&](UnitOfWork& uow) {
      exists = uow.users().AnyCoordinator();
      return true;
    });
    if (exists) return false;
  }
  if (!created) return Fail(created.error());
  return true;
}

Result<std::pair<User, std::string>> AccountService::PrepareTokenPassword(const std::string& token_hash,
                                                                         const std::string& password) {
  // The token first, by a plain indexed read: a guess costs no hashing.
  std::optional<User> user;
  store_.Transact([&](UnitOfWork& uow) {
    auto id = uow.users().FindPasswordReset(token_hash, clock_.Now());
    user = id ? uow.users().FindById(*id) : std::nullopt;
    return true;
  });
  if (!user) return InvalidToken();
  if (auto msg = CheckPassword(password, {user->email, user->name})) return Invalid({{"password", *msg}});
  auto hash = Hash(password);
  if (!hash) return Fail(hash.error());
  return std::pair<User, std::string>{*user, *hash};
}

Result<Unit> AccountService::SetPasswordWithToken(const RequestContext& ctx, const std::string& token,
                                                  const std::string& password) {
  const std::string token_hash = Sha256Hex(token);
  auto prepared = PrepareTokenPassword(token_hash, password);
  if (!prepared) return Fail(prepared.error());
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Unit> {
    // Consumed under its row lock: of two concurrent uses of one token, one sets the password.
    auto id = uow.users().ConsumePasswordReset(token_hash, clock_.Now());
    if (!id) return InvalidToken();
    uow.users().SetPasswordHash(*id, prepared->second);
    Audit(uow, ctx, clock_.Now(), "user.password_set", "user", *id, nullptr, nullptr);
    return Unit{};
  });
}

Result<IssuedToken> AccountService::SetPasswordAndSignIn(const RequestContext& ctx, const std::string& token,
                                                         const std::string& password) {
  const std::string token_hash = Sha256Hex(token);
  auto prepared = PrepareTokenPassword(token_hash, password);
  if (!prepared) return Fail(prepared.error());
  return Transact(store_, [&](UnitOfWork& uow) -> Result<IssuedToken> {
    const TimePoint now = clock_.Now();
    auto id = uow.users().ConsumePasswordReset(token_hash, now);
    if (!id) return InvalidToken();
    uow.users().SetPasswordHash(*id, prepared->second);
    uow.users().RevokeTokensOf(*id, now);
    uow.logins().RememberAddress(*id, KnownAddressHash(*id, ClientAddressKey(ctx.client_address)), now);
    Audit(uow, ctx, now, "user.password_set", "user", *id, nullptr, nullptr);
    return NewToken(uow, *id, now);
  });
}

bool AccountService::PasswordTokenUsable(const std::string& token) {
  if (token.empty() || token.size() > 200) return false;
  bool usable = false;
  store_.Transact([&](UnitOfWork& uow) {
    usable = uow.users().FindPasswordReset(Sha256Hex(token), clock_.Now()).has_value();
    return true;
  });
  return usable;
}

Result<Unit> AccountService::RequestPasswordReset(const RequestContext& ctx, const std::string& email_in) {
  const TimePoint now = clock_.Now();
  const std::string key = ResetPaceKey(ClientAddressKey(ctx.client_address));
  const auto email = NormaliseEmail(email_in);
  // The same work whether the e-mail has an account or not: the pace is counted, the account
  // looked up, and a mail written only when there is one (in the outbox: sent later).
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Unit> {
    auto d = Pace(uow.logins().LockSignupPace(key, now), now, settings_.reset_requests);
    if (!d.allowed)
      return RetryLater(ErrorCode::kTooManyAttempts, "Too many password resets were asked from this address; try again later.",
                        d.retry_after);
    uow.logins().SetSignupPace(key, d.next_tat);
    auto user = email ? uow.users().FindByEmail(*email, true) : std::nullopt;
    if (!user) return Unit{};
    auto latest = uow.users().LatestPasswordReset(user->id);
    if (latest && *latest > now - Ms(settings_.reset_mail_interval)) return Unit{};  // the previous link still works
    const std::string token = NewSecret(random_, kResetTokenPrefix);
    uow.users().InsertPasswordReset(Sha256Hex(token), user->id, now, now + Ms(settings_.reset_lifetime));
    Notifier(uow).PasswordReset(*user, settings_.public_url + "/password/reset?token=" + token, now);
    Audit(uow, ctx, now, "user.password_reset_requested", "user", user->id, nullptr, nullptr);
    return Unit{};
  });
}

Result<User> AccountService::UpdateProfile(const RequestContext& ctx, const std::string& name,
                                           const std::string& organisation, const std::string& language) {
  if (ctx.principal.kind != Principal::Kind::kUser) return Error(ErrorCode::kForbidden, "Only people have a profile.");
  std::vector<FieldError> errors;
  CheckText("name", name, 200, errors);
  CheckText("organisation", organisation, 200, errors, false);
  if (!IsSupportedLanguage(language)) errors.push_back({"language", "must be fr, de or en"});
  if (!errors.empty()) return Invalid(errors);
  return Transact(store_, [&](UnitOfWork& uow) -> Result<User> {
    auto before = uow.users().FindById(ctx.principal.user_id);
    if (!before) return Error(ErrorCode::kNotFound, "The account no longer exists.");
    User after = *before;
    after.name = std::string(Trim(name));
    after.organisation = std::string(Trim(organisation));
    after.language = language;
    uow.users().UpdateProfile(after.id, after.name, after.organisation, after.language);
    Audit(uow, ctx, clock_.Now(), "user.profile_updated", "user", after.id, ToJson(*before), ToJson(after));
    return after;
  });
}

Result<std::string> AccountService::RenewCalendarFeed(const RequestContext& ctx) {
  if (ctx.principal.kind != Principal::Kind::kUser) return Error(ErrorCode::kForbidden, "Only people have a calendar.");
  const std::string token = NewSecret(random_, kCalendarTokenPrefix);
  return Transact(store_, [&](UnitOfWork& uow) -> Result<std::string> {
    const TimePoint now = clock_.Now();
    const bool had = uow.users().CalendarFeedCreated(ctx.principal.user_id).has_value();
    uow.users().SaveCalendarFeed(ctx.principal.user_id, Sha256Hex(token), now);
    Audit(uow, ctx, now, had ? "calendar_feed.renewed" : "calendar_feed.created", "user", ctx.principal.user_id,
          nullptr, nullptr);
    return token;
  });
}

Result<Unit> AccountService::RevokeCalendarFeed(const RequestContext& ctx) {
  if (ctx.principal.kind != Principal::Kind::kUser) return Error(ErrorCode::kForbidden, "Only people have a calendar.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Unit> {
    if (uow.users().DeleteCalendarFeed(ctx.principal.user_id))
      Audit(uow, ctx, clock_.Now(), "calendar_feed.revoked", "user", ctx.principal.user_id, nullptr, nullptr);
    return Unit{};
  });
}

Result<std::optional<TimePoint>> AccountService::CalendarFeedSince(const RequestContext& ctx) {
  if (ctx.principal.kind != Principal::Kind::kUser) return Error(ErrorCode::kForbidden, "Only people have a calendar.");
  std::optional<TimePoint> since;
  store_.Transact([&](UnitOfWork& uow) {
    since = uow.users().CalendarFeedCreated(ctx.principal.user_id);
    return true;
  });
  return since;
}

Result<Principal> AccountService::CalendarFeedOwner(const std::string& token) {
  const auto unknown = [] { return Error(ErrorCode::kNotFound, "No calendar has this address."); };
  if (!token.starts_with(kCalendarTokenPrefix) || token.size() > 128) return unknown();
  std::optional<User> user;
  store_.Transact([&](UnitOfWork& uow) {
    auto id = uow.users().CalendarFeedUser(Sha256Hex(token));
    user = id ? uow.users().FindById(*id) : std::nullopt;
    return true;
  });
  if (!user) return unknown();
  Principal p;
  p.kind = Principal::Kind::kUser;
  p.user_id = user->id;
  p.roles = user->roles;
  return p;
}

Result<Agency> AccountService::CreateAgency(const RequestContext& ctx, const Agency& in) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
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
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  Page<Agency> page;
  store_.Transact([&](UnitOfWork& uow) {
    page.items = uow.agencies().List();
    return true;
  });
  return page;
}

Result<std::vector<AgencyKey>> AccountService::ListAgencyKeys(const RequestContext& ctx, const std::string& code) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  std::vector<AgencyKey> keys;
  store_.Transact([&](UnitOfWork& uow) {
    keys = uow.agencies().ListKeys(code);
    return true;
  });
  return keys;
}

Result<AccountService::IssuedKey> AccountService::CreateAgencyKey(const RequestContext& ctx,
                                                                  const std::string& code) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
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
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
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

Result<User> AccountService::GetUser(const RequestContext& ctx, Id id) {
  const Principal& who = ctx.principal;
  if (!who.IsCoordinator() && !(who.kind == Principal::Kind::kUser && who.user_id == id))
    return Error(ErrorCode::kNotFound, "No person you may see has this id.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<User> {
    if (auto user = uow.users().FindById(id); user && !IsErased(*user)) return *user;
    return Error(ErrorCode::kNotFound, "No person you may see has this id.");
  });
}

Result<Agency> AccountService::GetAgency(const RequestContext& ctx, const std::string& code) {
  const Principal& who = ctx.principal;
  if (!who.IsCoordinator() && !(who.kind == Principal::Kind::kAgency && who.agency_code == code)) return CoordinatorsOnly();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Agency> {
    if (auto agency = uow.agencies().Find(code)) return *agency;
    return Error(ErrorCode::kNotFound, "No agency has this code.");
  });
}

}  // namespace parcours
