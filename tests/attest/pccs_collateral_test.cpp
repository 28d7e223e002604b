// PccsCollateralSource against a local PCCS stand-in (the http module's
// HttpServer, plain HTTP) that serves the real collateral of
// ../shared/testdata/tdx in the PCCS v4 response format, fetched through the
// real curl fetcher: verification with fetched collateral, the on-disk cache
// (reuse with the server stopped, expiry by the injected clock, corrupt
// files) and the errors of a misbehaving PCCS.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <csignal>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "attest/dcap/errors.h"
#include "attest/dcap/json.h"
#include "attest/dcap/openssl.h"
#include "attest/pccs_collateral.h"
#include "attest/tdx_verifier.h"
#include "attest/test_data.h"
#include "http/server.h"
#include "util/file.h"

namespace cocoon::attest {
namespace {

namespace asio = boost::asio;
using namespace testdata;

bool Contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

std::string UrlEncode(std::string_view in) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string CrlPem(const Bytes& der) {
  auto crl = dcap::ParseDerCrl(der);
  EXPECT_TRUE(crl.ok());
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_X509_CRL(bio.get(), crl->get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

// What the stand-in answers for one path instead of the collateral.
struct Override {
  int status = 200;
  std::optional<std::string> body;  // replaces the body
  bool omit_chain = false;          // leaves out the issuer-chain header
};

// A PCCS on 127.0.0.1 serving one platform's collateral, on its own thread.
class PccsStandIn {
 public:
  explicit PccsStandIn(dcap::Collateral c) : collateral_(std::move(c)) {
    fmspc_ = [&] {
      auto tcb = dcap::json::Json::parse(collateral_.tcb_info);
      std::string f = tcb.at("fmspc").get<std::string>();
      for (char& ch : f) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      return f;
    }();
    Start();
  }
  ~PccsStandIn() { Stop(); }

  void Start() {
    work_.emplace(asio::make_work_guard(io_));
    server_ = std::make_unique<http::HttpServer>(io_.get_executor());
    for (const char* path : {"/tdx/certification/v4/tcb", "/tdx/certification/v4/qe/identity",
                             "/sgx/certification/v4/pckcrl", "/sgx/certification/v4/rootcacrl"}) {
      server_->Route(
          "GET", path,
          [this](const http::Request& req, http::ResponseWriter& w) -> asio::awaitable<void> {
            co_await w.Send(Answer(req));
          });
    }
    auto port = server_->Listen("127.0.0.1", port_);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    thread_ = std::thread([this] { io_.run(); });
  }

  void Stop() {
    if (!server_) return;
    server_->Stop();
    work_.reset();
    thread_.join();
    server_.reset();
    io_.restart();
  }

  void Set(const std::string& path, Override o) {
    std::lock_guard<std::mutex> lock(mu_);
    overrides_[path] = std::move(o);
  }
  // Serves `c` from now on.
  void Serve(dcap::Collateral c) {
    std::lock_guard<std::mutex> lock(mu_);
    collateral_ = std::move(c);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }
  std::string last_api_key() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_api_key_;
  }

 private:
  http::Response Answer(const http::Request& req) {
    ++requests_;
    std::lock_guard<std::mutex> lock(mu_);
    last_api_key_ = std::string(req.headers.Get("Ocp-Apim-Subscription-Key").value_or(""));
    http::Response r;
    std::string chain_header;
    std::string chain;
    const dcap::Collateral& c = collateral_;
    if (req.path == "/tdx/certification/v4/tcb") {
      if (req.query != "fmspc=" + fmspc_) {
        r.status = 404;
        return r;
      }
      r.body = "{\"tcbInfo\":" + c.tcb_info + ",\"signature\":\"" +
               HexEncode(c.tcb_info_signature) + "\"}";
      chain_header = "TCB-Info-Issuer-Chain";
      chain = c.tcb_info_issuer_chain;
    } else if (req.path == "/tdx/certification/v4/qe/identity") {
      r.body = "{\"enclaveIdentity\":" + c.qe_identity + ",\"signature\":\"" +
               HexEncode(c.qe_identity_signature) + "\"}";
      chain_header = "SGX-Enclave-Identity-Issuer-Chain";
      chain = c.qe_identity_issuer_chain;
    } else if (req.path == "/sgx/certification/v4/pckcrl") {
      if (req.query != "ca=platform&encoding=pem" && req.query != "ca=processor&encoding=pem") {
        r.status = 400;
        return r;
      }
      r.body = CrlPem(c.pck_crl);
      chain_header = "SGX-PCK-CRL-Issuer-Chain";
      chain = c.pck_crl_issuer_chain;
    } else {
      r.body = HexEncode(c.root_ca_crl);  // a PCCS serves the root CA CRL as hex DER
    }
    auto o = overrides_.find(req.path);
    if (o != overrides_.end()) {
      r.status = o->second.status;
      if (o->second.body) r.body = *o->second.body;
      if (o->second.omit_chain) chain_header.clear();
    }
    if (!chain_header.empty()) r.headers.Set(chain_header, UrlEncode(chain));
    return r;
  }

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::atomic<int> requests_{0};
  std::mutex mu_;
  dcap::Collateral collateral_;
  std::string fmspc_;
  std::map<std::string, Override> overrides_;
  std::string last_api_key_;
};

// Counts the GETs that reach the real fetcher.
class CountingFetcher final : public PccsFetcher {
 public:
  Result<PccsResponse> Get(const std::string& url, const PccsHeaders& headers) const override {
    ++calls;
    return real_->Get(url, headers);
  }
  mutable std::atomic<int> calls{0};

 private:
  std::shared_ptr<const PccsFetcher> real_ =
      MakeCurlPccsFetcher({{}, std::chrono::milliseconds(2000), std::chrono::milliseconds(5000)});
};

class PccsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_dir_ = std::filesystem::temp_directory_path() /
                 ("cocoon-pccs-test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(cache_dir_);
  }
  void TearDown() override { std::filesystem::remove_all(cache_dir_); }

  std::shared_ptr<PccsCollateralSource> Source(const std::string& url, std::string api_key = "") {
    PccsOptions o;
    o.url = url;
    o.cache_dir = cache_dir_;
    o.api_key = std::move(api_key);
    auto s = PccsCollateralSource::Create(std::move(o), fetcher_, clock_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return *s;
  }

  std::filesystem::path cache_dir_;
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(kTdxQuoteTime);
  std::shared_ptr<CountingFetcher> fetcher_ = std::make_shared<CountingFetcher>();
};

#define LOAD_TDX_OR_SKIP()                                         \
  TDX_DATA_OR_SKIP(quote, "tdx_quote");                            \
  TDX_COLLATERAL_OR_SKIP(collateral, "tdx_quote_collateral.json"); \
  auto parsed = dcap::ParseQuote(quote);                           \
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();          \
  auto key = PlatformKeyOf(*parsed);                               \
  ASSERT_TRUE(key.ok()) << key.status().ToString();                \
  const std::filesystem::path cache_file = cache_dir_ / key->CacheFileName()

TEST_F(PccsTest, PlatformKeyOfTheRealQuote) {
  LOAD_TDX_OR_SKIP();
  EXPECT_TRUE(key->tdx);
  EXPECT_EQ(key->fmspc, "b0c06f000000");
  EXPECT_TRUE(key->ca == "platform" || key->ca == "processor") << key->ca;
  EXPECT_EQ(key->CacheFileName(), "tdx-b0c06f000000-" + key->ca + ".json");
}

TEST_F(PccsTest, RealQuoteVerifiesWithFetchedCollateral) {
  LOAD_TDX_OR_SKIP();
  PccsStandIn pccs(collateral);
  // A trailing API path is accepted as the URL too.
  auto source = Source(pccs.url() + "/sgx/certification/v4/", "test-key");
  TdxVerifier verifier(source, clock_);
  auto m = verifier.Verify(Evidence{EvidenceKind::kTdx, quote});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->tcb_status, "UpToDate");
  EXPECT_EQ(pccs.requests(), 4);
  EXPECT_EQ(pccs.last_api_key(), "test-key");

  // What was fetched is the collateral, byte for byte, and is cached on disk
  // in the collateral file shape (usable as tdx_collateral_file).
  auto fetched = source->Get(*parsed);
  ASSERT_TRUE(fetched.ok());
  EXPECT_EQ(fetched->ToJson(), collateral.ToJson());
  ASSERT_TRUE(std::filesystem::exists(cache_file));
  auto from_file = dcap::ReadCollateralFile(cache_file);
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ(from_file->ToJson(), collateral.ToJson());
}

TEST_F(PccsTest, SecondVerificationIsServedFromTheCacheWithTheServerStopped) {
  LOAD_TDX_OR_SKIP();
  std::string url;
  {
    PccsStandIn pccs(collateral);
    url = pccs.url();
    ASSERT_TRUE(Source(url)->Get(*parsed).ok());
  }  // the PCCS is gone
  const int calls = fetcher_->calls.load();
  // A new source (as after a restart) finds the entry on disk.
  clock_->Advance(3600);
  TdxVerifier verifier(Source(url), clock_);
  auto m = verifier.Verify(Evidence{EvidenceKind::kTdx, quote});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->tcb_status, "UpToDate");
  EXPECT_EQ(fetcher_->calls.load(), calls);  // the PCCS was not even asked
}

TEST_F(PccsTest, UnexpiredCacheIsUsedWhenTheRefreshFails) {
  LOAD_TDX_OR_SKIP();
  auto pccs = std::make_unique<PccsStandIn>(collateral);
  auto source = Source(pccs->url());
  ASSERT_TRUE(source->Get(*parsed).ok());
  pccs.reset();
  const int calls = fetcher_->calls.load();
  clock_->Advance(PccsOptions{}.refresh_seconds + 1);  // due for a refresh, not expired
  auto c = source->Get(*parsed);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_GT(fetcher_->calls.load(), calls);  // it tried
  EXPECT_EQ(c->ToJson(), collateral.ToJson());
  // Within the retry interval it does not try again.
  const int after = fetcher_->calls.load();
  clock_->Advance(10);
  ASSERT_TRUE(source->Get(*parsed).ok());
  EXPECT_EQ(fetcher_->calls.load(), after);
  auto m = VerifyTdxQuote(quote, *c, clock_->NowUnix());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
}

TEST_F(PccsTest, CacheEntryPastNextUpdateIsNotUsed) {
  LOAD_TDX_OR_SKIP();
  auto expiry = CollateralExpiry(collateral);
  ASSERT_TRUE(expiry.ok()) << expiry.status().ToString();
  EXPECT_EQ(*expiry, 1752919235);  // the PCK CRL's nextUpdate, 2025-07-19T10:00:35Z
  std::string url;
  {
    PccsStandIn pccs(collateral);
    url = pccs.url();
    ASSERT_TRUE(Source(url)->Get(*parsed).ok());
  }
  // One second before: still served (PCCS unreachable, entry unexpired).
  clock_->Set(*expiry - 1);
  EXPECT_TRUE(Source(url)->Get(*parsed).ok());
  // At nextUpdate: neither a fresh source nor one holding it in memory serves it.
  auto source = Source(url);
  clock_->Set(*expiry - 1);
  ASSERT_TRUE(source->Get(*parsed).ok());
  clock_->Set(*expiry);
  auto fresh = Source(url);
  for (auto* s : {source.get(), fresh.get()}) {
    auto c = s->Get(*parsed);
    ASSERT_FALSE(c.ok());
    EXPECT_TRUE(Contains(c.status().message(), "expired at 2025-07-19T10:00:35Z"))
        << c.status().message();
    EXPECT_TRUE(Contains(c.status().message(), url + "/tdx/certification/v4/tcb"))
        << c.status().message();
  }
  // Through the verifier: collateral unavailable.
  TdxVerifier verifier(Source(url), clock_);
  auto m = verifier.Verify(Evidence{EvidenceKind::kTdx, quote});
  ASSERT_FALSE(m.ok());
  EXPECT_TRUE(Contains(m.status().message(), "dcap.collateral_unavailable"))
      << m.status().message();

  // A PCCS serving that expired collateral: handed over, and the verifier's
  // own date checks refuse it.
  PccsStandIn stale(collateral);
  TdxVerifier verifier2(Source(stale.url()), clock_);
  auto m2 = verifier2.Verify(Evidence{EvidenceKind::kTdx, quote});
  ASSERT_FALSE(m2.ok());
  EXPECT_EQ(m2.status().message().rfind(dcap::tag::kCollateralExpired, 0), 0u)
      << m2.status().message();
}

TEST_F(PccsTest, CorruptCacheFilesAreIgnored) {
  LOAD_TDX_OR_SKIP();
  auto other = ReadCollateral("tdx_quote_outdated_collateral.json");
  std::vector<std::string> corrupt = {
      "",
      "\x00\x01garbage\xff",
      "{\"pck_crl\": 5}",
      "[1,2,3]",
      collateral.ToJson(),  // no cocoon_cache metadata
      std::string(3 * 1024 * 1024, '{'),
  };
  if (other) {
    // Another platform's collateral under this platform's name.
    auto j = dcap::json::Json::parse(other->ToJson());
    j["cocoon_cache"] = {{"fetched_at", kTdxQuoteTime}};
    corrupt.push_back(j.dump());
  }
  for (size_t i = 0; i < corrupt.size(); ++i) {
    SCOPED_TRACE("corrupt cache #" + std::to_string(i));
    std::filesystem::create_directories(cache_dir_);
    ASSERT_TRUE(WriteFileAtomic(cache_file, corrupt[i]).ok());
    {
      // PCCS down: a clear error, no crash, the corrupt entry unused.
      auto c = Source("http://127.0.0.1:1")->Get(*parsed);
      ASSERT_FALSE(c.ok());
      EXPECT_TRUE(Contains(c.status().message(), "http://127.0.0.1:1/tdx/certification/v4/tcb"))
          << c.status().message();
    }
    // PCCS up: fetched, and the file is replaced by a good entry.
    PccsStandIn pccs(collateral);
    auto c = Source(pccs.url())->Get(*parsed);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->ToJson(), collateral.ToJson());
    EXPECT_TRUE(dcap::ReadCollateralFile(cache_file).ok());
    std::filesystem::remove(cache_file);
  }
}

