// ServerGroup: binding N listeners to one port, running their loops, and fanning a shutdown out
// to every loop through RunInLoop.
#include "reactor/server_group.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"

namespace reactor {

absl::StatusOr<std::unique_ptr<ServerGroup>> ServerGroup::Create(int loops,
                                                                 TcpServerOptions options,
                                                                 FactoryMaker make_factory) {
  if (loops < 1) return absl::InvalidArgumentError("loops must be at least 1");
  if (loops > 1) {
    options.listener.reuse_port = true;
    options.shared_connection_count = std::make_shared<std::atomic<size_t>>(0);
  }
  std::unique_ptr<ServerGroup> group(new ServerGroup());
  for (int i = 0; i < loops; ++i) {
    auto member = std::make_unique<Member>();
    absl::StatusOr<std::unique_ptr<EventLoop>> loop = EventLoop::Create();
    if (!loop.ok()) return loop.status();
    member->loop = std::move(*loop);
    member->health = std::make_unique<LoopHealthRecorder>(&member->stats);
    member->loop->set_iteration_observer(member->health.get());
    ServerGroup* g = group.get();
    member->factory = make_factory(&member->stats, [g] { return g->TotalStats(); });
    member->server = std::make_unique<TcpServer>(member->loop.get(), options, member->factory.get(),
                                                 &member->stats);
    if (absl::Status status = member->server->Start(); !status.ok()) return status;
    // With port 0 the first listener picked a port; the others must share that one.
    options.listener.port = member->server->address().port();
    group->members_.push_back(std::move(member));
  }
  return group;
}

ServerGroup::~ServerGroup() {
  // Servers before their loops: a server unregisters its fds from its loop as it goes.
  for (auto& member : members_) member->server.reset();
}

absl::Status ServerGroup::Run(std::initializer_list<int> stop_signals,
                              absl::AnyInvocable<void(int signo)> on_signal) {
  EventLoop* main_loop = members_.front()->loop.get();
  // Before any thread starts, so every thread inherits the blocked mask and the signals can only
  // arrive through loop 0's signalfd.
  absl::Status signals = main_loop->HandleSignals(stop_signals, [&](int signo) {
    on_signal(signo);
    if (shutting_down_) {  // a second signal: stop draining, stop now
      for (auto& member : members_) member->loop->Stop();
      return;
    }
    ShutdownAll();
  });
  if (!signals.ok()) return signals;

  std::vector<std::thread> threads;
  std::vector<absl::Status> results(members_.size());
  auto stop_all = [this] {
    for (auto& member : members_) member->loop->Stop();  // Stop() is safe from any thread
  };
  for (size_t i = 1; i < members_.size(); ++i) {
    threads.emplace_back([this, i, &results, &stop_all] {
      results[i] = members_[i]->loop->Run();
      if (!results[i].ok()) stop_all();
    });
  }
  results[0] = main_loop->Run();
  if (!results[0].ok()) stop_all();
  for (std::thread& thread : threads) thread.join();
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok()) {
      return absl::Status(results[i].code(), absl::StrCat("loop ", i, ": ", results[i].message()));
    }
  }
  return absl::OkStatus();
}

void ServerGroup::ShutdownAll() {
  shutting_down_ = true;
  // Loop 0 keeps running until every server has finished, so a second signal still reaches its
  // signalfd while slower loops drain; the last server to finish stops it.
  auto remaining = std::make_shared<std::atomic<size_t>>(members_.size());
  EventLoop* main_loop = members_.front()->loop.get();
  for (auto& member : members_) {
    Member* m = member.get();
    // Each server is shut down on its own loop's thread.
    m->loop->RunInLoop([m, main_loop, remaining] {
      m->server->Shutdown([m, main_loop, remaining] {
        if (m->loop.get() != main_loop) m->loop->Stop();
        if (remaining->fetch_sub(1) == 1) main_loop->Stop();  // Stop() is safe from any thread
      });
    });
  }
}

ServerStats ServerGroup::TotalStats() const {
  ServerStats total;
  for (const auto& member : members_) total.Add(member->stats);
  return total;
}

std::vector<ServerStats> ServerGroup::LoopStats() const {
  std::vector<ServerStats> loops;
  loops.reserve(members_.size());
  for (const auto& member : members_) loops.push_back(member->stats);
  return loops;
}

uint64_t ServerGroup::TakeLongestIterationNanos() {
  uint64_t longest = 0;
  for (auto& member : members_) {
    longest = std::max(longest, member->stats.loop_longest_iteration_nanos.Take());
  }
  return longest;
}

ListenerStats ServerGroup::TotalListenerStats() const {
  ListenerStats total;
  for (const auto& member : members_) {
    const ListenerStats& s = member->server->listener_stats();
    total.accepted += s.accepted;
    total.dropped_for_fds += s.dropped_for_fds;
    total.accept_errors += s.accept_errors;
    total.pauses += s.pauses;
  }
  return total;
}

}  // namespace reactor
