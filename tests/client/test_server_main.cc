// A standalone TestServer for manual runs of the client: prints `listening on 127.0.0.1:PORT`.
#include <unistd.h>

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "tests/client/test_server.h"

ABSL_FLAG(std::string, mode, "echo", "echo, reset, close, corrupt, stall or pong");
ABSL_FLAG(uint64_t, trigger_bytes, 100000, "bytes before misbehaving");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  client_testing::TestServerOptions options;
  const std::string mode = absl::GetFlag(FLAGS_mode);
  using client_testing::Misbehaviour;
  if (mode == "reset") options.misbehaviour = Misbehaviour::kResetMidResponse;
  if (mode == "close") options.misbehaviour = Misbehaviour::kCloseEarly;
  if (mode == "corrupt") options.misbehaviour = Misbehaviour::kCorruptByte;
  if (mode == "stall") options.misbehaviour = Misbehaviour::kStall;
  if (mode == "pong") options.misbehaviour = Misbehaviour::kRespPong;
  options.trigger_bytes = absl::GetFlag(FLAGS_trigger_bytes);
  auto server = client_testing::TestServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", std::string(server.status().message()).c_str());
    return 1;
  }
  std::printf("listening on 127.0.0.1:%d\n", (*server)->port());
  std::fflush(stdout);
  pause();
  return 0;
}
