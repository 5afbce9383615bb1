// Fuzz target for reactor::Buffer: a sequence of operations read from the input is applied both
// to a Buffer and to a std::string standing for it; after each one the readable bytes must be the
// model's, the room promised by PrepareWrite must be writable (ASan checks that), and storage is
// held exactly when it should be.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "fuzz/operation_input.h"
#include "reactor/buffer.h"

namespace {

// A length: mostly small, sometimes up to 64 KiB, so growth and sliding both happen.
size_t Length(fuzz::OperationInput& in) {
  const uint8_t kind = in.Byte();
  const size_t low = in.Byte();
  if (kind < 192) return low % 64;
  if (kind < 248) return low * 16 + in.Byte() % 16;
  return (low << 8 | in.Byte()) % (64 * 1024 + 1);
}

[[noreturn]] void Fail(const char* op, const std::string& what) {
  std::fprintf(stderr, "after %s: %s\n", op, what.c_str());
  std::abort();
}

void Check(const reactor::Buffer& buffer, const std::string& model, const char* op) {
  if (buffer.size() != model.size() || buffer.empty() != model.empty() || buffer.view() != model) {
    Fail(op, "buffer holds " + std::to_string(buffer.size()) + " bytes, model " +
                 std::to_string(model.size()) +
                 (buffer.size() == model.size() ? ", differing" : ""));
  }
  if (buffer.capacity() < buffer.size()) Fail(op, "capacity below size");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::OperationInput in(data, size);
  reactor::Buffer buffer;
  std::string model;
  uint8_t fill = 0;  // bytes written are a running counter, so misplaced bytes show
  auto next_bytes = [&](size_t n) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(fill++);
    return bytes;
  };
  while (!in.done()) {
    switch (in.Byte() % 7) {
      case 0: {
        const std::string bytes = next_bytes(Length(in));
        buffer.Append(bytes);
        model += bytes;
        Check(buffer, model, "Append");
        break;
      }
      case 1: {
        const size_t n = Length(in);
        const size_t k = n == 0 ? 0 : in.Byte() % (n + 1);
        char* room = buffer.PrepareWrite(n);
        if (buffer.capacity() - buffer.size() < n) Fail("PrepareWrite", "less room than asked");
        if (buffer.view() != model) Fail("PrepareWrite", "readable bytes changed");
        const std::string bytes = next_bytes(n);
        if (n > 0) std::memcpy(room, bytes.data(), n);  // all of the room, only k committed
        buffer.Commit(k);
        model.append(bytes, 0, k);
        Check(buffer, model, "PrepareWrite+Commit");
        break;
      }
      case 2: {
        const size_t n = model.empty() ? 0 : Length(in) % (model.size() + 1);
        buffer.Consume(n);
        model.erase(0, n);
        Check(buffer, model, "Consume");
        if (model.empty() && buffer.capacity() > 0 && buffer.PrepareWrite(0) != buffer.data()) {
          Fail("Consume", "an emptied buffer did not rewind");
        }
        break;
      }
      case 3:
        buffer.Clear();
        model.clear();
        Check(buffer, model, "Clear");
        break;
      case 4: {
        const bool had_storage = buffer.capacity() > 0;
        const bool released = buffer.ReleaseIfEmpty();
        if (released != (model.empty() && had_storage)) Fail("ReleaseIfEmpty", "wrong answer");
        if (released && buffer.capacity() != 0) Fail("ReleaseIfEmpty", "storage kept");
        Check(buffer, model, "ReleaseIfEmpty");
        break;
      }
      case 5: {
        reactor::Buffer moved(std::move(buffer));
        if (buffer.size() != 0 || buffer.capacity() != 0) Fail("move", "source not left empty");
        Check(moved, model, "move construction");
        buffer = std::move(moved);
        Check(buffer, model, "move assignment");
        break;
      }
      case 6: {
        // Appending a view of the buffer's own bytes is not allowed (PrepareWrite may move
        // them); a copy is.
        const std::string own(buffer.view().substr(0, Length(in)));
        buffer.Append(own);
        model += own;
        Check(buffer, model, "Append of its own bytes (copied)");
        break;
      }
    }
  }
  return 0;
}
