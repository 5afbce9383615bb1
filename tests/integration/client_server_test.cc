// End-to-end: the load client //client:client against the server //server:server, both as real
// processes on an ephemeral loopback port: 1,000 concurrent connections of verified echo, the
// client exits 0 (it exits non-zero on any mismatched response), and the server's own summary
// agrees on what was served.
#include <signal.h>
#include <sys/wait.h>

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace {

using reactor_testing::RunfilePath;
using reactor_testing::Subprocess;

TEST(ClientServerTest, ThousandConnectionsOfVerifiedEcho) {
  auto server = Subprocess::Start(RunfilePath("server/server"), {"--port=0", "--protocol=echo"});
  ASSERT_NE(server, nullptr);
  const std::optional<std::string> line = server->ReadStdoutLine(absl::Seconds(10));
  ASSERT_TRUE(line.has_value()) << server->stderr_text();
  std::smatch match;
  ASSERT_TRUE(std::regex_match(*line, match, std::regex(R"(^listening on (127\.0\.0\.1:[0-9]+)$)")))
      << *line;
  const std::string target = match[1].str();

  auto client = Subprocess::Start(RunfilePath("client/client"),
                                  {"--target=" + target, "--connections=1000", "--requests=20000",
                                   "--message_bytes=256", "--protocol=echo", "--progress=false"});
  ASSERT_NE(client, nullptr);
  const std::optional<int> client_status = client->Wait(absl::Seconds(40));
  ASSERT_TRUE(client_status.has_value()) << "the client did not finish in 40 s";
  EXPECT_TRUE(WIFEXITED(*client_status) && WEXITSTATUS(*client_status) == 0)
      << "client status " << *client_status << "\nstdout:\n"
      << client->stdout_text() << "\nstderr:\n"
      << client->stderr_text();

  ASSERT_TRUE(server->Signal(SIGTERM));
  const std::optional<int> server_status = server->Wait(absl::Seconds(2));
  ASSERT_TRUE(server_status.has_value()) << "server still running 2 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*server_status) && WEXITSTATUS(*server_status) == 0)
      << server->stderr_text();
  // Every one of the client's connections reached the server and was served.
  EXPECT_NE(server->stdout_text().find("served 1000 connections (0 refused"), std::string::npos)
      << server->stdout_text();
  EXPECT_NE(server->stdout_text().find("0 closed on other errors"), std::string::npos)
      << server->stdout_text();
}

}  // namespace
