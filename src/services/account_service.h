#pragma once
// Accounts, authentication and agencies: sign-up, login with throttling, bearer tokens
// (stored hashed, expiring, revocable), staff accounts, agency API keys.
//
// Every password hash (scrypt) goes through the process's HashingGate, and runs only once the
// cheap checks have passed: an anonymous caller cannot make the server hash at will. Sign-ups
// are paced per client address in the database, so several processes share the pace.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "domain/throttle.h"
#include "services/crypto.h"
#include "services/hashing_gate.h"
#include "services/pagination.h"

namespace parcours {

struct AccountSettings {
  ScryptParams scrypt;
  std::chrono::seconds token_lifetime{std::chrono::hours(12)};
  // Failed logins: per (e-mail, client address), 5 free, then 1 min doubling up to 1 h...
  BackoffPolicy backoff;
  // ...and per client address, whatever the e-mails.
  int max_address_failures = 50;
  std::chrono::seconds address_window{std::chrono::minutes(15)};
  // An account is under attack when, within attack_window, it met at least attack_failures
  // failed logins from at least attack_addresses addresses. Then a correct password from an
  // address it never logged in from gets an e-mailed unlock link instead of a token.
  int attack_failures = 10;
  int attack_addresses = 3;
  std::chrono::seconds attack_window{std::chrono::hours(1)};
  std::chrono::seconds unlock_lifetime{std::chrono::minutes(30)};
  std::chrono::seconds unlock_mail_interval{std::chrono::minutes(5)};  // at most one mail per account
  std::chrono::seconds known_address_retention{std::chrono::hours(24 * 180)};
  std::string public_url;  // the unlock link is {public_url}/login/unlock?token=...
  PacePolicy signups;  // self sign-ups per client address: 10 per hour
  // "Forgot password": the e-mailed link lasts an hour; at most one mail per account per
  // interval (the previous link still works), and requests are paced per client address.
  std::chrono::seconds reset_lifetime{std::chrono::hours(1)};
  std::chrono::seconds reset_mail_interval{std::chrono::minutes(5)};
  PacePolicy reset_requests{5, std::chrono::seconds(3600)};
};

struct NewAccount {
  std::string email;
  std::string password;
  std::string name;
  std::string organisation;
  std::string language = "fr";
  std::vector<std::string> roles;  // POST /users only
};

struct IssuedToken {
  std::string token;
  TimePoint expires_at;
};

// The key of the login throttling rows of an e-mail (normalised, or as typed when invalid):
// its SHA-256, so that the rows tell nothing about which accounts exist.
std::string LoginEmailHash(const std::string& email);

// A signed-in person as one read finds them (AccountService::AuthenticatePerson).
struct SignedInPerson {
  Principal principal;
  User user;
  std::int64_t version = 0;
  TimePoint token_expires_at;
};

class AccountService {
 public:
  AccountService(Store& store, const Clock& clock, RandomSource& random, HashingGate& gate,
                 AccountSettings settings)
      : store_(store),
        clock_(clock),
        random_(random),
        gate_(gate),
        settings_(settings),
        dummy_hash_(HashPassword("parcours-dummy", random, settings.scrypt)) {}

  Result<User> CreateAccount(const RequestContext& ctx, const NewAccount& in);
  Result<User> CreateStaff(const RequestContext& ctx, const NewAccount& in);
  // Throttled per (e-mail, address) and per address, the same way for unknown e-mails. While
  // the account is under attack, a correct password from an address the account never logged
  // in from answers kLoginConfirmationSent and e-mails an unlock link instead of a token.
  Result<IssuedToken> Login(const RequestContext& ctx, const std::string& email,
                            const std::string& password);
  // Redeems an e-mailed unlock link (once, within 30 minutes) for a bearer token; the address
  // of the held-back login and the caller's become known to the account.
  Result<IssuedToken> Unlock(const RequestContext& ctx, const std::string& token);
  // Deletes throttling rows no rule reads any more, expired tokens and unlock links, at most
  // `limit` of each kind; the scheduler's pass calls it. Returns how many rows went.
  int PurgeExpired(int limit = 10000);
  Result<Unit> Logout(const RequestContext& ctx, const std::string& token);
  // Resolves a bearer token (person token or agency key) to the caller.
  Result<Principal> Authenticate(const std::string& bearer);
  Result<User> Me(const RequestContext& ctx);
  // A person signed in with `token` (a browser's session): their principal, profile and version
  // (what their own pages show, 0016_person_version.sql), in one read. Unauthenticated otherwise.
  Result<SignedInPerson> AuthenticatePerson(const std::string& token);
  // Creates the coordinator if no coordinator exists; false when one already existed.
  Result<bool> BootstrapCoordinator(const std::string& email, const std::string& password,
                                    const std::string& name);

