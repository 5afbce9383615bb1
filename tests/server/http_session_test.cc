// Tests for HttpSession: responses, keep-alive rules, pipelining, split input, errors closing
// the connection, draining, and the once-per-second Date.
#include "server/http_session.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/server/output_budget_check.h"
#include "tests/server/session_driver.h"

namespace server {
namespace {

using testing::SessionDriver;

// 1994-11-06 08:49:37 UTC, RFC 9110's example date.
constexpr time_t kFixedTime = 784111777;
constexpr std::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

std::string Ok(std::string_view connection_line = "", bool head = false) {
  std::string response =
      "HTTP/1.1 200 OK\r\nServer: reactor\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n"
      "Date: " +
      std::string(kDate) + "\r\n" + std::string(connection_line) + "\r\n";
  if (!head) response += "Hello, World!\n";
  return response;
}

std::string NotAllowed() {
  return "HTTP/1.1 405 Method Not Allowed\r\nServer: reactor\r\nAllow: GET, HEAD\r\n"
         "Content-Type: text/plain\r\nContent-Length: 19\r\nDate: " +
         std::string(kDate) + "\r\n\r\nMethod Not Allowed\n";
}

std::string ErrorResponse(int status, std::string_view reason) {
  const std::string body = std::string(reason) + "\n";
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nServer: reactor\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nDate: " + std::string(kDate) +
         "\r\nConnection: close\r\n\r\n" + body;
}

class HttpSessionTest : public ::testing::Test {
 protected:
  SessionDriver NewDriver() { return SessionDriver(factory_.NewSession()); }

