// Dataset: what the RESP sessions of every loop share (the keyspace and each command's call
// count), and the lock that makes each command atomic and linearizable across loops.
#ifndef SERVER_DATASET_H_
#define SERVER_DATASET_H_

#include <array>
#include <cstdint>

#include "absl/synchronization/mutex.h"
#include "keyspace/keyspace.h"

namespace server {

// The --loops design: one keyspace for the whole server, each command run whole under one mutex.
// Any loop's INCR is then exact and every command sees the others either not started or done,
// in one global order (linearizable), multi-key commands (MSET, DEL a b c) included, with no
// cross-loop hand-off of replies. The cost is contention on the mutex, measured in
// bench/peers/compare.py. With one loop (`shared` false) the lock is skipped: the
// single-threaded reactor pays nothing.
class Dataset {
 public:
  // Room for every command of the table (command_table.cc checks it fits).
  static constexpr size_t kMaxCommands = 128;

  explicit Dataset(bool shared, keyspace::Keyspace::Clock clock = &keyspace::UnixMillis)
      : shared_(shared), keys_(clock) {}

  // Holds the dataset for one command:
  //   Dataset::Access access(dataset);
  //   access.keys().Find("k");
  class Access {
   public:
    explicit Access(Dataset& dataset) : dataset_(dataset) {
      if (dataset_.shared_) dataset_.mutex_.Lock();
    }
    ~Access() {
      if (dataset_.shared_) dataset_.mutex_.Unlock();
    }
    Access(const Access&) = delete;
    Access& operator=(const Access&) = delete;

    keyspace::Keyspace& keys() { return dataset_.keys_; }
    std::array<uint64_t, kMaxCommands>& calls() { return dataset_.calls_; }

   private:
    Dataset& dataset_;
  };

 private:
  const bool shared_;
  absl::Mutex mutex_;
  keyspace::Keyspace keys_;
  std::array<uint64_t, kMaxCommands> calls_{};
};

}  // namespace server

#endif  // SERVER_DATASET_H_
