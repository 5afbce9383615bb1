// A main for the fuzz targets when they are built without libFuzzer (gcc, plain or ASan): runs
// the target once on each file named, or on every file in each directory named. That is how the
// seed corpora run as ordinary regression tests under `bazel test //...`.
//
//   standalone_main [--expect_inputs=N] PATH...
//
// A path that does not exist, a directory with no file, or a run of a count other than N is an
// error: a corpus that went missing must not read as a corpus that passed.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  long expected = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    constexpr std::string_view kExpect = "--expect_inputs=";
    if (arg.substr(0, kExpect.size()) == kExpect) {
      char* end = nullptr;
      expected = std::strtol(argv[i] + kExpect.size(), &end, 10);
      if (*end != '\0' || expected < 0) {
        std::fprintf(stderr, "--expect_inputs: not a count: '%s'\n", argv[i]);
        return 2;
      }
      continue;
    }
    const std::filesystem::path path(arg);
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      size_t found = 0;
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file()) {
          files.push_back(entry.path());
          ++found;
        }
      }
      if (found == 0) {
        std::fprintf(stderr, "corpus directory %s holds no file\n", path.c_str());
        return 1;
      }
    } else if (std::filesystem::is_regular_file(path, error)) {
      files.push_back(path);
    } else {
      std::fprintf(stderr, "no such corpus file or directory: %s\n", path.c_str());
      return 1;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s [--expect_inputs=N] CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", file.c_str());
      return 1;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("ran %zu inputs\n", files.size());
  if (expected >= 0 && files.size() != static_cast<size_t>(expected)) {
    std::fprintf(stderr, "ran %zu inputs, expected %ld\n", files.size(), expected);
    return 1;
  }
  return 0;
}