  // Sets a password with a one-time token (an account an agency created, or a reset).
  Result<Unit> SetPasswordWithToken(const RequestContext& ctx, const std::string& token,
                                    const std::string& password);

  // "Forgot password": when an account has this e-mail, a one-time link to choose a new
  // password ({public_url}/password/reset?token=..., valid reset_lifetime) is e-mailed. The
  // answer is the same whether the address has an account or not; only the client address's
  // pace (kTooManyAttempts) is told, and it is counted for every request alike.
  Result<Unit> RequestPasswordReset(const RequestContext& ctx, const std::string& email);
  // Whether a one-time token (reset or claim link) can still be used: a cheap read, no hashing.
  bool PasswordTokenUsable(const std::string& token);
  // Sets a password with a one-time token and signs the person in: every other session of the
  // account ends, and the caller's address becomes known to the account.
  Result<IssuedToken> SetPasswordAndSignIn(const RequestContext& ctx, const std::string& token,
                                           const std::string& password);
  // The caller's own profile: name, organisation, preferred language (fr, de, en). Audited.
  Result<User> UpdateProfile(const RequestContext& ctx, const std::string& name, const std::string& organisation,
                             const std::string& language);
  // The caller's calendar subscription: a new secret (replacing any previous one; shown once,
  // stored hashed), its creation time, or none after revocation.
  Result<std::string> RenewCalendarFeed(const RequestContext& ctx);
  Result<Unit> RevokeCalendarFeed(const RequestContext& ctx);
  Result<std::optional<TimePoint>> CalendarFeedSince(const RequestContext& ctx);
  // The person a calendar secret belongs to (kNotFound for an unknown or revoked one).
  Result<Principal> CalendarFeedOwner(const std::string& token);

  Result<Agency> CreateAgency(const RequestContext& ctx, const Agency& in);
  Result<Page<Agency>> ListAgencies(const RequestContext& ctx);
  struct IssuedKey {
    Id id = 0;
    std::string key;  // shown once; only its hash is stored
  };
  // Several keys may be valid at once, so an agency can rotate without a gap.
  Result<IssuedKey> CreateAgencyKey(const RequestContext& ctx, const std::string& code);
  Result<Unit> RevokeAgencyKey(const RequestContext& ctx, const std::string& code, Id key_id);
  // An agency's keys, newest first (coordinators): ids and dates, never a key.
  Result<std::vector<AgencyKey>> ListAgencyKeys(const RequestContext& ctx, const std::string& code);
  // A person: for themself and coordinators (404 otherwise, so ids reveal nothing).
  Result<User> GetUser(const RequestContext& ctx, Id id);
  // An agency: for coordinators and that agency's keys.
  Result<Agency> GetAgency(const RequestContext& ctx, const std::string& code);

 private:
  Result<User> Create(const RequestContext& ctx, const NewAccount& in, unsigned roles, bool paced);
  // scrypt through the gate: kBusy when no slot comes free in time.
  Result<std::string> Hash(const std::string& password);
  // Checks and hashes a new password for a one-time token's account; the account it is for.
  Result<std::pair<User, std::string>> PrepareTokenPassword(const std::string& token_hash, const std::string& password);
  Result<bool> Verify(const std::string& password, const std::string& stored);
  IssuedToken NewToken(UnitOfWork& uow, Id user_id, TimePoint now);
  // When the (e-mail, address) pair or the address must wait, if it must.
  std::optional<TimePoint> LoginBlockedUntil(UnitOfWork& uow, const std::string& email_hash,
                                             const std::string& address, TimePoint now);

  Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  HashingGate& gate_;
  AccountSettings settings_;
  std::string dummy_hash_;  // verified against unknown e-mails so timing does not tell
};

}  // namespace parcours
