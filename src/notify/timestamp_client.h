#pragma once
// An RFC 3161 timestamp authority reached over HTTP (libcurl): POSTs the request
// (application/timestamp-query) and returns the DER response, for PAdES B-T signatures.
#include <string>

#include "certificates/certificates.h"

namespace parcours {

certificates::TimestampAuthority HttpTimestampAuthority(std::string url);

}  // namespace parcours
