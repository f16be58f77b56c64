// Unit tests of DatabaseUrl (src/storage/connection_pool.h), the pure parsing of
// mysql:// URLs. No connection is made.
#include "storage/connection_pool.h"

#include <catch2/catch.hpp>
#include <string>

namespace parcours {

TEST_CASE("connection_pool: a TCP URL with a port parses", "[connection_pool]") {
  auto u = DatabaseUrl::Parse("mysql://parcours:secret@db.example.lu:3307/parcours");
  REQUIRE(u);
  CHECK(u->user == "parcours");
  CHECK(u->password == "secret");
  CHECK(u->host == "db.example.lu");
  CHECK(u->port == 3307);
  CHECK(u->socket.empty());
  CHECK(u->database == "parcours");
}

TEST_CASE("connection_pool: the port defaults to 3306", "[connection_pool]") {
  auto u = DatabaseUrl::Parse("mysql://parcours:secret@127.0.0.1/parcours_test");
  REQUIRE(u);
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == 3306);
  CHECK(u->database == "parcours_test");
}

TEST_CASE("connection_pool: password and database may be empty", "[connection_pool]") {
  auto no_password = DatabaseUrl::Parse("mysql://root@localhost/parcours");
  REQUIRE(no_password);
  CHECK(no_password->user == "root");
  CHECK(no_password->password.empty());

  auto empty_password = DatabaseUrl::Parse("mysql://root:@localhost/parcours");
  REQUIRE(empty_password);
  CHECK(empty_password->password.empty());

  // The admin URL of the test tiers names no database.
  auto admin = DatabaseUrl::Parse("mysql://parcours_test:pw@127.0.0.1:33061/");
  REQUIRE(admin);
  CHECK(admin->port == 33061);
  CHECK(admin->database.empty());
}

TEST_CASE("connection_pool: the unix(/path) form names a socket", "[connection_pool]") {
  auto u = DatabaseUrl::Parse("mysql://parcours:secret@unix(/run/mysqld/mysqld.sock)/parcours");
  REQUIRE(u);
  CHECK(u->socket == "/run/mysqld/mysqld.sock");
  CHECK(u->host.empty());
  CHECK(u->user == "parcours");
  CHECK(u->password == "secret");
  CHECK(u->database == "parcours");
}

TEST_CASE("connection_pool: user and password are percent-decoded", "[connection_pool]") {
  auto u = DatabaseUrl::Parse("mysql://app%2Duser:p%40ss%2Fw%3Ard%25%3a@db:3306/parcours");
  REQUIRE(u);
  CHECK(u->user == "app-user");
  CHECK(u->password == "p@ss/w:rd%:");
}

TEST_CASE("connection_pool: invalid URLs are refused", "[connection_pool]") {
  for (const char* url : {
           "",
           "parcours",
           "postgres://u:p@db/parcours",
           "mysql://db/parcours",  // no user
           "mysql://u:p@db",       // no database part
           "mysql://u:p@db:port/parcours",
           "mysql://u:p@db:123456/parcours",
           "mysql://u:p@db:/parcours",
           "mysql://u:p@db/par-cours",
           "mysql://u:p@db/parcours/extra",
           "mysql://u:p@db/parcours?ssl=1",
           "mysql://u:p@unix()/parcours",
           "mysql://u:p@/parcours",
           "mysql://u:p@x@db/parcours",  // '@' in the password must be encoded
           "mysql://:p@db/parcours",
           " mysql://u:p@db/parcours",
       }) {
    INFO("url '" << url << "'");
    CHECK_FALSE(DatabaseUrl::Parse(url));
  }
}

TEST_CASE("connection_pool: ports outside 1..65535 are refused", "[connection_pool]") {
  CHECK_FALSE(DatabaseUrl::Parse("mysql://u:p@db:0/parcours"));
  CHECK_FALSE(DatabaseUrl::Parse("mysql://u:p@db:65536/parcours"));
  CHECK_FALSE(DatabaseUrl::Parse("mysql://u:p@db:99999/parcours"));
  auto max = DatabaseUrl::Parse("mysql://u:p@db:65535/parcours");
  REQUIRE(max);
  CHECK(max->port == 65535);
}

TEST_CASE("connection_pool: bad percent escapes are refused, not thrown", "[connection_pool]") {
  for (const char* url :
       {"mysql://u:%zz@db/parcours", "mysql://u:%4g@db/parcours", "mysql://u:ab%4@db/parcours",
        "mysql://u:ab%@db/parcours", "mysql://u%@db/parcours", "mysql://u:%+1@db/parcours",
        "mysql://u:% 1@db/parcours"}) {
    INFO("url '" << url << "'");
    std::optional<DatabaseUrl> u;
    CHECK_NOTHROW(u = DatabaseUrl::Parse(url));
    CHECK_FALSE(u);
  }
}

TEST_CASE("connection_pool: Redacted hides the password", "[connection_pool]") {
  auto tcp = DatabaseUrl::Parse("mysql://parcours:secret@db.example.lu:3307/parcours");
  REQUIRE(tcp);
  CHECK(tcp->Redacted() == "mysql://parcours:***@db.example.lu:3307/parcours");
  auto sock = DatabaseUrl::Parse("mysql://parcours:secret@unix(/run/mysqld/mysqld.sock)/parcours");
  REQUIRE(sock);
  CHECK(sock->Redacted() == "mysql://parcours:***@unix(/run/mysqld/mysqld.sock)/parcours");
}

TEST_CASE("connection_pool: several addresses name a cluster's nodes, the first preferred", "[connection_pool]") {
  auto u = DatabaseUrl::Parse("mysql://parcours:secret@127.0.0.1:3401,127.0.0.1:3402,db3.example.lu/parcours");
  REQUIRE(u);
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == 3401);
  REQUIRE(u->fallbacks.size() == 2);
  CHECK(u->fallbacks[0] == std::pair<std::string, int>{"127.0.0.1", 3402});
  CHECK(u->fallbacks[1] == std::pair<std::string, int>{"db3.example.lu", 3306});
  CHECK(u->AddressCount() == 3);
  CHECK(u->Address(2) == "db3.example.lu:3306");
  CHECK(u->Redacted() == "mysql://parcours:***@127.0.0.1:3401,127.0.0.1:3402,db3.example.lu:3306/parcours");
  CHECK(DatabaseUrl::Parse("mysql://u:p@a:1,,b:2/db") == std::nullopt);
  CHECK(DatabaseUrl::Parse("mysql://u:p@a:1,b:70000/db") == std::nullopt);
  CHECK(DatabaseUrl::Parse("mysql://u:p@a:1,/db") == std::nullopt);
}

}  // namespace parcours
