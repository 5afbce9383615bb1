// CommandTable: every RESP command by name, and the one place a request is dispatched: name
// lookup, arity, the maxmemory check, the dataset lock, the call counts.
#ifndef SERVER_COMMAND_TABLE_H_
#define SERVER_COMMAND_TABLE_H_

#include <string_view>
#include <vector>

#include "keyspace/bytes_hash.h"
#include "reactor/buffer.h"
#include "server/command.h"

namespace server {

class CommandTable {
 public:
  // The server's commands; built once, shared by every loop (read-only after construction).
  static const CommandTable& Get();

  // The command named `name` in any case, or null. Allocates nothing.
  const Command* Find(std::string_view name) const;
  // The command's position in commands(), the index of its call count in Dataset.
  size_t IndexOf(const Command* command) const { return command - commands_.data(); }
  const std::vector<Command>& commands() const { return commands_; }

  // Runs one request, replying to `output`. Returns false if the connection must close once
  // the reply is out (QUIT, SHUTDOWN).
  bool Execute(RespFactory& factory, Args argv, reactor::Buffer& output) const;

 private:
  CommandTable();

  std::vector<Command> commands_;
  keyspace::BytesMap<size_t> by_name_;
};

}  // namespace server

#endif  // SERVER_COMMAND_TABLE_H_
