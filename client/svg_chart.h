// SvgLineChart: a line chart drawn as inline SVG text (axes, grid, shaded x ranges, lines,
// labelled markers), for reports that must open anywhere with no script or network.
#ifndef CLIENT_SVG_CHART_H_
#define CLIENT_SVG_CHART_H_

#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace client {

// The colours lines are drawn in, by index (a run keeps its colour across charts).
std::string_view ChartColor(int index);

// Escapes text for HTML and SVG content and attribute values.
std::string HtmlEscape(std::string_view text);

class SvgLineChart {
 public:
  struct Tick {
    double at = 0;
    std::string label;
  };
  struct Series {
    std::string run;   // data-run: which run the line belongs to
    std::string name;  // data-series: what it shows ("corrected", "p99", ...)
    int color = 0;     // ChartColor index
    bool dashed = false;
    std::vector<std::pair<double, double>> points;  // (x, y) in data units
  };
  struct Marker {
    std::string run;
    std::string name;  // data-marker ("p50")
    int color = 0;
    double x = 0;
    double y = 0;
    std::string text;   // drawn next to the point
    int label_row = 0;  // lifts the text by this many lines, so runs' labels do not overlap
  };
  struct Band {
    std::string name;  // data-band, and the label drawn in it
    double from = 0;
    double to = 0;
  };

  // `id` names the chart in the DOM (data-chart); the titles label the axes.
  SvgLineChart(std::string id, std::string x_title, std::string y_title);

  // Linear axes get round-number ticks labelled by these; the x axis may instead be given fixed
  // ticks (and then spans exactly their range).
  void set_x_format(std::function<std::string(double)> format) { x_format_ = std::move(format); }
  void set_y_format(std::function<std::string(double)> format) { y_format_ = std::move(format); }
  void set_x_ticks(std::vector<Tick> ticks) { x_ticks_ = std::move(ticks); }
  // Linear x axes start here at the latest (a time axis at the run's start, 0).
  void set_x_min(double x) { x_min_ = x; }
  void AddSeries(Series series) { series_.push_back(std::move(series)); }
  void AddMarker(Marker marker) { markers_.push_back(std::move(marker)); }
  void AddBand(Band band) { bands_.push_back(std::move(band)); }

  std::string Render() const;

 private:
  std::string id_;
  std::string x_title_;
  std::string y_title_;
  std::function<std::string(double)> x_format_;
  std::function<std::string(double)> y_format_;
  std::vector<Tick> x_ticks_;
  double x_min_ = INFINITY;
  std::vector<Series> series_;
  std::vector<Marker> markers_;
  std::vector<Band> bands_;
};

}  // namespace client

#endif  // CLIENT_SVG_CHART_H_
