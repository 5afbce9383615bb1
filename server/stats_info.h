// StatsInfo: the counter table as lines of a RESP INFO section ("name:value"), so INFO reports
// the same counters as /metrics under the same names.
#ifndef SERVER_STATS_INFO_H_
#define SERVER_STATS_INFO_H_

#include <string>

#include "reactor/server_stats.h"

namespace server {

// Appends one "key:value\r\n" line per field of the table, summed over loops as `stats` already
// is. A labelled field's key is its family and label value (connections_closed_total_peer); a
// histogram is one line, "family:count=N,sum=S,le_<bound>=<cumulative>,...,le_inf=N", in the
// style of Redis's own multi-valued INFO fields.
void AppendStatsInfo(const reactor::ServerStats& stats, std::string& text);

}  // namespace server

#endif  // SERVER_STATS_INFO_H_
