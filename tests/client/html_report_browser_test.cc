// The HTML report opened in a real browser: //client:client writes it after a real run against
// //server:server (and `client report` overlays two runs), Debian's chromium renders it
// headless, and the checks read the DOM after rendering: every chart is laid out with as many
// points as the run measured, the labels show the JSON's p50/p99, and the browser logged no
// error. Screenshots and a PDF print go to TEST_UNDECLARED_OUTPUTS_DIR for a person to look at.
#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/ledger.h"
#include "client/percentile_distribution.h"
#include "client/progress_reporter.h"
#include "client/run_report.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/client/client_process_testing.h"
#include "tests/support/subprocess.h"

namespace {

using client_testing::ReadFile;
using client_testing::RunClient;
using client_testing::TempPath;
using reactor_testing::Subprocess;

constexpr char kChromium[] = "/usr/bin/chromium";

std::string OutputPath(const std::string& name) {
  const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  return dir != nullptr ? absl::StrCat(dir, "/", name) : TempPath(name);
}

struct Rendered {
  std::string dom;  // the DOM after loading, as chromium serialises it
  std::string log;  // chromium's own log (stderr), console messages included
};

// Renders `html_path` in headless chromium at 1280x800 without network (a reference to anything
// outside the file fails to load), once for the DOM, a screenshot and a PDF print.
Rendered RunChromium(const std::string& html_path, const std::string& screenshot,
                     const std::string& pdf) {
  static int profile = 0;
  auto browser = Subprocess::Start(
      kChromium,
      {"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
       "--user-data-dir=" + TempPath(absl::StrCat("chromium-profile-", profile++)),
       "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
       "--window-size=1280,800", "--dump-dom", "--screenshot=" + screenshot,
       "--print-to-pdf=" + pdf, "file://" + html_path},
      {"HOME=" + TempPath("")});
  if (browser == nullptr) {
    ADD_FAILURE() << "cannot start " << kChromium;
    return {};
  }
  const std::optional<int> status = browser->Wait(absl::Seconds(60));
  EXPECT_TRUE(status.has_value()) << "chromium did not finish in 60 s";
  return {browser->stdout_text(), browser->stderr_text()};
}

std::string Attribute(const std::string& element, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(element, m, std::regex(" " + name + "=\"([^\"]*)\""))) return "";
  return m[1].str();
}

// The <svg data-chart=id> element's text, or "" when the DOM has none.
std::string Chart(const std::string& dom, const std::string& id) {
  const size_t at = dom.find(absl::StrCat("data-chart=\"", id, "\""));
  if (at == std::string::npos) return "";
  const size_t begin = dom.rfind("<svg", at);
  const size_t end = dom.find("</svg>", at);
  return dom.substr(begin, end - begin);
}

struct Line {
  int declared = -1;  // data-points
  int drawn = 0;      // x,y pairs in points=
};

// The line of `run` and `series` in a chart; drawn = -1 when there is none.
Line FindLine(const std::string& svg, const std::string& run, const std::string& series) {
  const std::regex polyline("<polyline[^>]*>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), polyline);
       it != std::sregex_iterator(); ++it) {
    const std::string element = it->str();
    if (Attribute(element, "data-run") != run || Attribute(element, "data-series") != series) {
      continue;
    }
    Line line;
    line.declared = std::atoi(Attribute(element, "data-points").c_str());
    for (absl::string_view pair :
         absl::StrSplit(Attribute(element, "points"), ' ', absl::SkipEmpty())) {
      line.drawn += absl::StrContains(pair, ',') ? 1 : 0;
    }
    return line;
  }
  return {-1, -1};
}

// The text drawn by the marker `name` of `run` in a chart.
std::string MarkerText(const std::string& svg, const std::string& run, const std::string& name) {
  std::smatch m;
  const std::regex marker("<g class=\"marker\" data-run=\"" + run + "\" data-marker=\"" + name +
                          "\">.*?<text[^>]*>([^<]*)</text>");
  return std::regex_search(svg, m, marker) ? m[1].str() : "";
}

// What one run measured, read back from its JSON: the counts each chart must draw.
struct Measured {
  std::string label;
  client::RunReport report;
  nlohmann::json json;
  size_t seconds_with_latency = 0;
};

