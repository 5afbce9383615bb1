// Writes the fuzzers' seed corpora from the parser test tables: one file per case (first byte:
// the split seed, then the stream), skipping cases over 8 KiB to keep the committed files small.
//   bazel run //fuzz:gen_corpus -- $PWD/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/protocol/parser_cases.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gen_corpus OUTPUT_DIR\n");
    return 2;
  }
  const std::filesystem::path root(argv[1]);
  struct Table {
    const char* name;
    const std::vector<protocol::testing::ParserCase>* cases;
  };
  const Table tables[] = {
      {"resp_request", &protocol::testing::RespRequestCases()},
      {"resp_reply", &protocol::testing::RespReplyCases()},
      {"http_request", &protocol::testing::HttpRequestCases()},
      {"http_response", &protocol::testing::HttpResponseCases()},
  };
  for (const Table& table : tables) {
    const std::filesystem::path dir = root / table.name;
    std::filesystem::create_directories(dir);
    int written = 0;
    for (const auto& c : *table.cases) {
      if (c.input.size() > 8192) continue;
      std::ofstream out(dir / c.name, std::ios::binary);
      out.put(static_cast<char>(written % 251 + 1));
      out.write(c.input.data(), static_cast<std::streamsize>(c.input.size()));
      ++written;
    }
    std::printf("%s: %d files\n", table.name, written);
  }
  return 0;
}
