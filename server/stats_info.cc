// StatsInfo: INFO keys and values from the counter table.
#include "server/stats_info.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "server/prometheus_text.h"

namespace server {
void AppendStatsInfo(const reactor::ServerStats& stats, std::string& text) {
  for (const reactor::StatField& field : reactor::StatFields()) {
    absl::StrAppend(&text, std::string(field.family), field.label_value.empty() ? "" : "_",
                    std::string(field.label_value), ":", field.get(stats).value(), "\r\n");
  }
  for (const reactor::HistogramField& field : reactor::HistogramFields()) {
    const reactor::Histogram& histogram = field.get(stats);
    absl::StrAppend(&text, std::string(field.family), ":count=", histogram.count(),
                    ",sum=", FormatScaled(histogram.sum(), field.scale));
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= histogram.bounds().size(); ++b) {
      cumulative += histogram.bucket(b);
      absl::StrAppend(&text, ",le_",
                      b < histogram.bounds().size()
                          ? FormatScaled(histogram.bounds()[b], field.scale)
                          : std::string("inf"),
                      "=", cumulative);
    }
    text.append("\r\n");
  }
}

}  // namespace server
