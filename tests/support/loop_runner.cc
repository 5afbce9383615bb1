// LoopRunner: the loop thread and the eventfd-driven task queue behind Call().
#include "tests/support/loop_runner.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace reactor_testing {

// Tasks posted from other threads; an eventfd wakes the loop to run them.
class LoopRunner::TaskQueue : public reactor::EventHandler {
 public:
  TaskQueue() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (fd_ < 0) {
      std::perror("LoopRunner: eventfd");
      std::abort();
    }
  }
  ~TaskQueue() { close(fd_); }
  int fd() const { return fd_; }

  void Post(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back(std::move(task));
    }
    const uint64_t one = 1;
    while (write(fd_, &one, sizeof one) < 0 && errno == EINTR) {
    }
  }

  void OnEvents(uint32_t) override {
    uint64_t count;
    while (read(fd_, &count, sizeof count) < 0 && errno == EINTR) {
    }
    std::vector<std::function<void()>> batch;
    {
      std::lock_guard<std::mutex> lock(mu_);
      batch.swap(tasks_);
    }
    for (auto& task : batch) task();
  }

 private:
  const int fd_;
  std::mutex mu_;
  std::vector<std::function<void()>> tasks_;
};

LoopRunner::LoopRunner() {
  auto loop = reactor::EventLoop::Create();
  if (!loop.ok()) {
    std::fprintf(stderr, "LoopRunner: %s\n", std::string(loop.status().message()).c_str());
    std::abort();
  }
  loop_ = std::move(*loop);
  tasks_ = std::make_unique<TaskQueue>();
  if (!loop_->Add(tasks_->fd(), EPOLLIN, tasks_.get()).ok()) {
    std::fprintf(stderr, "LoopRunner: cannot register the task queue\n");
    std::abort();
  }
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
  loop_->Remove(tasks_->fd()).IgnoreError();
  loop_.reset();
  tasks_.reset();
}

void LoopRunner::Post(std::function<void()> task) { tasks_->Post(std::move(task)); }

void LoopRunner::AbortHung() {
  std::fprintf(stderr, "LoopRunner: the loop did not run a task within 20 s\n");
  std::abort();
}

}  // namespace reactor_testing
