// DeadlineList: the timeouts of one kind (one fixed duration) for many objects, in deadline order
// at O(1) per change, so expiring costs only what expires, however many are registered.
#ifndef REACTOR_DEADLINE_LIST_H_
#define REACTOR_DEADLINE_LIST_H_

#include <cstdint>

#include "absl/time/time.h"
#include "reactor/event_loop.h"

namespace reactor {

// An intrusive doubly linked list of deadlines that all share one timeout. Every deadline is
// `start + timeout` with `start` read from a clock that never goes back (the loop's), so adding
// at the tail keeps the list sorted: scheduling, rescheduling and cancelling are O(1), need no
// allocation, and expiring looks only at the head. nginx's keep-alive and Redis's client timeouts
// scan every connection instead; at a million connections that is a stall per tick.
//
//   struct Conn { DeadlineList<Conn>::Node request{this}; };
//   DeadlineList<Conn> requests(absl::Seconds(60));
//   requests.Schedule(&conn.request, loop->now_nanos());   // (re)starts the clock
//   requests.Cancel(&conn.request);
//   requests.ExpireUntil(loop->now_nanos(), [](Conn* c) { c->Close(); });
template <typename Owner>
class DeadlineList {
 public:
  class Node {
   public:
    explicit Node(Owner* owner) : owner_(owner) {}
    ~Node() {
      if (list_ != nullptr) list_->Cancel(this);
    }
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    bool scheduled() const { return list_ != nullptr; }
    int64_t deadline_nanos() const { return deadline_; }

   private:
    friend class DeadlineList;
    Owner* const owner_;
    DeadlineList* list_ = nullptr;
    Node* prev_ = nullptr;
    Node* next_ = nullptr;
    int64_t deadline_ = 0;
  };

  // A zero or infinite timeout disables the list: Schedule does nothing.
  explicit DeadlineList(absl::Duration timeout)
      : timeout_nanos_(timeout > absl::ZeroDuration() && timeout != absl::InfiniteDuration()
                           ? absl::ToInt64Nanoseconds(timeout)
                           : 0) {}
  DeadlineList(const DeadlineList&) = delete;
  DeadlineList& operator=(const DeadlineList&) = delete;
  ~DeadlineList() {
    while (head_ != nullptr) Cancel(head_);
  }

  bool enabled() const { return timeout_nanos_ > 0; }
  size_t size() const { return size_; }
  // The earliest deadline, or kNeverNanos when nothing is scheduled.
  int64_t next_deadline() const { return head_ != nullptr ? head_->deadline_ : kNeverNanos; }

  // Starts (or restarts) `node`'s clock at `start_nanos`, which must not be earlier than any
  // start given before: the loop's now_nanos().
  void Schedule(Node* node, int64_t start_nanos) {
    if (!enabled()) return;
    if (node->list_ != nullptr) Unlink(node);
    node->deadline_ = DeadlineAfter(start_nanos, timeout_nanos_);
    node->list_ = this;
    node->prev_ = tail_;
    node->next_ = nullptr;
    (tail_ != nullptr ? tail_->next_ : head_) = node;
    tail_ = node;
    ++size_;
  }

  void Cancel(Node* node) {
    if (node->list_ == this) Unlink(node);
  }

  // Unschedules every node whose deadline is at or before `now_nanos`, earliest first, and calls
  // `expire(owner)` for each; the callback may schedule or cancel any node. Returns the count.
  template <typename Expire>
  size_t ExpireUntil(int64_t now_nanos, Expire&& expire) {
    size_t expired = 0;
    while (head_ != nullptr && head_->deadline_ <= now_nanos) {
      Node* node = head_;
      Unlink(node);
      ++expired;
      expire(node->owner_);
    }
    return expired;
  }

 private:
  void Unlink(Node* node) {
    (node->prev_ != nullptr ? node->prev_->next_ : head_) = node->next_;
    (node->next_ != nullptr ? node->next_->prev_ : tail_) = node->prev_;
    node->prev_ = node->next_ = nullptr;
    node->list_ = nullptr;
    --size_;
  }

  const int64_t timeout_nanos_;
  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t size_ = 0;
};

}  // namespace reactor

#endif  // REACTOR_DEADLINE_LIST_H_
