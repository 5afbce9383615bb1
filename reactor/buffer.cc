// Buffer growth and compaction; see buffer.h for the layout.
#include "reactor/buffer.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>

namespace reactor {
namespace {

// The first allocation: big enough for a typical request or reply, small enough that a few
// thousand connections with a little pending output stay cheap.
constexpr size_t kInitialCapacity = 4096;

}  // namespace

Buffer::Buffer(Buffer&& other) noexcept
    : storage_(std::move(other.storage_)),
      capacity_(std::exchange(other.capacity_, 0)),
      read_index_(std::exchange(other.read_index_, 0)),
      write_index_(std::exchange(other.write_index_, 0)) {}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  storage_ = std::move(other.storage_);
  capacity_ = std::exchange(other.capacity_, 0);
  read_index_ = std::exchange(other.read_index_, 0);
  write_index_ = std::exchange(other.write_index_, 0);
  return *this;
}

void Buffer::Append(std::string_view bytes) {
  if (bytes.empty()) return;
  char* room = PrepareWrite(bytes.size());
  std::memcpy(room, bytes.data(), bytes.size());
  write_index_ += bytes.size();
}

char* Buffer::PrepareWrite(size_t n) {
  if (capacity_ - write_index_ < n) MakeRoom(n);
  return storage_.get() + write_index_;
}

void Buffer::Commit(size_t n) {
  assert(n <= capacity_ - write_index_);
  write_index_ += n;
}

void Buffer::Consume(size_t n) {
  assert(n <= size());
  read_index_ += n;
  if (read_index_ == write_index_) read_index_ = write_index_ = 0;
}

bool Buffer::ReleaseIfEmpty() {
  if (!empty() || storage_ == nullptr) return false;
  storage_.reset();
  capacity_ = read_index_ = write_index_ = 0;
  return true;
}

void Buffer::MakeRoom(size_t n) {
  const size_t readable = size();
  // Sliding the readable bytes to the front is enough when the consumed gap covers the shortfall
  // and the copy is small next to the capacity it saves reallocating.
  if (capacity_ - readable >= n && readable <= capacity_ / 2) {
    std::memmove(storage_.get(), storage_.get() + read_index_, readable);
    read_index_ = 0;
    write_index_ = readable;
    return;
  }
  size_t new_capacity = std::max(kInitialCapacity, capacity_ * 2);
  while (new_capacity - readable < n) new_capacity *= 2;
  std::unique_ptr<char[]> grown(new char[new_capacity]);
  if (readable > 0) std::memcpy(grown.get(), storage_.get() + read_index_, readable);
  storage_ = std::move(grown);
  capacity_ = new_capacity;
  read_index_ = 0;
  write_index_ = readable;
}

}  // namespace reactor
