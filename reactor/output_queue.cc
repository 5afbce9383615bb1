// OutputQueue: splicing shared blocks into the copied bytes, and walking both in order to send
// and to consume (see output_queue.h).
#include "reactor/output_queue.h"

#include <algorithm>
#include <cassert>

namespace reactor {

void OutputQueue::AppendBlock(const Block& block) {
  if (block->size() < kShareFromBytes) {
    bytes_.Append(*block);
    return;
  }
  splices_.push_back(Splice{copied_sent_ + bytes_.size(), block, 0});
  block_bytes_ += block->size();
}

size_t OutputQueue::Gather(iovec* iov, size_t max) const {
  size_t count = 0;
  auto add = [&](const char* data, size_t n) {
    if (n > 0 && count < max) iov[count++] = iovec{const_cast<char*>(data), n};
  };
  uint64_t copied = copied_sent_;  // the next copied byte not yet described
  for (size_t i = splice_head_; i < splices_.size() && count < max; ++i) {
    const Splice& splice = splices_[i];
    add(bytes_.data() + (copied - copied_sent_), splice.at - copied);
    copied = splice.at;
    add(splice.block->data() + splice.sent, splice.block->size() - splice.sent);
  }
  add(bytes_.data() + (copied - copied_sent_), copied_sent_ + bytes_.size() - copied);
  return count;
}

void OutputQueue::Consume(size_t n) {
  assert(n <= size());
  while (n > 0) {
    const bool block_next =
        splice_head_ < splices_.size() && splices_[splice_head_].at == copied_sent_;
    if (block_next) {
      Splice& splice = splices_[splice_head_];
      const size_t take = std::min(n, splice.block->size() - splice.sent);
      splice.sent += take;
      block_bytes_ -= take;
      n -= take;
      if (splice.sent == splice.block->size()) {
        splice.block.reset();
        if (++splice_head_ == splices_.size()) {
          splices_.clear();
          splice_head_ = 0;
        }
      }
      continue;
    }
    // Copied bytes, up to the next splice.
    const uint64_t until_splice =
        splice_head_ < splices_.size() ? splices_[splice_head_].at - copied_sent_ : bytes_.size();
    const size_t take = static_cast<size_t>(std::min<uint64_t>(n, until_splice));
    bytes_.Consume(take);
    copied_sent_ += take;
    n -= take;
  }
}

void OutputQueue::TakeFrom(OutputQueue& other) {
  uint64_t copied = other.copied_sent_;
  for (size_t i = other.splice_head_; i < other.splices_.size(); ++i) {
    Splice& splice = other.splices_[i];
    bytes_.Append(other.bytes_.data() + (copied - other.copied_sent_), splice.at - copied);
    copied = splice.at;
    block_bytes_ += splice.block->size() - splice.sent;
    splices_.push_back(Splice{copied_sent_ + bytes_.size(), std::move(splice.block), splice.sent});
  }
  bytes_.Append(other.bytes_.data() + (copied - other.copied_sent_),
                other.copied_sent_ + other.bytes_.size() - copied);
  other.Clear();
}

void OutputQueue::Clear() {
  bytes_.Clear();
  splices_.clear();
  splice_head_ = 0;
  block_bytes_ = 0;
  copied_sent_ = 0;
}

void OutputQueue::ReleaseIfEmpty() {
  if (!empty()) return;
  Clear();
  bytes_.ReleaseIfEmpty();
  std::vector<Splice>().swap(splices_);
}

std::string OutputQueue::ToString() const {
  std::string all;
  all.reserve(size());
  std::vector<iovec> iov(2 * (splices_.size() - splice_head_) + 1);
  const size_t count = Gather(iov.data(), iov.size());
  for (size_t i = 0; i < count; ++i) {
    all.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  }
  return all;
}

}  // namespace reactor
