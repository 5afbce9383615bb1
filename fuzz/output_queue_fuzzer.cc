// Fuzz target for reactor::OutputQueue: copied bytes and shared blocks (new or already queued,
// either side of the copy threshold) are queued, sent in gathered pieces of any size, moved to
// another queue, cleared and released, to the queue and to a std::string standing for what it
// owes. After each operation the bytes owed, in order, must be the model's, and the pieces
// Gather describes must be the model's front.
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/operation_input.h"
#include "reactor/output_queue.h"

namespace {

using reactor::OutputQueue;

// A length: mostly small, sometimes around the copy threshold or a few times it.
size_t Length(fuzz::OperationInput& in) {
  const uint8_t kind = in.Byte();
  const size_t low = in.Byte();
  if (kind < 160) return low % 64;
  if (kind < 224) return OutputQueue::kShareFromBytes - 2 + low % 4;
  return (low << 8 | in.Byte()) % (3 * OutputQueue::kShareFromBytes + 1);
}

[[noreturn]] void Fail(const char* op, const std::string& what) {
  std::fprintf(stderr, "after %s: %s\n", op, what.c_str());
  std::abort();
}

void Check(const OutputQueue& queue, const std::string& model, const char* op) {
  if (queue.size() != model.size() || queue.empty() != model.empty()) {
    Fail(op, "queue owes " + std::to_string(queue.size()) + " bytes, model " +
                 std::to_string(model.size()));
  }
  if (queue.ToString() != model) Fail(op, "the bytes owed differ from the model's");
}

// Gathers into at most `max` pieces and checks they describe the front of `model`; returns how
// many bytes they cover.
size_t CheckGather(const OutputQueue& queue, const std::string& model, size_t max) {
  std::vector<iovec> iov(max);
  const size_t count = queue.Gather(iov.data(), max);
  if (count > max) Fail("Gather", "more pieces than allowed");
  if (!model.empty() && count == 0) Fail("Gather", "no piece while bytes are owed");
  size_t covered = 0;
  for (size_t i = 0; i < count; ++i) {
    if (iov[i].iov_len == 0) Fail("Gather", "an empty piece");
    if (model.compare(covered, iov[i].iov_len, static_cast<const char*>(iov[i].iov_base),
                      iov[i].iov_len) != 0) {
      Fail("Gather", "piece " + std::to_string(i) + " is not the model's next bytes");
    }
    covered += iov[i].iov_len;
  }
  if (count < max && covered != model.size()) Fail("Gather", "stopped short with room left");
  return covered;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::OperationInput in(data, size);
  OutputQueue queue;
  std::string model;
  std::vector<OutputQueue::Block> blocks;  // blocks already made, to be queued again
  uint8_t fill = 0;                        // bytes are a running counter, so misplaced bytes show
  auto next_bytes = [&](size_t n) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(fill++);
    return bytes;
  };
  // Queues copied bytes or a block, as the input says, on `target` and its model.
  auto append = [&](OutputQueue& target, std::string& target_model) {
    if (in.Byte() % 2 == 0) {
      const std::string bytes = next_bytes(Length(in));
      target.bytes().Append(bytes);
      target_model += bytes;
      return;
    }
    const uint8_t pick = in.Byte();
    if (blocks.empty() || pick % 4 == 0) {
      blocks.push_back(std::make_shared<const std::string>(next_bytes(Length(in))));
    }
    const OutputQueue::Block& block = blocks[pick % blocks.size()];
    target.AppendBlock(block);
    target_model += *block;
  };
  while (!in.done()) {
    switch (in.Byte() % 6) {
      case 0:
        append(queue, model);
        Check(queue, model, "append");
        break;
      case 1: {
        // A send: gathered into 1 to 8 pieces, of which the socket takes any prefix.
        const size_t covered = CheckGather(queue, model, 1 + in.Byte() % 8);
        const size_t taken = covered == 0 ? 0 : Length(in) % (covered + 1);
        queue.Consume(taken);
        model.erase(0, taken);
        Check(queue, model, "Consume");
        break;
      }
      case 2: {
        // Output left in the scratch queue after a partial send moves behind what is pending.
        OutputQueue scratch;
        std::string scratch_model;
        for (int i = in.Byte() % 4; i >= 0; --i) append(scratch, scratch_model);
        const size_t sent = Length(in) % (scratch_model.size() + 1);
        scratch.Consume(sent);
        scratch_model.erase(0, sent);
        queue.TakeFrom(scratch);
        model += scratch_model;
        if (!scratch.empty()) Fail("TakeFrom", "the source still owes bytes");
        Check(queue, model, "TakeFrom");
        break;
      }
      case 3:
        queue.Clear();
        model.clear();
        Check(queue, model, "Clear");
        break;
      case 4:
        queue.ReleaseIfEmpty();
        if (model.empty() && queue.capacity() != 0) Fail("ReleaseIfEmpty", "memory kept");
        Check(queue, model, "ReleaseIfEmpty");
        break;
      case 5:
        // Everything a queue owes is one contiguous send exactly when no block is pending.
        if (queue.contiguous() && queue.bytes().view() != model) {
          Fail("contiguous", "contiguous, but bytes() is not everything owed");
        }
        CheckGather(queue, model, 64);
        break;
    }
  }
  return 0;
}
