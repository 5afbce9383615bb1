// Writes the fuzzers' seed corpora: for the parsers, one file per case of the parser test tables
// (first byte: the split seed, then the stream), skipping cases over 8 KiB to keep the committed
// files small; for the sessions, the request cases again behind a second byte choosing the
// session's options, plus pipelines long enough to reach the output budget; for Buffer and
// OutputQueue, a few operation sequences.
//   bazel run //fuzz:gen_corpus -- $PWD/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/protocol/parser_cases.h"

namespace {

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gen_corpus OUTPUT_DIR\n");
    return 2;
  }
  const std::filesystem::path root(argv[1]);
  // Every type and the expiry commands, so the RESP session fuzzer starts inside the keyspace.
  const std::string kKeyspaceCommands =
      "SET k v\r\nGET k\r\nAPPEND k x\r\nINCR n\r\nINCRBY n -5\r\nMSET a 1 b 2\r\n"
      "MGET a b c\r\nLPUSH l a b c\r\nRPUSH l d\r\nLRANGE l 0 -1\r\nLPOP l 2\r\nRPOP l\r\n"
      "SADD s a b\r\nSPOP s\r\nSMEMBERS s\r\nHSET h f v g w\r\nHGETALL h\r\nHDEL h f\r\n"
      "ZADD z 1 a 2.5 b\r\nZRANGE z 0 -1 WITHSCORES\r\nZPOPMIN z\r\nZSCORE z b\r\n"
      "SET e v EX 100\r\nTTL e\r\nPEXPIRE e 5\r\nPTTL e\r\nPERSIST e\r\nTYPE l\r\n"
      "KEYS *\r\nDBSIZE\r\nDEL a b\r\nEXISTS k\r\nLPUSH k x\r\nFLUSHALL\r\nDBSIZE\r\n";
  struct Table {
    const char* name;
    const std::vector<protocol::testing::ParserCase>* cases;
    int option_values;  // sessions: how many values the options byte takes (0: no such byte)
  };
  const Table tables[] = {
      {"resp_request", &protocol::testing::RespRequestCases(), 0},
      {"resp_reply", &protocol::testing::RespReplyCases(), 0},
      {"http_request", &protocol::testing::HttpRequestCases(), 0},
      {"http_response", &protocol::testing::HttpResponseCases(), 0},
      {"resp_session", &protocol::testing::RespRequestCases(), 2},
      {"http_session", &protocol::testing::HttpRequestCases(), 4},
  };
  for (const Table& table : tables) {
    const std::filesystem::path dir = root / table.name;
    std::filesystem::create_directories(dir);
    int written = 0;
    // `options`: the session's options byte, -1 for one taking each value in turn.
    auto write = [&](const std::string& name, const std::string& stream, int options = -1) {
      std::ofstream out(dir / name, std::ios::binary);
      out.put(static_cast<char>(written % 251 + 1));
      if (table.option_values > 0) {
        out.put(static_cast<char>(options >= 0 ? options : written % table.option_values));
      }
      out.write(stream.data(), static_cast<std::streamsize>(stream.size()));
      ++written;
    };
    for (const auto& c : *table.cases) {
      if (c.input.size() <= 8192) write(c.name, c.input);
    }
    if (std::string(table.name) == "resp_session") {
      write("pipelined_commands",
            Repeat("PING\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nINFO\r\nCONFIG GET save\r\n", 8) +
                "COMMAND\r\nQUIT\r\nPING\r\n");
      write("error_then_more", "PING\r\n*1\r\n$x\r\nPING\r\nPING\r\n");
      write("keyspace_commands", kKeyspaceCommands);
    }
    if (std::string(table.name) == "http_session") {
      // Options 1: the 300 KiB body, so six GETs pass the output budget.
      const std::string get = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
      write("pipelined_gets_over_budget", Repeat(get, 6) + "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n", 1);
      write("error_after_pipeline", Repeat(get, 5) + "GET / HTTP/1.1\r\n\r\n" + get, 1);
    }
    std::printf("%s: %d files\n", table.name, written);
  }
  // Buffer: operation bytes (see buffer_fuzzer.cc); lengths small, medium and large.
  const std::filesystem::path dir = root / "buffer";
  std::filesystem::create_directories(dir);
  const std::vector<std::pair<std::string, std::string>> sequences = {
      {"append_consume", std::string("\x00\x10\x20\x02\x05\x10\x00\xf0\x40\x02\x00\x30", 12)},
      {"grow_and_slide", std::string("\x00\xfa\x30\x00\x02\xc8\x80\x05\x00\xfa\x40\x00\x02\xc8\x40"
                                     "\x05\x01\xc8\x30\x07\x2a",
                                     21)},
      {"release_and_move",
       std::string("\x00\x05\x09\x03\x04\x05\x00\x01\x02\x04\x06\x10\x05\x05", 14)},
      {"prepare_commit", std::string("\x01\xc8\xff\x02\x80\x01\x10\x20\x08\x06\x20\x05\x02\x01"
                                     "\x03\x04",
                                     16)},
  };
  for (const auto& [name, bytes] : sequences) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
  }
  std::printf("buffer: %zu files\n", sequences.size());
  // OutputQueue: operation bytes (see output_queue_fuzzer.cc): bytes and blocks interleaved, sent
  // in small gathers, moved after a partial send, cleared and released.
  const std::filesystem::path queue_dir = root / "output_queue";
  std::filesystem::create_directories(queue_dir);
  const std::vector<std::pair<std::string, std::string>> queue_sequences = {
      {"bytes_blocks_sends",
       std::string("\x00\x00\x10\x05\x00\x01\x00\xc0\x02\x00\x00\x20\x07\x01\x01"
                   "\xf0\x30\x00\x01\x00\x02\x01\x30\x03\x01\x05\x00\x05",
                   28)},
      {"take_from_partial",
       std::string("\x00\x01\x00\xc0\x01\x02\x02\x01\x04\xc0\x02\x00\x00\x08\x00"
                   "\x30\x05\x01\x07\xf0\x40\x00\x03\x04",
                   24)},
  };
  for (const auto& [name, bytes] : queue_sequences) {
    std::ofstream(queue_dir / name, std::ios::binary) << bytes;
  }
  std::printf("output_queue: %zu files\n", queue_sequences.size());
  return 0;
}