TEST_F(PccsTest, HttpErrorsNameTheUrl) {
  LOAD_TDX_OR_SKIP();
  struct Case {
    std::string path;
    Override o;
    std::vector<std::string> expect;
  };
  const std::string tcb = "/tdx/certification/v4/tcb";
  const std::string qe = "/tdx/certification/v4/qe/identity";
  const std::string crl = "/sgx/certification/v4/pckcrl";
  const std::string root = "/sgx/certification/v4/rootcacrl";
  std::vector<Case> cases = {
      {tcb,
       {404, "no such FMSPC", false},
       {"HTTP 404", tcb + "?fmspc=B0C06F000000", "no such FMSPC"}},
      {qe, {500, std::nullopt, false}, {"HTTP 500", qe}},
      {crl, {503, "", false}, {"HTTP 503", crl + "?ca=" + key->ca + "&encoding=pem"}},
      {tcb, {200, "garbage", false}, {tcb, "tcbInfo"}},
      {tcb, {200, "{\"signature\":\"00\"}", false}, {tcb, "no \"tcbInfo\" object"}},
      {qe, {200, "{\"enclaveIdentity\":{},\"signature\":\"zz\"}", false}, {qe, "signature"}},
      {crl, {200, "garbage", false}, {crl, "CRL"}},
      {root, {200, "0011", false}, {root, "CRL"}},
      // Well-formed but wrong: another document where the TCB info belongs.
      {tcb,
       {200, "{\"tcbInfo\":{\"id\":\"TDX\"},\"signature\":\"00\"}", false},
       {"unusable collateral", "FMSPC b0c06f000000"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path + " " + std::to_string(c.o.status));
    PccsStandIn pccs(collateral);
    pccs.Set(c.path, c.o);
    auto got = Source(pccs.url(), "secret-api-key")->Get(*parsed);
    ASSERT_FALSE(got.ok());
    const std::string msg = got.status().message();
    for (const auto& e : c.expect) EXPECT_TRUE(Contains(msg, e)) << msg << "\nmissing: " << e;
    EXPECT_FALSE(Contains(msg, "secret-api-key")) << msg;
    EXPECT_FALSE(std::filesystem::exists(cache_file));
  }
  // Through the verifier, each is dcap.collateral_unavailable with the reason.
  PccsStandIn pccs(collateral);
  pccs.Set(tcb, {500, std::nullopt, false});
  TdxVerifier verifier(Source(pccs.url()), clock_);
  auto m = verifier.Verify(Evidence{EvidenceKind::kTdx, quote});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message().rfind("dcap.collateral_unavailable: PCCS GET http://", 0), 0u)
      << m.status().message();
}

