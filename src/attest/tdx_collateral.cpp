#include "attest/tdx_collateral.h"

namespace cocoon::attest {

Result<dcap::Collateral> FileCollateralSource::Get(const dcap::Quote&) const {
  return dcap::ReadCollateralFile(path_);
}

}  // namespace cocoon::attest
