#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/report.h"
#include "crypto/ed25519.h"

namespace cocoon::cli {

void AddKeyCommands(CLI::App& app) {
  auto* key =
      app.add_subcommand("key", "Create and show Ed25519 keys (node keys, sim platform keys)");
  key->require_subcommand(1);

  struct GenerateArgs {
    std::string out;
    bool force = false;
  };
  auto g = std::make_shared<GenerateArgs>();
  auto* gen = key->add_subcommand(
      "generate", "Write a new Ed25519 private key (PEM, mode 0600) and print its public key");
  gen->add_option("--out,-o", g->out, "File to write")->required();
  gen->add_flag("--force", g->force, "Overwrite an existing file");
  gen->callback([g] {
    if (std::filesystem::exists(g->out) && !g->force) {
      Fail(FailedPrecondition(g->out + " exists; pass --force to overwrite it"));
    }
    auto k = crypto::Ed25519PrivateKey::Generate();
    if (Status s = k.SaveFile(g->out); !s.ok()) Fail(s);
    std::cout << k.public_key().Hex() << "\n";
  });

  auto file = std::make_shared<std::string>();
  auto* pub = key->add_subcommand("public", "Print the public key (hex) of a private key file");
  pub->add_option("FILE", *file, "Private key file")->required();
  pub->callback([file] {
    auto k = crypto::Ed25519PrivateKey::LoadFile(*file);
    if (!k.ok()) Fail(k.status());
    std::cout << k->public_key().Hex() << "\n";
  });
}

}  // namespace cocoon::cli
