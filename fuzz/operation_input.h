// OperationInput: a fuzzer's bytes read as a stream of operations and their arguments, for the
// targets that apply operations to a data structure and to a model of it. Past the end every
// read gives 0, so a short input is still a whole sequence.
#ifndef FUZZ_OPERATION_INPUT_H_
#define FUZZ_OPERATION_INPUT_H_

#include <cstddef>
#include <cstdint>

namespace fuzz {

class OperationInput {
 public:
  OperationInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return at_ >= size_; }
  uint8_t Byte() { return at_ < size_ ? data_[at_++] : 0; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

}  // namespace fuzz

#endif  // FUZZ_OPERATION_INPUT_H_
