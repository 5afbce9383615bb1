// FormatHtmlReport without a browser: the page for runs that measured little or nothing, text
// from the run escaped, and no NaN or infinity reaching the SVG.
#include "client/html_report.h"

#include <regex>
#include <string>

#include "absl/strings/match.h"
#include "client/svg_chart.h"
#include "gtest/gtest.h"

namespace client {
namespace {

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

void ExpectFiniteNumbers(const std::string& html) {
  for (const char* bad : {"nan", "inf", "NaN", "Infinity"}) {
    EXPECT_FALSE(absl::StrContains(html, absl::StrCat("\"", bad))) << bad;
    EXPECT_FALSE(absl::StrContains(html, absl::StrCat(",", bad))) << bad;
    EXPECT_FALSE(absl::StrContains(html, absl::StrCat(" ", bad, ","))) << bad;
  }
}

TEST(HtmlReportTest, ARunThatMeasuredNothingStillHasEveryChart) {
  RunReport empty;
  empty.config = {{"target", "127.0.0.1:1"}, {"protocol", "echo"}, {"warmup", "0"}};
  const std::string html = FormatHtmlReport({{"nothing", &empty}});
  EXPECT_EQ(Count(html, "<svg class=\"chart\""), 5);
  EXPECT_EQ(Count(html, ">no data</text>"), 5);
  EXPECT_FALSE(absl::StrContains(html, "class=\"band\""));  // no warm-up, nothing shaded
  ExpectFiniteNumbers(html);
}

TEST(HtmlReportTest, OneValueAndOverflowDrawFiniteLines) {
  RunReport r;
  r.config = {{"warmup", "1.5s"}};
  r.stats.corrected.Record(LatencyHistogram::kMaxTrackableNanos * 3);  // overflow only
  r.stats.uncorrected.Record(1);
  r.stats.connect.Record(0);
  SeriesPoint p;
  p.second = 2;
  p.responses = 1;
  p.latency = r.stats.uncorrected.ToSnapshot();
  r.series.push_back(p);
  const std::string html = FormatHtmlReport({{"tiny", &r}});
  ExpectFiniteNumbers(html);
  EXPECT_TRUE(absl::StrContains(html, "data-band=\"warm-up\" data-from=\"0\" data-to=\"1.5\""));
  EXPECT_TRUE(absl::StrContains(html, "data-series=\"corrected\" data-points=\"2\""));
}

// The last second of a run is usually partial: drawn as a rate over its span, at its end.
TEST(HtmlReportTest, APartialSecondIsARateOverItsSpan) {
  RunReport r;
  SeriesPoint full;
  full.second = 1;
  full.responses = 100;
  SeriesPoint half = full;
  half.second = 2;
  half.span_seconds = 0.5;
  half.responses = 50;
  r.series = {full, half};
  const std::string html = FormatHtmlReport({{"run", &r}});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      html, m,
      std::regex("data-series=\"responses\" data-points=\"2\"[^>]*points=\"([0-9.]+),([0-9.]+) "
                 "([0-9.]+),([0-9.]+)\"")));
  EXPECT_EQ(m[2].str(), m[4].str());  // the same rate: the same height
  // x: 1 s and 1.5 s on an axis from 0: the second point is 1.5 times as far right of the origin.
  std::smatch zero;
  ASSERT_TRUE(
      std::regex_search(html, zero, std::regex("<text x=\"([0-9.]+)\" y=\"[0-9.]+\">0s</text>")));
  const double origin = std::stod(zero[1].str());  // where the time axis' 0 s is drawn
  EXPECT_NEAR((std::stod(m[3].str()) - origin) / (std::stod(m[1].str()) - origin), 1.5, 0.01);
}

TEST(HtmlReportTest, TextFromTheRunIsEscaped) {
  RunReport r;
  r.config = {{"path", "/<script>alert(1)</script>"}};
  r.stats.errors_by_detail["-ERR <b>bad</b> & \"worse\""] = 2;
  const std::string html = FormatHtmlReport({{"a<b>&\"c", &r}, {"second", &r}});
  EXPECT_FALSE(absl::StrContains(html, "<script>alert"));
  EXPECT_FALSE(absl::StrContains(html, "<b>bad"));
  EXPECT_TRUE(absl::StrContains(html, "-ERR &lt;b&gt;bad&lt;/b&gt; &amp; &quot;worse&quot;"));
  EXPECT_TRUE(absl::StrContains(html, "data-run=\"a&lt;b&gt;&amp;&quot;c\""));
  EXPECT_TRUE(absl::StrContains(html, "<title>2 runs: a&lt;b&gt;&amp;&quot;c, second</title>"));
  // Each run keeps one colour in every chart.
  EXPECT_NE(ChartColor(0), ChartColor(1));
  EXPECT_TRUE(absl::StrContains(html, std::string("stroke=\"") + std::string(ChartColor(1))));
}

}  // namespace
}  // namespace client