TEST_F(PccsTest, MissingIssuerChainHeaderIsAClearError) {
  LOAD_TDX_OR_SKIP();
  const std::map<std::string, std::string> headers = {
      {"/tdx/certification/v4/tcb", "TCB-Info-Issuer-Chain"},
      {"/tdx/certification/v4/qe/identity", "SGX-Enclave-Identity-Issuer-Chain"},
      {"/sgx/certification/v4/pckcrl", "SGX-PCK-CRL-Issuer-Chain"},
  };
  for (const auto& [path, header] : headers) {
    SCOPED_TRACE(path);
    PccsStandIn pccs(collateral);
    pccs.Set(path, {200, std::nullopt, true});
    auto got = Source(pccs.url())->Get(*parsed);
    ASSERT_FALSE(got.ok());
    EXPECT_TRUE(Contains(got.status().message(), "has no " + header + " header"))
        << got.status().message();
    EXPECT_TRUE(Contains(got.status().message(), pccs.url() + path)) << got.status().message();
  }
}

TEST_F(PccsTest, UnreachablePccsWithoutCacheIsAClearError) {
  LOAD_TDX_OR_SKIP();
  auto got = Source("http://user:password@127.0.0.1:1")->Get(*parsed);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kUnavailable) << got.status().ToString();
  EXPECT_TRUE(Contains(got.status().message(),
                       "PCCS GET http://127.0.0.1:1/tdx/certification/v4/tcb?fmspc=B0C06F000000"))
      << got.status().message();
  EXPECT_FALSE(Contains(got.status().message(), "password")) << got.status().message();
}

