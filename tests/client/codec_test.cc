// The request codecs and reply verifiers on their own, without sockets: what they send, what
// they accept, and that a reply split at any byte verifies as it does whole.
#include <string>
#include <string_view>
#include <vector>

#include "client/http_codec.h"
#include "client/resp_codec.h"
#include "gtest/gtest.h"

namespace client {
namespace {

// Feeds `stream` to `verifier` as a connection would, `split` bytes at a time: every call sees
// what is unconsumed so far. Returns the complete results in order.
std::vector<VerifyResult> FeedInPieces(ResponseVerifier& verifier, std::string_view stream,
                                       size_t split) {
  std::vector<VerifyResult> out;
  std::string pending;
  for (size_t at = 0; at < stream.size(); at += split) {
    pending.append(stream.substr(at, split));
    while (!pending.empty()) {
      const VerifyResult r = verifier.Next(pending);
      pending.erase(0, r.consumed);
      if (r.kind == VerifyResult::kIncomplete) break;
      out.push_back(r);
      if (r.kind == VerifyResult::kMalformed) return out;
    }
  }
  return out;
}

TEST(HttpVerifierTest, InterimResponsesAreSkippedAtAnySplit) {
  const std::string stream =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
      "HTTP/1.1 102 Processing\r\n\r\n"
      "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
  for (size_t split = 1; split <= stream.size(); ++split) {
    HttpVerifier verifier;
    const std::vector<VerifyResult> results = FeedInPieces(verifier, stream, split);
    ASSERT_EQ(results.size(), 2u) << "split " << split;
    EXPECT_EQ(results[0].kind, VerifyResult::kOk);
    EXPECT_EQ(results[0].status_class, 2);
    EXPECT_EQ(results[1].kind, VerifyResult::kErrorReply);
    EXPECT_EQ(results[1].status_class, 4);
    EXPECT_FALSE(results[1].last_on_connection);
  }
}

TEST(HttpVerifierTest, SwitchingProtocolsIsFinalAndTheLastOnItsConnection) {
  HttpVerifier verifier;
  const VerifyResult r = verifier.Next(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n");
  EXPECT_EQ(r.kind, VerifyResult::kErrorReply);
  EXPECT_EQ(r.status_class, 1);
  EXPECT_TRUE(r.last_on_connection);
}

TEST(HttpVerifierTest, FinishCompletesABodyEndedByTheClose) {
  const std::string response = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello";
  HttpVerifier verifier;
  EXPECT_EQ(verifier.Next(response).kind, VerifyResult::kIncomplete);
  const VerifyResult r = verifier.Finish(response);
  EXPECT_EQ(r.kind, VerifyResult::kOk);
  EXPECT_EQ(r.consumed, response.size());
  EXPECT_TRUE(r.last_on_connection);
  // A clean close between responses completes nothing; a cut-off response is malformed.
  HttpVerifier idle;
  EXPECT_EQ(idle.Finish("").kind, VerifyResult::kIncomplete);
  HttpVerifier cut;
  EXPECT_EQ(cut.Finish("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nok").kind,
            VerifyResult::kMalformed);
}

TEST(RespCodecTest, ACommandLineIsOneArrayOfItsWords) {
  EXPECT_EQ(RespCodec("SET key value", 64).RequestFor(0),
            "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n");
  EXPECT_EQ(RespCodec("  GET \t key ", 64).RequestFor(7), "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n");
  EXPECT_EQ(RespCodec("PING", 64).RequestFor(3), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(RespCodec("ping", 64).expect(), RespCodec::Expect::kPong);
  EXPECT_EQ(RespCodec("PING hello", 64).expect(), RespCodec::Expect::kNoError);
  EXPECT_EQ(RespCodec("ECHO hello", 64).expect(), RespCodec::Expect::kNoError);
  EXPECT_EQ(RespCodec("GET key", 64).expect(), RespCodec::Expect::kNoError);
}

TEST(RespCodecTest, EchoAloneSendsAPayloadPerPhase) {
  const RespCodec codec("ECHO", 5);
  EXPECT_EQ(codec.expect(), RespCodec::Expect::kPayload);
  EXPECT_EQ(codec.RequestFor(0), "*2\r\n$4\r\nECHO\r\n$5\r\nabcde\r\n");
  EXPECT_EQ(codec.RequestFor(1), "*2\r\n$4\r\nECHO\r\n$5\r\nbcdef\r\n");
  auto verifier = codec.NewVerifier(codec.RequestFor(1));
  EXPECT_EQ(verifier->Next("$5\r\nbcdef\r\n").kind, VerifyResult::kOk);
  EXPECT_EQ(verifier->Next("$5\r\nabcde\r\n").kind, VerifyResult::kMismatch);
}

TEST(RespCodecTest, WhatEachCommandAccepts) {
  const RespCodec any("GET key", 0);
  auto verifier = any.NewVerifier(any.RequestFor(0));
  for (std::string_view reply : {"+OK\r\n", "$-1\r\n", ":1\r\n", "*0\r\n", "$1\r\nx\r\n"}) {
    const VerifyResult r = verifier->Next(reply);
    EXPECT_EQ(r.kind, VerifyResult::kOk) << reply;
    EXPECT_EQ(r.consumed, reply.size()) << reply;
  }
  const VerifyResult error = verifier->Next("-ERR no\r\n");
  EXPECT_EQ(error.kind, VerifyResult::kErrorReply);
  EXPECT_EQ(error.detail, "ERR no");

  const RespCodec ping("PING", 0);
  auto pong = ping.NewVerifier(ping.RequestFor(0));
  EXPECT_EQ(pong->Next("+PONG\r\n").kind, VerifyResult::kOk);
  EXPECT_EQ(pong->Next("+OK\r\n").kind, VerifyResult::kMismatch);
}

}  // namespace
}  // namespace client
