// SvgLineChart: scales from the data's extent, round-number ticks, and the SVG text.
#include "client/svg_chart.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace client {
namespace {

// The drawing's own units; the page scales the whole SVG to its column.
constexpr double kWidth = 600;
constexpr double kHeight = 300;
constexpr double kLeft = 72;
constexpr double kRight = 34;  // room for the last x label
constexpr double kTop = 18;
constexpr double kBottom = 44;
constexpr int kTargetTicks = 5;
// Lines this short also get a dot per point: a one-second run is a single point, which a line
// alone would not show.
constexpr size_t kDottedBelow = 30;

// Colour-blind-safe (Okabe-Ito), dark enough to print.
constexpr std::string_view kColors[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                        "#e69f00", "#56b4e9", "#000000", "#b8860b"};

// 1, 2 or 5 times a power of ten, giving about `target` steps over `range`.
double NiceStep(double range, int target) {
  if (range <= 0) return 1;
  const double raw = range / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
}

std::vector<SvgLineChart::Tick> NiceTicks(double lo, double hi, double step,
                                          const std::function<std::string(double)>& format) {
  std::vector<SvgLineChart::Tick> ticks;
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push_back({v, format ? format(v) : absl::StrFormat("%g", v)});
  }
  return ticks;
}

}  // namespace

