// A strict weak order on TON addresses (workchain, then account id), so that
// maps keyed by a contract address need no std::less specialisation.
#pragma once

#include <tuple>

#include "ton/address.h"

namespace cocoon::pay {

struct AddressLess {
  bool operator()(const ton::Address& a, const ton::Address& b) const {
    return std::tie(a.workchain, a.hash) < std::tie(b.workchain, b.hash);
  }
};

}  // namespace cocoon::pay
