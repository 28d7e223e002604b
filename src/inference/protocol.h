// The inference protocol's vocabulary (inference.proto): method names, how
// InferEvents travel as session chunks, and conversions to and from the http
// module's OpenAI types. Shared by the worker, proxy and client daemons.
//
// Thread-safety: pure functions and constants.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "http/openai.h"
#include "inference/inference.pb.h"
#include "net/session.h"
#include "util/bytes.h"
#include "util/status.h"

namespace cocoon::inference {

inline constexpr std::string_view kAnnounceMethod = "worker.announce";
inline constexpr std::string_view kInferMethod = "infer";
inline constexpr std::string_view kModelsMethod = "proxy.models";
inline constexpr std::string_view kAttestationMethod = "proxy.attestation";
inline constexpr std::string_view kClientHelloMethod = "client.hello";
inline constexpr std::string_view kPaymentTermsMethod = "proxy.payment_terms";
inline constexpr std::string_view kVoucherMethod = "worker.voucher";

// The largest body piece one InferEvent may carry so the event still
// arrives as one session chunk (net::IncomingStream::Write), with room for
// the event's own encoding.
size_t MaxBodyPieceBytes(const net::SessionOptions& options);

std::string EncodeEvent(const InferEvent& event);
// Encodes into `out` (replacing its contents), reusing its capacity: for
// loops that send an event per chunk.
void EncodeEvent(const InferEvent& event, std::string& out);
// Parses one session chunk; an error if it is not an InferEvent with a kind.
Result<InferEvent> DecodeEvent(ByteSpan chunk);

// Reads the next event of an answer stream: nullopt at a clean end of the
// stream, an error when the stream failed or a chunk does not decode.
boost::asio::awaitable<Result<std::optional<InferEvent>>> ReadEvent(net::StreamReader& reader);

// Reads an answer's events like ReadEvent, but joins body pieces that have
// already arrived into one event of at most `max_body` bytes (a single piece
// may be larger), so a relay that fell behind makes one write where the
// worker made several. It never waits to fill a piece: with nothing more
// buffered, what it has is returned at once. Order, content and errors are
// those of ReadEvent; an error met while joining comes after the joined body.
class EventReader {
 public:
  EventReader(net::StreamReader& reader, size_t max_body) : reader_(reader), max_body_(max_body) {}
  boost::asio::awaitable<Result<std::optional<InferEvent>>> Next();

 private:
  net::StreamReader& reader_;
  const size_t max_body_;
  std::optional<Result<std::optional<InferEvent>>> held_;  // read while joining
};

Endpoint ToProto(http::Endpoint endpoint);
http::Endpoint FromProto(Endpoint endpoint);
// The API path of an endpoint ("/v1/chat/completions").
std::string_view EndpointPath(Endpoint endpoint);

Usage ToProto(const http::Usage& usage);
http::Usage FromProto(const Usage& usage);

// Appends `hop`'s time (`elapsed`, in microseconds on the wire) to a head's
// or tail's timing list.
void AddHopTiming(google::protobuf::RepeatedPtrField<HopTiming>* timing, std::string_view hop,
                  std::chrono::steady_clock::duration elapsed);

// The value of a Server-Timing header ("backend;dur=12.3, worker;dur=12.9"),
// durations in milliseconds.
std::string ServerTimingValue(const google::protobuf::RepeatedPtrField<HopTiming>& timing);

// A tail reporting an answer cut short by `error`.
ResponseTail FailedTail(const Status& error);
// The Status a failed tail carries (OK for a complete one).
Status TailStatus(const ResponseTail& tail);

}  // namespace cocoon::inference
