// RequestBatches: building each distinct request's batch once.
#include "client/request_batch.h"

#include <algorithm>

namespace client {

RequestBatch RequestBatches::For(std::string_view request) {
  for (const auto& entry : batches_) {
    if (entry->request == request) return RequestBatch(entry->repeated, request.size());
  }
  const size_t count = std::clamp<size_t>(max_bytes_ / std::max<size_t>(request.size(), 1), 1,
                                          std::max<size_t>(max_requests_, 1));
  auto entry = std::make_unique<Entry>();
  entry->request = request;
  entry->repeated.reserve(count * request.size());
  for (size_t i = 0; i < count; ++i) entry->repeated.append(request);
  batches_.push_back(std::move(entry));
  return RequestBatch(batches_.back()->repeated, request.size());
}

}  // namespace client
