// FormatHtmlReport without a browser: the page for runs that measured little or nothing, text
// from the run escaped, and no NaN or infinity reaching the SVG.
#include "client/html_report.h"

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
