// The `cocoon` binary's subcommands. Each Add* function registers one
// command group on the application; main.cpp only composes them.
#pragma once

#include <CLI/CLI.hpp>

namespace cocoon::cli {

void AddKeyCommands(CLI::App& app);
void AddMeasureCommand(CLI::App& app);
void AddCertCommands(CLI::App& app);
void AddProxyCommand(CLI::App& app);
void AddWorkerCommand(CLI::App& app);
void AddClientCommand(CLI::App& app);
void AddWalletCommand(CLI::App& app);
void AddRootCommand(CLI::App& app);

}  // namespace cocoon::cli