TEST(PccsOptionsTest, UrlIsCheckedAndRedacted) {
  auto clock = std::make_shared<ManualClock>(0);
  auto fetcher = MakeCurlPccsFetcher({});
  EXPECT_FALSE(PccsCollateralSource::Create({"ftp://pccs"}, fetcher, clock).ok());
  EXPECT_FALSE(PccsCollateralSource::Create({"localhost:8081"}, fetcher, clock).ok());
  EXPECT_TRUE(PccsCollateralSource::Create({"https://localhost:8081"}, fetcher, clock).ok());
  EXPECT_EQ(RedactUrl("https://u:p@host:1/a@b"), "https://host:1/a@b");
  EXPECT_EQ(RedactUrl("https://host/x?y=@z"), "https://host/x?y=@z");
}

// An HTTPS server on 127.0.0.1 with a fresh self-signed certificate (written
// to `cert_file`), answering "ok" to every request, one connection at a time.
class TlsStandIn {
 public:
  explicit TlsStandIn(const std::filesystem::path& cert_file) {
    ::signal(SIGPIPE, SIG_IGN);  // a client that rejects the certificate hangs up
    key_ = EVP_EC_gen("P-256");
    cert_ = X509_new();
    X509_set_version(cert_, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert_), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert_), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert_), 3600);
    X509_set_pubkey(cert_, key_);
    X509_NAME* name = X509_get_subject_name(cert_);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("pccs test"), -1, -1, 0);
    X509_set_issuer_name(cert_, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert_, cert_, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                              std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
      X509_add_ext(cert_, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(cert_, key_, EVP_sha256());
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_X509(bio.get(), cert_);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    EXPECT_TRUE(WriteFileAtomic(cert_file, std::string(data, static_cast<size_t>(n))).ok());

    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx_, cert_);
    SSL_CTX_use_PrivateKey(ctx_, key_);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TlsStandIn() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
    SSL_CTX_free(ctx_);
    X509_free(cert_);
    EVP_PKEY_free(key_);
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

 private:
  void Serve() {
    while (true) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, c);
      if (SSL_accept(ssl) == 1) {
        std::string request;
        char buf[1024];
        int n = 0;
        while (request.find("\r\n\r\n") == std::string::npos &&
               (n = SSL_read(ssl, buf, sizeof(buf))) > 0) {
          request.append(buf, static_cast<size_t>(n));
        }
        const std::string answer =
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
        SSL_write(ssl, answer.data(), static_cast<int>(answer.size()));
        SSL_shutdown(ssl);
      }
      SSL_free(ssl);
      ::close(c);
    }
  }

  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  SSL_CTX* ctx_ = nullptr;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

