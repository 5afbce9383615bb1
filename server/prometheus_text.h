// PrometheusText: the server's counters in the Prometheus text exposition format, version 0.0.4,
// rendered by walking ServerStats's field table.
#ifndef SERVER_PROMETHEUS_TEXT_H_
#define SERVER_PROMETHEUS_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "reactor/server_stats.h"

namespace server {

// The Content-Type that announces this format to a scraper.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Every family once (# HELP, # TYPE), one series per loop labelled loop="<index>" (sum them in
// PromQL for the whole server: sum(requests_total)), the per-protocol families labelled with
// `protocol`. Histograms have cumulative _bucket{le=...} series ending in le="+Inf", then _sum
// and _count.
std::string PrometheusText(absl::Span<const reactor::ServerStats> loops, std::string_view protocol);

// `value` times `scale` (a histogram's unit to the exported one) as a plain decimal, without
// exponent or trailing zeros: 0.000005, 1, 12.5. An integer when `scale` is 1.
std::string FormatScaled(uint64_t value, double scale);

}  // namespace server

#endif  // SERVER_PROMETHEUS_TEXT_H_
