// The one translation unit that compiles Boost.Beast
// (BOOST_BEAST_SEPARATE_COMPILATION), so other files only parse its headers.
#include <boost/beast/src.hpp>
