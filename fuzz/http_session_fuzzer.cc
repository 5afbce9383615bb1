// Fuzz target for HttpSession, fed what a network connection could carry: the same responses
// whole as split (see session_check.h), output within the budget (a large body makes pipelined
// GETs reach it), and an error response last in its call and closing the connection, so nothing
// behind a bad request is ever parsed or answered.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz/session_check.h"
#include "reactor/buffer.h"
#include "server/http_session.h"

namespace {

// A fixed clock: responses carry a Date, and every delivery must produce the same bytes.
time_t FixedNow() { return 1700000000; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // First byte: the split seed. Second: the options (bit 0: a body of 300 KiB, so that a few
  // pipelined GETs pass the output budget; bit 1: tiny parser limits).
  const uint64_t seed = data[0];
  server::HttpOptions options;
  if (data[1] & 1) options.body = std::make_shared<const std::string>(300 * 1024, 'x');
  if (data[1] & 2) {
    options.max_request_line_bytes = 24;
    options.max_header_bytes = 48;
    options.max_body_bytes = 16;
  }
  const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);
  server::HttpFactory factory(options, FixedNow);

  // The largest response: a GET's, or an error's.
  reactor::OutputQueue largest;
  reactor::Output largest_output(largest, reactor::kDefaultOutputBudgetBytes);
  factory.AppendOk(largest_output, /*head=*/false, /*keep_alive=*/false, /*version_minor=*/0);
  const size_t max_reply = largest.size() + 1024;

  // Every response starts with "HTTP/1.1 " and no body holds that text; one with a status other
  // than 200 and 405 is an error response, which must be exactly what AppendError writes and end
  // the call's output.
  auto check_call = [&](std::string_view out, const reactor::ProtocolResult& result) {
    for (size_t at = out.find("HTTP/1.1 "); at != std::string_view::npos;
         at = out.find("HTTP/1.1 ", at + 1)) {
      const std::string_view status = out.substr(at + 9, 3);
      if (status == "200" || status == "405") continue;
      reactor::Buffer expected;
      factory.AppendError(expected, std::stoi(std::string(status)));
      if (out.substr(at) != expected.view()) {
        return std::string("an error response is not the last thing written: status ") +
               std::string(status);
      }
      if (!result.close_after_output) return std::string("an error response left it open");
      break;
    }
    return std::string();
  };
  fuzz::CheckSessionDeliveries(
      seed, stream, max_reply, [&] { return factory.NewSession(); }, check_call);
  return 0;
}
