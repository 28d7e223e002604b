// LocalHttpServer: a tiny HTTP/1.1 server on 127.0.0.1 for tests of the TON
// API client. One connection at a time, one request per connection
// (Connection: close); a handler decides each answer, which may be delayed
// (to provoke client timeouts) or dropped without a reply.
//
// Thread-safety: the handler runs on the server thread; requests() may be
// read from the test thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cocoon::ton::testing {

class LocalHttpServer {
 public:
  struct Request {
    std::string method;
    std::string target;                          // path and query
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
  };
  struct Reply {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    int delay_ms = 0;
    bool drop = false;  // close the connection without answering
  };
  using Handler = std::function<Reply(const Request&)>;

  explicit LocalHttpServer(Handler handler);
  ~LocalHttpServer();
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  int port() const { return port_; }
  // http://127.0.0.1:PORT/api/v2
  std::string endpoint() const;
  std::vector<Request> requests() const;

 private:
  void Serve();
  void HandleConnection(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<Request> requests_;
  std::thread thread_;
};

}  // namespace cocoon::ton::testing
