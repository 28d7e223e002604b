#include "net/persistent_link.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cocoon::net {

namespace asio = boost::asio;

PersistentLink::PersistentLink(asio::any_io_executor executor, HostPort address,
                               std::function<std::shared_ptr<ratls::TlsContext>()> tls,
                               PersistentLinkOptions options, RequestHandler handler,
                               OnConnect on_connect)
    : executor_(executor),
      address_(std::move(address)),
      tls_(std::move(tls)),
      options_(options),
      handler_(std::move(handler)),
      on_connect_(std::move(on_connect)),
      timer_(std::make_unique<asio::steady_timer>(executor)) {}

void PersistentLink::Start() {
  asio::co_spawn(
      executor_, [self = shared_from_this()] { return self->Run(); }, asio::detached);
}

void PersistentLink::Stop(const Status& why) {
  stopped_ = true;
  timer_->cancel();
  if (session_) session_->Close(why);
}

asio::awaitable<void> PersistentLink::Run() {
  auto backoff = options_.reconnect_min;
  const std::string name = address_.ToString();
  while (!stopped_) {
    std::shared_ptr<ratls::TlsContext> tls = tls_();  // not a temporary in co_await (GCC 12)
    auto secure = co_await DialSecure(address_, tls, options_.session, handler_);
    if (secure.ok() && !stopped_) {
      // (GCC 12 miscompiles co_await inside a conditional expression.)
      Status ready;
      if (on_connect_) ready = co_await on_connect_(*secure);
      if (!ready.ok()) {
        last_error_ = ready;
        spdlog::error("{}: {}", name, ready.message());
        secure->session->Close(ready);
      } else {
        backoff = options_.reconnect_min;
        ++connects_;
        session_ = secure->session;
        peer_ = std::move(secure->peer);
        if (!session_->closed()) {
          bool closed = false;
          session_->OnClose([this, &closed](const Status&) {
            closed = true;
            timer_->cancel();
          });
          while (!closed) {
            timer_->expires_after(std::chrono::hours(1));
            co_await timer_->async_wait(asio::as_tuple(asio::use_awaitable));
          }
        }
        last_error_ = session_->close_reason();
        session_.reset();
        if (!stopped_) spdlog::warn("lost {}: {}", name, last_error_.message());
      }
    } else if (!secure.ok()) {
      last_error_ = secure.status();
      spdlog::warn("cannot connect to {}: {} (retrying in {} ms)", name, last_error_.message(),
                   backoff.count());
    } else {
      secure->session->Close(Unavailable("shutting down"));
    }
    if (stopped_) break;
    timer_->expires_after(backoff);
    co_await timer_->async_wait(asio::as_tuple(asio::use_awaitable));
    backoff = std::min(backoff * 2, options_.reconnect_max);
  }
}

bool PersistentLink::CloseIfImageIn(const std::set<attest::ImageHash>& images, const Status& why) {
  if (!session_ || !peer_.measurements || !images.count(peer_.measurements->image_hash)) {
    return false;
  }
  session_->Close(why);
  return true;
}

}  // namespace cocoon::net