std::string_view ChartColor(int index) {
  constexpr int n = sizeof(kColors) / sizeof(kColors[0]);
  return kColors[((index % n) + n) % n];
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

SvgLineChart::SvgLineChart(std::string id, std::string x_title, std::string y_title)
    : id_(std::move(id)), x_title_(std::move(x_title)), y_title_(std::move(y_title)) {}

std::string SvgLineChart::Render() const {
  // The data's extent. y starts at 0: a latency or a rate read against zero is not exaggerated.
  double x_lo = x_min_, x_hi = -INFINITY, y_hi = 0;
  bool any_point = false;
  for (const Series& s : series_) {
    for (const auto& [x, y] : s.points) {
      x_lo = std::min(x_lo, x);
      x_hi = std::max(x_hi, x);
      y_hi = std::max(y_hi, y);
      any_point = true;
    }
  }
  for (const Marker& m : markers_) y_hi = std::max(y_hi, m.y);
  for (const Band& b : bands_) {
    x_lo = std::min(x_lo, b.from);
    x_hi = std::max(x_hi, b.to);
  }
  std::vector<Tick> x_ticks = x_ticks_;
  if (!x_ticks.empty()) {
    x_lo = x_ticks.front().at;
    x_hi = x_ticks.back().at;
  } else {
    if (!std::isfinite(x_lo)) x_lo = 0;
    if (!std::isfinite(x_hi)) x_hi = x_lo + 1;
    if (x_hi <= x_lo) x_hi = x_lo + 1;
    x_ticks = NiceTicks(x_lo, x_hi, NiceStep(x_hi - x_lo, kTargetTicks), x_format_);
  }
  // All zero (no errors): an axis from 0 to 1, so the flat line reads as zero.
  const double y_step = y_hi > 0 ? NiceStep(y_hi, kTargetTicks) : 1;
  const double y_top = std::max(1.0, std::ceil(y_hi / y_step)) * y_step;
  const std::vector<Tick> y_ticks = NiceTicks(0, y_top, y_step, y_format_);

  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  auto sx = [&](double x) { return kLeft + (x - x_lo) / (x_hi - x_lo) * plot_w; };
  auto sy = [&](double y) { return kTop + plot_h - y / y_top * plot_h; };

  std::string out = absl::StrFormat(
      "<svg class=\"chart\" data-chart=\"%s\" viewBox=\"0 0 %.0f %.0f\" "
      "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"%s\">\n",
      HtmlEscape(id_), kWidth, kHeight, HtmlEscape(absl::StrCat(y_title_, " by ", x_title_)));
  for (const Band& b : bands_) {
    const double x0 = sx(std::max(b.from, x_lo));
    const double x1 = sx(std::min(b.to, x_hi));
    if (x1 <= x0) continue;
    absl::StrAppendFormat(&out,
                          "<g class=\"band\" data-band=\"%s\" data-from=\"%g\" data-to=\"%g\">"
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>"
                          "<text x=\"%.1f\" y=\"%.1f\">%s</text></g>\n",
                          HtmlEscape(b.name), b.from, b.to, x0, kTop, x1 - x0, plot_h, x0 + 4,
                          kTop + 12, HtmlEscape(b.name));
  }
  absl::StrAppend(&out, "<g class=\"grid\">");
  for (const Tick& t : y_ticks) {
    absl::StrAppendFormat(&out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", kLeft,
                          kLeft + plot_w, sy(t.at), sy(t.at));
  }
  for (const Tick& t : x_ticks) {
    absl::StrAppendFormat(&out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", sx(t.at),
                          sx(t.at), kTop, kTop + plot_h);
  }
  absl::StrAppend(&out, "</g>\n<g class=\"axis y\">");
  for (const Tick& t : y_ticks) {
    absl::StrAppendFormat(&out, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", kLeft - 6, sy(t.at) + 4,
                          HtmlEscape(t.label));
  }
  absl::StrAppendFormat(&out,
                        "<text class=\"title\" transform=\"translate(14 %.1f) rotate(-90)\">%s"
                        "</text></g>\n<g class=\"axis x\">",
                        kTop + plot_h / 2, HtmlEscape(y_title_));
  for (const Tick& t : x_ticks) {
    absl::StrAppendFormat(&out, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", sx(t.at),
                          kTop + plot_h + 16, HtmlEscape(t.label));
  }
  absl::StrAppendFormat(&out, "<text class=\"title\" x=\"%.1f\" y=\"%.1f\">%s</text></g>\n",
                        kLeft + plot_w / 2, kHeight - 6, HtmlEscape(x_title_));
  absl::StrAppendFormat(&out,
                        "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        "height=\"%.1f\"/>\n",
                        kLeft, kTop, plot_w, plot_h);
  for (const Series& s : series_) {
    absl::StrAppendFormat(&out,
                          "<polyline class=\"line%s\" data-run=\"%s\" data-series=\"%s\" "
                          "data-points=\"%d\" stroke=\"%s\" points=\"",
                          s.dashed ? " dashed" : "", HtmlEscape(s.run), HtmlEscape(s.name),
                          s.points.size(), ChartColor(s.color));
    for (size_t i = 0; i < s.points.size(); ++i) {
      absl::StrAppendFormat(&out, "%s%.1f,%.1f", i == 0 ? "" : " ", sx(s.points[i].first),
                            sy(s.points[i].second));
    }
    absl::StrAppend(&out, "\"/>\n");
    if (s.points.size() < kDottedBelow) {
      absl::StrAppendFormat(&out, "<g class=\"dots\" fill=\"%s\">", ChartColor(s.color));
      for (const auto& [x, y] : s.points) {
        absl::StrAppendFormat(&out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/>", sx(x), sy(y));
      }
      absl::StrAppend(&out, "</g>\n");
    }
  }
  for (size_t i = 0; i < markers_.size(); ++i) {
    const Marker& m = markers_[i];
    const double x = sx(m.x);
    const double y = sy(m.y);
    // Labels go left of points in the right half, so they stay inside the plot.
    const bool left = x > kLeft + plot_w / 2;
    absl::StrAppendFormat(&out,
                          "<g class=\"marker\" data-run=\"%s\" data-marker=\"%s\">"
                          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>"
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">%s</text>"
                          "</g>\n",
                          HtmlEscape(m.run), HtmlEscape(m.name), x, y, ChartColor(m.color),
                          left ? x - 7 : x + 7, std::max(kTop + 10, y - 6 - 13.0 * m.label_row),
                          left ? "end" : "start", ChartColor(m.color), HtmlEscape(m.text));
  }
  if (!any_point) {
    absl::StrAppendFormat(&out, "<text class=\"empty\" x=\"%.1f\" y=\"%.1f\">no data</text>\n",
                          kLeft + plot_w / 2, kTop + plot_h / 2);
  }
  absl::StrAppend(&out, "</svg>\n");
  return out;
}

}  // namespace client
