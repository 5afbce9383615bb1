// ParseStatus: the three outcomes every incremental parser in protocol/ reports, shared so that
// sessions, the load client and the split-point test driver treat all parsers alike.
#ifndef PROTOCOL_PARSE_STATUS_H_
#define PROTOCOL_PARSE_STATUS_H_

namespace protocol {

enum class ParseStatus {
  kComplete,    // one message parsed; its bytes are reported as consumed
  kIncomplete,  // need more bytes: call again with the same input plus what arrived since
  kError,       // malformed or over a limit; the stream cannot be resynchronised
};

}  // namespace protocol

#endif  // PROTOCOL_PARSE_STATUS_H_