  HttpFactory factory_{HttpOptions{}, [] { return kFixedTime; }};
};

TEST_F(HttpSessionTest, GetKeepAlive) {
  SessionDriver d = NewDriver();
  EXPECT_EQ(d.Feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), Ok());
  EXPECT_FALSE(d.closed());
  EXPECT_EQ(d.Feed("GET /x HTTP/1.1\r\nHost: a\r\n\r\n"), Ok());
}

TEST_F(HttpSessionTest, HeadHasNoBody) {
  SessionDriver d = NewDriver();
  EXPECT_EQ(d.Feed("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"), Ok("", /*head=*/true));
}

TEST_F(HttpSessionTest, KeepAliveRules) {
  SessionDriver close11 = NewDriver();
  EXPECT_EQ(
      close11.Feed("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n"),
      Ok("Connection: close\r\n"));
  EXPECT_TRUE(close11.closed());

  SessionDriver plain10 = NewDriver();
  EXPECT_EQ(plain10.Feed("GET / HTTP/1.0\r\n\r\n"), Ok("Connection: close\r\n"));
  EXPECT_TRUE(plain10.closed());

  SessionDriver keep10 = NewDriver();
  EXPECT_EQ(keep10.Feed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
            Ok("Connection: keep-alive\r\n"));
  EXPECT_FALSE(keep10.closed());
}

TEST_F(HttpSessionTest, PipelinedInOrderWholeAndSplit) {
  const std::string requests =
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
      "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
      "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  const std::string expected = Ok() + Ok("", true) + NotAllowed() + Ok() + Ok();
  SessionDriver whole = NewDriver();
  EXPECT_EQ(whole.Feed(requests), expected);
  SessionDriver split = NewDriver();
  EXPECT_EQ(split.FeedByteByByte(requests), expected);
  EXPECT_EQ(split.pending(), 0u);
  EXPECT_FALSE(split.closed());
}

TEST_F(HttpSessionTest, ErrorsReplyWithStatusAndClose) {
  struct Case {
    std::string request;
    int status;
    std::string reason;
  };
  const Case cases[] = {
      {"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, "Bad Request"},
      {"GET / HTTP/1.1\r\n\r\n", 400, "Bad Request"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
       "Bad Request"},
      {"GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", 414, "URI Too Long"},
      {"GET / HTTP/1.1\r\nX: " + std::string(40000, 'a') + "\r\n\r\n", 431,
       "Request Header Fields Too Large"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n", 413, "Content Too Large"},
      {"BREW / HTTP/1.1\r\nHost: a\r\n\r\n", 501, "Not Implemented"},
      {"GET / HTTP/2.0\r\n\r\n", 505, "HTTP Version Not Supported"},
  };
  // Requests behind the bad one, in the same read: never parsed, never answered.
  const std::string behind = "GET / HTTP/1.1\r\nHost: a\r\n\r\nBREW / HTTP/1.1\r\n\r\n";
  for (const Case& c : cases) {
    SessionDriver d = NewDriver();
    EXPECT_EQ(d.Feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n" + c.request + behind),
              Ok() + ErrorResponse(c.status, c.reason))
        << c.status;
    EXPECT_TRUE(d.closed());
    EXPECT_EQ(d.pending(), 0u) << "the bytes behind an error are dropped, not kept";
  }
}

TEST_F(HttpSessionTest, DrainClosesAfterNextResponse) {
  SessionDriver d = NewDriver();
  EXPECT_EQ(d.Feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), Ok());
  d.session().OnDrain();
  EXPECT_EQ(d.Feed("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
            Ok("Connection: close\r\n"));
  EXPECT_TRUE(d.closed());
}

TEST_F(HttpSessionTest, RejectionIs503WithClose) {
  const std::string_view rejection = factory_.RejectionMessage();
  EXPECT_EQ(rejection.substr(0, 33), "HTTP/1.1 503 Service Unavailable\r");
  EXPECT_NE(rejection.find("Connection: close\r\n"), std::string_view::npos);
  const size_t body = rejection.find("\r\n\r\n") + 4;
  EXPECT_NE(rejection.find("Content-Length: " + std::to_string(rejection.size() - body)),
            std::string_view::npos);
}

TEST(HttpDateCacheTest, FormatsOncePerSecond) {
  time_t now = kFixedTime;
  HttpDateCache cache([&] { return now; });
  const std::string_view first = cache.Get();
  EXPECT_EQ(first, kDate);
  EXPECT_EQ(cache.Get().data(), first.data());
  now += 1;
  EXPECT_EQ(cache.Get(), "Sun, 06 Nov 1994 08:49:38 GMT");
}

TEST(HttpOptionsTest, BodyOfNBytes) {
  HttpOptions options;
  options.body = std::make_shared<const std::string>(1000, 'x');
  HttpFactory factory(options, [] { return kFixedTime; });
  SessionDriver d(factory.NewSession());
  const std::string out = d.Feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_NE(out.find("Content-Length: 1000\r\n"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 1000), std::string(1000, 'x'));
}

// --http_body_bytes: 64 pipelined GETs of a 1 MiB body owe 64 MiB, but the output holds their
// headers only: the body is one shared block, sent from where it is.
TEST(HttpOptionsTest, ALargeBodyIsSharedNotCopiedIntoEveryResponse) {
  HttpOptions options;
  options.body = std::make_shared<const std::string>(1 << 20, 'x');
  HttpFactory factory(options, [] { return kFixedTime; });
  SessionDriver d(factory.NewSession(), /*output_budget=*/SIZE_MAX);
  std::string requests;
  for (int i = 0; i < 64; ++i) requests += "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  const std::string out = d.Feed(requests);
  const std::string reply =
      "HTTP/1.1 200 OK\r\nServer: reactor\r\nContent-Type: text/plain\r\n"
      "Content-Length: 1048576\r\nDate: " +
      std::string(kDate) + "\r\n\r\n" + *options.body;
  ASSERT_EQ(out.size(), 64 * reply.size());
  for (int i = 0; i < 64; ++i) {
    ASSERT_EQ(out.compare(i * reply.size(), reply.size(), reply), 0) << "response " << i;
  }
  EXPECT_LT(d.last_output_memory(), 64 * 1024) << "the body was copied into the responses";
}

// 64 KiB of pipelined requests, most of them GETs of a 1 MiB body (the rest HEADs and DELETEs,
// so that order shows): every call stops once its output reaches the budget, between requests,
// and the next call goes on where it stopped until each request has been answered once.
class HttpOutputBudgetTest : public ::testing::Test {
 protected:
  HttpOutputBudgetTest() {
    HttpOptions options;
    options.body = std::make_shared<const std::string>(1 << 20, 'x');
    factory_ = std::make_unique<HttpFactory>(options, [] { return kFixedTime; });
    const std::string head =
        "HTTP/1.1 200 OK\r\nServer: reactor\r\nContent-Type: text/plain\r\n"
        "Content-Length: 1048576\r\nDate: " +
        std::string(kDate) + "\r\n\r\n";
    head_reply_ = head;
    get_reply_ = head + *options.body;
    not_allowed_ = NotAllowed();
    size_t bytes = 0;
    for (int i = 0; bytes < 64 * 1024; ++i) {
      Exchange exchange;
      if (i % 5 == 3) {
        exchange = {"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n", head_reply_};
      } else if (i % 11 == 7) {
        exchange = {"DELETE /x HTTP/1.1\r\nHost: a\r\n\r\n", not_allowed_};
      } else {
        exchange = {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", get_reply_};
      }
      bytes += exchange.request.size();
      exchanges_.push_back(std::move(exchange));
    }
  }

  using Exchange = testing::Exchange;
  std::unique_ptr<HttpFactory> factory_;
  std::string get_reply_;
  std::string head_reply_;
  std::string not_allowed_;
  std::vector<Exchange> exchanges_;
};

TEST_F(HttpOutputBudgetTest, AllAtOnce) {
  SessionDriver d(factory_->NewSession());
  const testing::BudgetRun run = testing::CheckOutputBudget(d, exchanges_, SIZE_MAX);
  // A GET's reply alone reaches the budget, so every call but the last answers exactly one GET.
  EXPECT_GT(run.pauses, 1000u);
  EXPECT_EQ(run.calls, run.pauses + 1);
}

TEST_F(HttpOutputBudgetTest, ArrivingInPieces) {
  SessionDriver d(factory_->NewSession());
  const testing::BudgetRun run = testing::CheckOutputBudget(d, exchanges_, 1000);
  EXPECT_GT(run.pauses, 1000u);
}

// The usual case: a read's worth of pipelined GETs for a small body is answered in one call.
TEST_F(HttpSessionTest, ManySmallResponsesNeedNoPause) {
  SessionDriver d = NewDriver();
  std::string requests;
  std::string expected;
  for (int i = 0; i < 2000; ++i) {
    requests += "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    expected += Ok();
  }
  EXPECT_EQ(d.Feed(requests), expected);
  EXPECT_FALSE(d.paused());
  EXPECT_EQ(d.pending(), 0u);
}

}  // namespace
}  // namespace server
