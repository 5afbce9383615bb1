// RequestBatch: a request repeated into one contiguous buffer, so that a pipelined batch of it
// goes out in one send() straight from there, never assembled request by request.
// RequestBatches owns those buffers for a thread, one per distinct request.
#ifndef CLIENT_REQUEST_BATCH_H_
#define CLIENT_REQUEST_BATCH_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace client {

struct RequestBatch {
  // A request on its own: a batch of one.
  RequestBatch(std::string_view request)  // NOLINT(google-explicit-constructor)
      : bytes(request), request_size(request.size()) {}
  RequestBatch(std::string_view repeated, size_t request_size)
      : bytes(repeated), request_size(request_size) {}

  std::string_view request() const { return bytes.substr(0, request_size); }
  // How many requests one send() can take from `bytes`.
  size_t capacity() const { return request_size == 0 ? 1 : bytes.size() / request_size; }

  std::string_view bytes;  // the request, capacity() times over
  size_t request_size;
};

class RequestBatches {
 public:
  // Batches of up to `max_requests`, and no larger than `max_bytes` (at least one request).
  RequestBatches(size_t max_requests, size_t max_bytes)
      : max_requests_(max_requests), max_bytes_(max_bytes) {}

  // The batch for `request`, built on first use (set-up, not the hot path); it lives as long as
  // this object.
  RequestBatch For(std::string_view request);

 private:
  size_t max_requests_;
  size_t max_bytes_;
  struct Entry {
    std::string request;
    std::string repeated;
  };
  // Few (a codec has a handful of distinct requests); unique_ptr keeps each buffer in place.
  std::vector<std::unique_ptr<Entry>> batches_;
};

}  // namespace client

#endif  // CLIENT_REQUEST_BATCH_H_
