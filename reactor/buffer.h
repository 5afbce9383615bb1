// Buffer: the byte queue behind every connection's input and output, and the loop-wide scratch
// buffers that keep the steady state free of allocation.
#ifndef REACTOR_BUFFER_H_
#define REACTOR_BUFFER_H_

#include <cstddef>
#include <memory>
#include <string_view>

namespace reactor {

// A contiguous byte queue. Bytes are appended at the back and consumed from the front:
//
//   +-------------+--------------------+-----------------+
//   |  consumed   |   readable bytes   |  writable room  |
//   +-------------+--------------------+-----------------+
//   0        read_index_          write_index_       capacity_
//
// Storage is allocated on the first write, not at construction, and `ReleaseIfEmpty()` gives it
// back, so an idle connection holds no buffer memory at all. When the room at the back is too
// small, the readable bytes are first slid to the front (cheap when few remain) and only then is
// the storage grown, doubling, so appends are amortised O(1).
//
// Typical use with a syscall that fills memory:
//   char* room = buffer.PrepareWrite(16 * 1024);
//   ssize_t n = recv(fd, room, 16 * 1024, MSG_DONTWAIT);
//   if (n > 0) buffer.Commit(n);
class Buffer {
 public:
  Buffer() = default;
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  // Readable bytes.
  size_t size() const { return write_index_ - read_index_; }
  bool empty() const { return write_index_ == read_index_; }
  const char* data() const { return storage_.get() + read_index_; }
  std::string_view view() const { return std::string_view(data(), size()); }

  // Bytes of storage currently held (0 until the first write, and again after a release).
  size_t capacity() const { return capacity_; }

  void Append(std::string_view bytes);
  void Append(const char* bytes, size_t n) { Append(std::string_view(bytes, n)); }

  // Returns room for at least `n` bytes after the readable ones. Write into it, then `Commit` how
  // many were written. The pointer is invalidated by any other non-const call.
  char* PrepareWrite(size_t n);
  void Commit(size_t n);

  // Drops `n` bytes (at most `size()`) from the front. Emptying the buffer rewinds it, so the whole
  // capacity is writable again without a copy.
  void Consume(size_t n);
  void Clear() { read_index_ = write_index_ = 0; }

  // Frees the storage if nothing is readable. Returns true if memory was released.
  bool ReleaseIfEmpty();

 private:
  void MakeRoom(size_t n);

  std::unique_ptr<char[]> storage_;
  size_t capacity_ = 0;
  size_t read_index_ = 0;
  size_t write_index_ = 0;
};

}  // namespace reactor

#endif  // REACTOR_BUFFER_H_
