// ParseStatus: the three outcomes every incremental parser in protocol/ reports, shared so that
// sessions, the load client and the split-point test driver treat all parsers alike.
#ifndef PROTOCOL_PARSE_STATUS_H_
#define PROTOCOL_PARSE_STATUS_H_

#include <string_view>

namespace protocol {

enum class ParseStatus {
  kComplete,    // one message parsed; its bytes are reported as consumed
  kIncomplete,  // need more bytes: call again with the same input plus what arrived since
  kError,       // malformed or over a limit; the stream cannot be resynchronised
};

inline std::string_view ParseStatusName(ParseStatus status) {
  switch (status) {
    case ParseStatus::kComplete:
      return "complete";
    case ParseStatus::kIncomplete:
      return "incomplete";
    case ParseStatus::kError:
      return "error";
  }
  return "?";
}

}  // namespace protocol

#endif  // PROTOCOL_PARSE_STATUS_H_
