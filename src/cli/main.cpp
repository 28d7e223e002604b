// cocoon: the single binary of the network — daemons and operator tools.
#include <iostream>

#include "cli/attest_commands.h"
#include "cli/commands.h"
#include "cli/report.h"
#include "cli/ton_commands.h"
#include "util/logging.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Cocoon: confidential AI inference on TON.\n"
      "Daemons: worker, proxy, client. Operator tools: key, measure, cert, attest, ton."};
  app.require_subcommand(1);
  (void)cocoon::SetupLogging("info");
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  cocoon::cli::AddKeyCommands(app);
  cocoon::cli::AddMeasureCommand(app);
  cocoon::cli::AddCertCommands(app);
  cocoon::cli::AddProxyCommand(app);
  cocoon::cli::AddWorkerCommand(app);
  cocoon::cli::AddClientCommand(app);
  cocoon::cli::AddAttestCommands(app);
  cocoon::cli::AddTonCommands(app);
  cocoon::cli::AddWalletCommand(app);
  cocoon::cli::AddRootCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const cocoon::cli::CommandFailed& e) {
    std::cerr << "cocoon: " << e.what() << "\n";
    return e.code();
  }
  return 0;
}