TEST(PccsFetcherTest, TlsIsVerifiedAndACaFileAddsATrustAnchor) {
  const auto cert = std::filesystem::temp_directory_path() /
                    ("cocoon-pccs-tls-" + std::to_string(::getpid()) + ".pem");
  TlsStandIn server(cert);
  const std::string url = server.url() + "/sgx/certification/v4/rootcacrl";
  const std::chrono::milliseconds t(5000);
  // A self-signed PCCS certificate is refused by default: verification is on.
  auto refused = MakeCurlPccsFetcher({{}, t, t})->Get(url, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(Contains(refused.status().message(), url)) << refused.status().message();
  EXPECT_TRUE(Contains(refused.status().message(), "pccs_ca_file")) << refused.status().message();
  // With its certificate as the CA file, the same server is accepted.
  auto accepted = MakeCurlPccsFetcher({cert, t, t})->Get(url, {});
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ(accepted->status, 200);
  EXPECT_EQ(accepted->body, "ok");
  // A CA file that does not exist trusts nothing.
  auto missing = MakeCurlPccsFetcher({"/nonexistent/ca.pem", t, t})->Get(url, {});
  EXPECT_FALSE(missing.ok());
  std::filesystem::remove(cert);
}

}  // namespace
}  // namespace cocoon::attest
