// LoopRunner: the loop thread behind Call(); tasks reach it through EventLoop::RunInLoop.
#include "tests/support/loop_runner.h"

#include <cstdio>
#include <cstdlib>

namespace reactor_testing {

LoopRunner::LoopRunner() {
  auto loop = reactor::EventLoop::Create();
  if (!loop.ok()) {
    std::fprintf(stderr, "LoopRunner: %s\n", std::string(loop.status().message()).c_str());
    std::abort();
  }
  loop_ = std::move(*loop);
  thread_ = std::thread([this] { run_status_ = loop_->Run(); });
}

LoopRunner::~LoopRunner() {
  loop_->Stop();
  thread_.join();
  if (!run_status_.ok()) {
    std::fprintf(stderr, "LoopRunner: Run() failed: %s\n",
                 std::string(run_status_.message()).c_str());
    std::abort();
  }
  loop_.reset();
}

void LoopRunner::Post(std::function<void()> task) { loop_->RunInLoop(std::move(task)); }

void LoopRunner::AbortHung() {
  std::fprintf(stderr, "LoopRunner: the loop did not run a task within 20 s\n");
  std::abort();
}

}  // namespace reactor_testing
