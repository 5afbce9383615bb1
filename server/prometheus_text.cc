// PrometheusText: families, label sets and number formatting of the exposition format.
#include "server/prometheus_text.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace server {
namespace {

using reactor::HistogramField;
using reactor::StatField;
using reactor::StatKind;

std::string Str(std::string_view s) { return std::string(s); }

void AppendHeader(std::string& out, std::string_view family, std::string_view help,
                  std::string_view type) {
  absl::StrAppend(&out, "# HELP ", Str(family), " ", Str(help), "\n", "# TYPE ", Str(family), " ",
                  Str(type), "\n");
}

}  // namespace

std::string FormatScaled(uint64_t value, double scale) {
  if (scale == 1) return absl::StrCat(value);
  std::string text = absl::StrFormat("%.9f", static_cast<double>(value) * scale);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string PrometheusText(absl::Span<const reactor::ServerStats> loops,
                           std::string_view protocol) {
  std::string out;
  const absl::Span<const StatField> fields = reactor::StatFields();
  for (size_t first = 0; first < fields.size();) {
    size_t end = first + 1;  // the family's fields are contiguous in the table
    while (end < fields.size() && fields[end].family == fields[first].family) ++end;
    AppendHeader(out, fields[first].family, fields[first].help,
                 fields[first].kind == StatKind::kCounter ? "counter" : "gauge");
    for (size_t i = first; i < end; ++i) {
      const StatField& field = fields[i];
      for (size_t loop = 0; loop < loops.size(); ++loop) {
        std::string labels = absl::StrCat("loop=\"", loop, "\"");
        if (field.per_protocol) absl::StrAppend(&labels, ",protocol=\"", Str(protocol), "\"");
        if (!field.label.empty()) {
          absl::StrAppend(&labels, ",", Str(field.label), "=\"", Str(field.label_value), "\"");
        }
        absl::StrAppend(&out, Str(field.family), "{", labels, "} ", field.get(loops[loop]).value(),
                        "\n");
      }
    }
    first = end;
  }
  for (const HistogramField& field : reactor::HistogramFields()) {
    AppendHeader(out, field.family, field.help, "histogram");
    const std::string family = Str(field.family);
    for (size_t loop = 0; loop < loops.size(); ++loop) {
      const reactor::Histogram& histogram = field.get(loops[loop]);
      const std::string loop_label = absl::StrCat("loop=\"", loop, "\"");
      uint64_t cumulative = 0;
      const absl::Span<const uint64_t> bounds = histogram.bounds();
      for (size_t b = 0; b <= bounds.size(); ++b) {
        cumulative += histogram.bucket(b);
        const std::string le = b < bounds.size() ? FormatScaled(bounds[b], field.scale) : "+Inf";
        absl::StrAppend(&out, family, "_bucket{", loop_label, ",le=\"", le, "\"} ", cumulative,
                        "\n");
      }
      absl::StrAppend(&out, family, "_sum{", loop_label, "} ",
                      FormatScaled(histogram.sum(), field.scale), "\n");
      absl::StrAppend(&out, family, "_count{", loop_label, "} ", cumulative, "\n");
    }
  }
  return out;
}

}  // namespace server
