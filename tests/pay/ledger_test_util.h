// Helpers shared by the ledger tests: a temporary folder, keys, addresses
// and settlements.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "crypto/ed25519.h"
#include "pay/ledger.h"
#include "util/clock.h"

namespace cocoon::pay::testing {

// A fresh folder under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cocoon-pay-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline crypto::Ed25519PrivateKey TestKey(uint8_t seed_byte) {
  Bytes seed(32, seed_byte);
  return *crypto::Ed25519PrivateKey::FromSeed(seed);
}

inline ton::Address TestAddress(uint8_t n) {
  ton::Address a;
  a.hash.fill(n);
  return a;
}

inline Settlement TestSettlement(std::string request_id, uint8_t client, uint8_t worker,
                                 uint64_t tokens) {
  Settlement s;
  s.request_id = std::move(request_id);
  s.client_id = "client-" + std::to_string(client);
  s.client_address = TestAddress(client);
  s.worker_id = "worker-" + std::to_string(worker);
  s.worker_address = TestAddress(worker);
  s.adjusted_tokens = tokens;
  return s;
}

}  // namespace cocoon::pay::testing
