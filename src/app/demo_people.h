#pragma once
// The people of the demo (deploy/run.sh): a trainer and a participant halfway through the LTAS
// pathway (four modules attended in the past weeks, the fifth booked), made through the
// services on a clock moved through that history. Loaded once; needs the demo catalogue.
#include <string>

#include "common/clock.h"
#include "common/random.h"
#include "domain/repositories.h"
#include "services/account_service.h"

namespace parcours::app {

struct DemoPeople {
  std::string coordinator_email, coordinator_password;
  std::string participant_email = "participant@parcours.local";
  std::string participant_password;
  std::string trainer_email = "trainer@parcours.local";
  std::string trainer_password;
};

// Returns a process exit code (0 also when the people exist already).
int LoadDemoPeople(Store& store, const Clock& real_clock, RandomSource& random, HashingGate& gate,
                   const AccountSettings& account_settings, const DemoPeople& people);

}  // namespace parcours::app
