// CommandTable: lookup and the checks Redis's processCommand makes before a command runs, in
// the same order (unknown, arity, OOM), so the same request gets the same error.
#include "server/command_table.h"

#include <cstdio>
#include <cstdlib>

#include "protocol/ascii.h"
#include "server/dataset.h"
#include "server/resp_session.h"

namespace server {

CommandTable::CommandTable() {
  for (absl::Span<const Command> family :
       {ServerCommands(), KeyCommands(), StringCommands(), ListCommands(), SetCommands(),
        HashCommands(), SortedSetCommands()}) {
    commands_.insert(commands_.end(), family.begin(), family.end());
  }
  if (commands_.size() > Dataset::kMaxCommands) {
    std::fprintf(stderr, "CommandTable: %zu commands, Dataset::kMaxCommands is %zu\n",
                 commands_.size(), Dataset::kMaxCommands);
    std::abort();
  }
  for (size_t i = 0; i < commands_.size(); ++i) by_name_.emplace(commands_[i].name, i);
}

const CommandTable& CommandTable::Get() {
  static const CommandTable* const table = new CommandTable();
  return *table;
}

const Command* CommandTable::Find(std::string_view name) const {
  char lower[32];
  if (name.size() > sizeof(lower)) return nullptr;
  for (size_t i = 0; i < name.size(); ++i) lower[i] = protocol::AsciiToLower(name[i]);
  auto it = by_name_.find(std::string_view(lower, name.size()));
  return it == by_name_.end() ? nullptr : &commands_[it->second];
}

bool CommandTable::Execute(RespFactory& factory, Args argv, reactor::Buffer& output) const {
  const Command* command = Find(argv[0]);
  if (command == nullptr) {
    AppendUnknownCommand(output, argv);
    return true;
  }
  const int argc = static_cast<int>(argv.size());
  if ((command->arity > 0 && argc != command->arity) ||
      (command->arity < 0 && argc < -command->arity)) {
    AppendWrongArity(output, command->name);
    return true;
  }
  const uint64_t maxmemory = factory.options().maxmemory_bytes;
  if (command->denyoom && maxmemory != 0 && factory.options().used_memory() > maxmemory) {
    output.Append("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
    return true;
  }
  Dataset::Access access(factory.dataset());
  CommandContext context{access.keys(), output, factory, access};
  command->run(context, argv);
  ++access.calls()[IndexOf(command)];
  // Counted once it has run, as Redis does (so INFO does not count itself).
  factory.CountCommand();
  return !context.close_connection;
}

}  // namespace server