Measured ReadMeasured(const std::string& label, const std::string& json_path) {
  const std::string text = ReadFile(json_path);
  Measured m{label, {}, nlohmann::json::parse(text)};
  auto report = client::RunReport::FromJson(text);
  EXPECT_TRUE(report.ok()) << report.status();
  if (report.ok()) m.report = *std::move(report);
  for (const client::SeriesPoint& p : m.report.series) {
    m.seconds_with_latency += p.latency.buckets.empty() && p.latency.overflow_count == 0 ? 0 : 1;
  }
  return m;
}

void ExpectLine(const std::string& dom, const std::string& chart, const std::string& run,
                const std::string& series, size_t expected) {
  const Line line = FindLine(Chart(dom, chart), run, series);
  EXPECT_EQ(line.drawn, static_cast<int>(expected)) << chart << " / " << run << " / " << series;
  EXPECT_EQ(line.declared, line.drawn) << chart << " / " << run << " / " << series;
}

// Every check of a rendered report against the runs it shows.
// The ledger table's cell for a counter and a run (its column), or "" when there is none.
std::string LedgerCell(const std::string& dom, const std::string& field, size_t column) {
  std::smatch row;
  if (!std::regex_search(dom, row, std::regex("<tr data-field=\"" + field + "\">(.*?)</tr>"))) {
    return "";
  }
  const std::string cells = row[1].str();
  const std::regex cell("<td>([^<]*)</td>");
  auto it = std::sregex_iterator(cells.begin(), cells.end(), cell);
  for (size_t i = 0; i <= column && it != std::sregex_iterator(); ++i, ++it) {
    if (i == column) return (*it)[1].str();
  }
  return "";
}

void ExpectReportShows(const Rendered& page, const std::vector<Measured>& runs) {
  // The browser logged no console message, the page's own error hook saw nothing, and every
  // chart was laid out with a size.
  for (absl::string_view line : absl::StrSplit(page.log, '\n')) {
    EXPECT_FALSE(absl::StrContains(line, "CONSOLE")) << line;
  }
  std::smatch html;
  ASSERT_TRUE(std::regex_search(page.dom, html, std::regex("<html[^>]*>"))) << page.dom;
  EXPECT_EQ(Attribute(html.str(), "data-errors"), "") << html.str();
  const std::vector<std::string> charts = {"latency-percentiles", "requests-per-second",
                                           "latency-over-time", "errors-per-second",
                                           "connect-percentiles"};
  EXPECT_EQ(Attribute(html.str(), "data-charts-laid-out"), absl::StrCat(charts.size()))
      << html.str();
  for (const std::string& chart : charts) EXPECT_NE(Chart(page.dom, chart), "") << chart;

  for (size_t r = 0; r < runs.size(); ++r) {
    const Measured& m = runs[r];
    const client::LoadStats& s = m.report.stats;
    // Every ledger counter, in the run's column (after the counter's name), as the JSON has it.
    for (const client::LedgerField& field : client::kLedgerFields) {
      const std::string name(field.name);
      EXPECT_EQ(LedgerCell(page.dom, name, r + 1),
                absl::StrCat(m.json.at("ledger").at(name).get<uint64_t>()))
          << m.label << " " << name;
    }
    ExpectLine(page.dom, "latency-percentiles", m.label, "corrected",
               client::PercentileDistribution(s.corrected).size());
    ExpectLine(page.dom, "latency-percentiles", m.label, "uncorrected",
               client::PercentileDistribution(s.uncorrected).size());
    ExpectLine(page.dom, "connect-percentiles", m.label, "connect",
               client::PercentileDistribution(s.connect).size());
    ExpectLine(page.dom, "requests-per-second", m.label, "responses", m.report.series.size());
    ExpectLine(page.dom, "errors-per-second", m.label, "errors", m.report.series.size());
    ExpectLine(page.dom, "latency-over-time", m.label, "p50", m.seconds_with_latency);
    ExpectLine(page.dom, "latency-over-time", m.label, "p99", m.seconds_with_latency);

    // The labels show the JSON's figures.
    const nlohmann::json& latency = m.json.at("latency").at("corrected");
    const std::string p50 = client::FormatNanos(latency.at("p50_ns").get<int64_t>());
    const std::string p99 = client::FormatNanos(latency.at("p99_ns").get<int64_t>());
    EXPECT_EQ(MarkerText(Chart(page.dom, "latency-percentiles"), m.label, "p50"), "p50 " + p50)
        << m.label;
    EXPECT_EQ(MarkerText(Chart(page.dom, "latency-percentiles"), m.label, "p99"), "p99 " + p99)
        << m.label;
    std::smatch row;
    ASSERT_TRUE(
        std::regex_search(page.dom, row, std::regex("<tr data-run=\"" + m.label + "\">.*?</tr>")))
        << m.label;
    EXPECT_TRUE(absl::StrContains(row.str(), "<td data-value=\"p50\">" + p50 + "</td>"))
        << row.str();
    EXPECT_TRUE(absl::StrContains(row.str(), "<td data-value=\"p99\">" + p99 + "</td>"))
        << row.str();
  }
}

