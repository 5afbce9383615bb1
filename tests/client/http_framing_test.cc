// HTTP response framing against small scripted servers: a body that runs to the close is a
// complete response (not an EOF loss), and interim 1xx responses answer no request.
#include <memory>
#include <string>

#include "client/load_run.h"
#include "gtest/gtest.h"
#include "tests/client/load_run_testing.h"
#include "tests/client/scripted_server.h"

namespace client {
namespace {

using client_testing::LoopbackOptions;
using client_testing::RunChecked;

using client_testing::ScriptedServer;

ClientOptions HttpOptions(uint16_t port, int connections, uint64_t requests) {
  ClientOptions o = LoopbackOptions(port, connections);
  o.protocol = ClientProtocol::kHttp;
  o.requests = requests;
  o.duration = absl::Seconds(10);  // a bound: the runs end at their request count
  o.timeout = absl::Seconds(2);
  return o;
}

// Removes the complete requests (each ends with an empty line) at the front of `buffer`.
int TakeRequests(std::string& buffer) {
  int n = 0;
  for (size_t end = buffer.find("\r\n\r\n"); end != std::string::npos;
       end = buffer.find("\r\n\r\n")) {
    buffer.erase(0, end + 4);
    ++n;
  }
  return n;
}

// One response with neither Content-Length nor chunking: the close ends its body.
ScriptedServer::Script CloseDelimited(std::string status_line) {
  return [status_line](int fd, int) {
    std::string in;
    if (!client_testing::ReadUntil(fd, in, "\r\n\r\n", absl::Seconds(5))) return;
    client_testing::WriteAll(fd, status_line + "\r\nContent-Type: text/plain\r\n\r\nhello");
  };
}

TEST(HttpFramingTest, BodyEndedByTheCloseIsAResponse) {
  for (const std::string status_line : {"HTTP/1.1 200 OK", "HTTP/1.0 200 OK"}) {
    auto server = ScriptedServer::Start(CloseDelimited(status_line));
    ASSERT_TRUE(server.ok()) << server.status();
    const RunReport r = RunChecked(HttpOptions((*server)->port(), 2, 20));
    const Ledger& l = r.stats.ledger;
    // Each connection carries one response and is reopened at once: the close was announced.
    EXPECT_EQ(l.ok, 20u) << status_line << "\n" << r.FormatSummary();
    EXPECT_EQ(l.eof, 0u) << status_line;
    EXPECT_GE(l.reconnects, 18u) << status_line;
    EXPECT_EQ(r.stats.status_classes[2], 20u) << status_line;
    EXPECT_EQ(r.Evaluate().exit_code, kExitOk) << r.Evaluate().reason;
  }
}

TEST(HttpFramingTest, InterimResponsesAnswerNoRequest) {
  // Each request gets 100 Continue and 103 Early Hints before its 200.
  auto server = ScriptedServer::Start([](int fd, int) {
    std::string in;
    while (client_testing::ReadSome(fd, in, absl::Seconds(5))) {
      for (int n = TakeRequests(in); n > 0; --n) {
        if (!client_testing::WriteAll(fd,
                                      "HTTP/1.1 100 Continue\r\n\r\n"
                                      "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                                      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")) {
          return;
        }
      }
    }
  });
  ASSERT_TRUE(server.ok()) << server.status();
  ClientOptions o = HttpOptions((*server)->port(), 2, 200);
  o.pipeline = 4;
  const RunReport r = RunChecked(o);
  const Ledger& l = r.stats.ledger;
  EXPECT_EQ(l.ok, 200u) << r.FormatSummary();
  EXPECT_EQ(l.error_replies, 0u);
  EXPECT_EQ(l.mismatched, 0u);
  EXPECT_EQ(r.stats.status_classes[1], 0u);
  EXPECT_EQ(r.stats.status_classes[2], 200u);
  EXPECT_EQ(r.Evaluate().exit_code, kExitOk) << r.Evaluate().reason;
}

}  // namespace
}  // namespace client
