// The reference of bench/reads.sh: a bare Pistache HTTP server answering every GET with a
// small JSON body, nothing else (no routing, no database, no logging). It measures what the
// machine, the kernel and Pistache's TCP layer can do, against which Parcours' reads are
// compared in the same run. Pistache keeps a connection open only for a request that says
// "Connection: keep-alive" (it answers "Connection: Close" to an HTTP/1.1 request without the
// header, whatever the handler sets), so bench/reads.sh sends that header to this server alone.
// Usage: bare_server PORT_FILE [THREADS]   (binds 127.0.0.1 on a free port, writes it to PORT_FILE)
#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <csignal>
#include <fstream>
#include <string>

using namespace Pistache;

namespace {

class Bare : public Http::Handler {
 public:
  HTTP_PROTOTYPE(Bare)
  void onRequest(const Http::Request&, Http::ResponseWriter response) override {
    response.send(Http::Code::Ok, "{\"status\":\"ok\"}", MIME(Application, Json));
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const int threads = argc > 2 ? std::stoi(argv[2]) : 2;
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  Http::Endpoint endpoint(Address(IP::loopback(), Port(0)));
  endpoint.init(Http::Endpoint::options().threads(threads).flags(Tcp::Options::ReuseAddr));
  endpoint.setHandler(Http::make_handler<Bare>());
  endpoint.serveThreaded();
  std::ofstream(argv[1]) << endpoint.getPort() << "\n";
  int sig = 0;
  sigwait(&signals, &sig);
  endpoint.shutdown();
  return 0;
}
