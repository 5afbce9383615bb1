// OutputQueue: the bytes a connection owes its peer, in order. Most are copied into a Buffer; a
// large immutable block that many replies share (an HTTP body) is referenced instead, so a
// thousand pipelined responses cost a thousand headers, not a thousand bodies, and go out with
// writev.
#ifndef REACTOR_OUTPUT_QUEUE_H_
#define REACTOR_OUTPUT_QUEUE_H_

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/buffer.h"

namespace reactor {

// The queue is the copied bytes, in a Buffer, with shared blocks spliced in between them:
//
//   bytes():  [ header 1 ][ header 2 ][ header 3 ]
//   splices:             ^ body      ^ body        (each at a position of the copied stream)
//   sent as:  header 1, body, header 2, body, header 3
//
// Writing into bytes() after AppendBlock places the new bytes after the block, so a session
// writes replies through bytes() and AppendBlock in the order they are to be sent.
class OutputQueue {
 public:
  using Block = std::shared_ptr<const std::string>;

  // Blocks shorter than this are copied: a memcpy of a few KiB is cheaper than an iovec entry
  // and a reference count, and keeps the usual reply one contiguous send.
  static constexpr size_t kShareFromBytes = 4096;

  OutputQueue() = default;
  OutputQueue(const OutputQueue&) = delete;
  OutputQueue& operator=(const OutputQueue&) = delete;

  // Where copied bytes are written. Only appended to: Consume is the queue's.
  Buffer& bytes() { return bytes_; }
  // Queues `block` after everything written so far, by reference (a copy if it is short).
  void AppendBlock(const Block& block);

  // Bytes owed: copied and shared.
  size_t size() const { return bytes_.size() + block_bytes_; }
  bool empty() const { return size() == 0; }
  // True when everything owed is in bytes(): one contiguous send, no writev.
  bool contiguous() const { return splice_head_ == splices_.size(); }

  // Fills up to `max` iovecs with the bytes owed, from the front, and returns how many it filled
  // (fewer than the queue's pieces when `max` ran out).
  size_t Gather(iovec* iov, size_t max) const;
  // Drops `n` (at most size()) bytes from the front: they were sent.
  void Consume(size_t n);
  // Appends everything `other` owes, leaving it empty (its memory is kept for reuse).
  void TakeFrom(OutputQueue& other);

  void Clear();
  // Frees the storage if nothing is owed.
  void ReleaseIfEmpty();
  // Bytes of memory held (the shared blocks not counted: they are held once for all).
  size_t capacity() const { return bytes_.capacity() + splices_.capacity() * sizeof(Splice); }

  // Everything owed, as one string. For tests.
  std::string ToString() const;

 private:
  struct Splice {
    uint64_t at;  // position in the stream of copied bytes before which the block goes
    Block block;
    size_t sent;  // bytes of the block already sent
  };

  // Position in the copied stream of the first byte of bytes().
  uint64_t copied_sent_ = 0;
  Buffer bytes_;
  // Splices from splice_head_ on are pending; the vector is reset once all are sent, so the
  // steady state neither allocates nor shifts.
  std::vector<Splice> splices_;
  size_t splice_head_ = 0;
  size_t block_bytes_ = 0;  // unsent bytes of the pending blocks
};

}  // namespace reactor

#endif  // REACTOR_OUTPUT_QUEUE_H_
