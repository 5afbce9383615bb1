// HttpReasonPhrase: the reason phrase of the HTTP status codes our servers send (RFC 9110 15).
#ifndef PROTOCOL_HTTP_STATUS_H_
#define PROTOCOL_HTTP_STATUS_H_

#include <string_view>

namespace protocol {

// "OK" for 200, "Not Found" for 404, ...; "Error" for a code we never send.
std::string_view HttpReasonPhrase(int status);

}  // namespace protocol

#endif  // PROTOCOL_HTTP_STATUS_H_
