// Helpers for tests that run //client:client (and //server:server) as real processes and read
// the files the client writes.
#ifndef TESTS_CLIENT_CLIENT_PROCESS_TESTING_H_
#define TESTS_CLIENT_CLIENT_PROCESS_TESTING_H_

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace client_testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A path in the test's private temporary directory.
inline std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

// Starts //server:server on a free loopback port; sets `target` to its HOST:PORT.
inline std::unique_ptr<reactor_testing::Subprocess> StartServer(const std::string& protocol,
                                                                std::string* target) {
  auto server = reactor_testing::Subprocess::Start(reactor_testing::RunfilePath("server/server"),
                                                   {"--port=0", "--protocol=" + protocol});
  if (server == nullptr) return nullptr;
  const std::optional<std::string> line = server->ReadStdoutLine(absl::Seconds(10));
  std::smatch match;
  if (!line.has_value() || !std::regex_match(*line, match, std::regex(R"(^listening on (\S+)$)"))) {
    ADD_FAILURE() << "the server did not say where it listens: " << server->stderr_text();
    return nullptr;
  }
  *target = match[1].str();
  return server;
}

// Runs the client binary to completion; a test failure unless it exits 0.
inline void RunClient(const std::vector<std::string>& args) {
  auto client =
      reactor_testing::Subprocess::Start(reactor_testing::RunfilePath("client/client"), args);
  ASSERT_NE(client, nullptr);
  const std::optional<int> status = client->Wait(absl::Seconds(30));
  ASSERT_TRUE(status.has_value()) << "the client did not finish in 30 s";
  ASSERT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << "client status " << *status << "\nstdout:\n"
      << client->stdout_text() << "\nstderr:\n"
      << client->stderr_text();
}

// A test suite sharing one //server:server (echo) among its tests: a suite's SetUpTestSuite calls
// StartSuiteServer() first, then runs the client against target().
class EchoServerSuite : public testing::Test {
 protected:
  static void StartSuiteServer() {
    server_ = StartServer("echo", &target_);
    ASSERT_NE(server_, nullptr);
  }
  static void TearDownTestSuite() { server_.reset(); }
  static const std::string& target() { return target_; }

 private:
  inline static std::unique_ptr<reactor_testing::Subprocess> server_;
  inline static std::string target_;
};

}  // namespace client_testing

#endif  // TESTS_CLIENT_CLIENT_PROCESS_TESTING_H_
