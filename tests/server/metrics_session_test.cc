// Tests for MetricsSession, on bytes alone: GET /metrics answers the rendered text with the
// exposition format's Content-Type; other paths 404, other methods 405; keep-alive and bad
// requests as HTTP expects.
#include "server/metrics_session.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/server/session_driver.h"

namespace server {
namespace {

using testing::SessionDriver;

class MetricsSessionTest : public ::testing::Test {
 protected:
  SessionDriver NewDriver() { return SessionDriver(factory_.NewSession()); }

  int renders_ = 0;
  MetricsFactory factory_{[this] {
    ++renders_;
    return std::string("requests_total 42\n");
  }};
};

TEST_F(MetricsSessionTest, GetMetricsAnswersTheRenderedText) {
  SessionDriver d = NewDriver();
  EXPECT_EQ(d.Feed("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            "Content-Length: 18\r\n\r\nrequests_total 42\n");
  EXPECT_FALSE(d.closed());
  EXPECT_EQ(renders_, 1);
}

TEST_F(MetricsSessionTest, QueryStringIsIgnoredAndHeadHasNoBody) {
  SessionDriver d = NewDriver();
  EXPECT_NE(d.Feed("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n").find("200 OK"),
            std::string::npos);
  const std::string head = d.Feed("HEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_NE(head.find("Content-Length: 18\r\n\r\n"), std::string::npos);
  EXPECT_EQ(head.find("requests_total"), std::string::npos);
}

TEST_F(MetricsSessionTest, OtherPathsAre404AndKeepTheConnection) {
  SessionDriver d = NewDriver();
  const std::string reply = d.Feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << reply;
  EXPECT_FALSE(d.closed());
  EXPECT_EQ(d.Feed("GET /metricsx HTTP/1.1\r\nHost: a\r\n\r\n").rfind("HTTP/1.1 404", 0), 0u);
  EXPECT_EQ(renders_, 0);
}

TEST_F(MetricsSessionTest, OtherMethodsAre405) {
  SessionDriver d = NewDriver();
  const std::string reply =
      d.Feed("POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
  EXPECT_EQ(reply.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("Allow: GET, HEAD\r\n"), std::string::npos);
}

TEST_F(MetricsSessionTest, PipelinedScrapesAnsweredInOrder) {
  SessionDriver d = NewDriver();
  const std::string reply = d.Feed(
      "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /metrics HTTP/1.0\r\n\r\n");
  const size_t first = reply.find("200 OK");
  const size_t second = reply.find("404 Not Found");
  const size_t third = reply.find("200 OK", second);
  EXPECT_LT(first, second);
  EXPECT_NE(third, std::string::npos);
  EXPECT_NE(reply.find("Connection: close", second), std::string::npos);  // HTTP/1.0
  EXPECT_TRUE(d.closed());
  EXPECT_EQ(renders_, 2);
}

TEST_F(MetricsSessionTest, MalformedRequestGetsItsStatusAndCloses) {
  SessionDriver d = NewDriver();
  const std::string reply = d.Feed("GET /metrics HTTP/1.1\r\n\r\n");  // no Host
  EXPECT_EQ(reply.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(d.closed());
}

}  // namespace
}  // namespace server