// Nothing in the file can reach outside it: no URL but the SVG namespace, no src/href, no url().
void ExpectSelfContained(const std::string& html) {
  std::string rest = html;
  const std::string svg_namespace = "http://www.w3.org/2000/svg";
  for (size_t at; (at = rest.find(svg_namespace)) != std::string::npos;) {
    rest.erase(at, svg_namespace.size());
  }
  for (const char* outside : {"http:", "https:", "//cdn", " src=", " href=", "url(", "@import"}) {
    EXPECT_FALSE(absl::StrContains(rest, outside)) << outside;
  }
}

class HtmlReportBrowserTest : public client_testing::EchoServerSuite {
 protected:
  // Two runs of different shapes: fixed rate with a warm-up (corrected and uncorrected differ)
  // and a short closed loop.
  static void SetUpTestSuite() {
    StartSuiteServer();
    RunClient({"--target=" + target(), "--protocol=echo", "--connections=8", "--rate=2000/s",
               "--warmup=1s", "--duration=3s", "--progress=false",
               "--json=" + TempPath("fixed.json"), "--html=" + TempPath("fixed.html")});
    RunClient({"--target=" + target(), "--protocol=echo", "--connections=4", "--duration=1s",
               "--progress=false", "--json=" + TempPath("closed.json")});
  }
};

TEST_F(HtmlReportBrowserTest, OneRunRendersEveryChartWithWhatItMeasured) {
  const std::string html = TempPath("fixed.html");
  // A single run is labelled by its target.
  Measured run = ReadMeasured("", TempPath("fixed.json"));
  run.label = run.report.config.at("target");
  ExpectSelfContained(ReadFile(html));
  const std::string png = OutputPath("html_report.png");
  const std::string pdf = OutputPath("html_report.pdf");
  const Rendered page = RunChromium(html, png, pdf);
  ExpectReportShows(page, {run});
  // The warm-up is shaded on the charts over time, from 0 to 1 s.
  const std::string& dom = page.dom;
  for (const char* chart : {"requests-per-second", "latency-over-time", "errors-per-second"}) {
    std::smatch band;
    const std::string svg = Chart(dom, chart);
    ASSERT_TRUE(std::regex_search(svg, band, std::regex("<g class=\"band\"[^>]*>"))) << chart;
    EXPECT_EQ(Attribute(band.str(), "data-band"), "warm-up") << chart;
    EXPECT_EQ(Attribute(band.str(), "data-from"), "0") << chart;
    EXPECT_EQ(Attribute(band.str(), "data-to"), "1") << chart;
  }
  // For a person: the page at 1280x800, and printed.
  EXPECT_TRUE(absl::StartsWith(ReadFile(png), "\x89PNG")) << png;
  EXPECT_TRUE(absl::StartsWith(ReadFile(pdf), "%PDF")) << pdf;
}

TEST_F(HtmlReportBrowserTest, ClientReportOverlaysLabelledRuns) {
  const std::string html = TempPath("both.html");
  RunClient({"report", TempPath("fixed.json"), TempPath("closed.json"),
             "--labels=fixed rate,closed loop", "--html=" + html});
  ExpectSelfContained(ReadFile(html));
  const Rendered page = RunChromium(html, OutputPath("html_report_two_runs.png"),
                                    OutputPath("html_report_two_runs.pdf"));
  ExpectReportShows(page, {ReadMeasured("fixed rate", TempPath("fixed.json")),
                           ReadMeasured("closed loop", TempPath("closed.json"))});
  EXPECT_TRUE(absl::StrContains(page.dom, "<title>2 runs: fixed rate, closed loop</title>"));
}

}  // namespace
