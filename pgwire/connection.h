#pragma once
// One client connection's protocol state machine, without any I/O.
//
// The transport (server/) feeds the bytes it reads to Receive() and sends
// whatever Receive() appended to output(); the Connection does everything
// in between: startup packets (SSLRequest, GSSENCRequest, CancelRequest,
// StartupMessage, protocol negotiation), authentication (SCRAM-SHA-256, md5,
// cleartext, trust; UserStore), then the simple and extended query
// protocols driving an sql::Session, with PostgreSQL's error recovery:
//
//  - a PgError from the session becomes an ErrorResponse with all its
//    fields; any other exception becomes XX000; the connection survives;
//  - after an error in an extended-protocol message everything up to the
//    next Sync is discarded (only Sync and Terminate are looked at);
//  - a message whose framing is broken closes the connection: the byte
//    stream can no longer be trusted. An unknown type byte gets a FATAL
//    first; an impossible or over-long length (InvalidLengthError: an HTTP
//    request, random bytes) gets no answer at all, as PostgreSQL's COMMERROR
//    (close_reason() tells the transport's log why). A well-framed message
//    with a malformed body gets an ERROR (08P01) like any other failed
//    message, as in PostgreSQL;
//  - every error before authentication completes is FATAL.
//
// TLS: when options.tls_available, an SSLRequest is answered 'S' and
// Receive() returns with awaiting_tls() set; the transport sends output(),
// performs the handshake, calls TlsStarted() and from then on feeds the
// decrypted bytes. Bytes that arrived after the SSLRequest but before the
// handshake are refused (FATAL), as PostgreSQL does since CVE-2021-23214.
//
// Output: Receive() appends every reply to output(); the transport sends it
// all and calls output().Clear(). A statement that produces more than
// options.flush_threshold bytes calls the flush callback mid-statement (the
// transport writes synchronously), so a huge result never sits in memory; a
// flush callback that throws marks the connection broken (client gone).
//
// Thread-safety: a Connection is used by one thread at a time (its strand).
// The CancelRegistry and UserStore it points to are shared and
// thread-safe.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/pg_error.h"
#include "pgwire/backend.h"
#include "pgwire/buffer.h"
#include "pgwire/cancel_registry.h"
#include "pgwire/framer.h"
#include "pgwire/frontend.h"
#include "pgwire/scram.h"
#include "pgwire/startup.h"
#include "pgwire/user_store.h"
#include "sql/session.h"

namespace immu::pgwire {

struct ConnectionOptions {
  // Answer SSLRequest with 'S' (the transport has a TLS context).
  bool tls_available = false;
  // The server is full: refuse the StartupMessage with FATAL 53300.
  bool too_many_connections = false;
  FrameLimits limits;
  // Output size beyond which a running statement flushes (see above).
  size_t flush_threshold = 256 * 1024;
  // Mixed into the mock SCRAM salt of unknown users, so it is stable per
  // server but not predictable (ScramServerExchange::ForUnknownUser).
  std::string server_secret = "immudb";
  // The tls-server-end-point data of our certificate (TlsServerEndPoint):
  // when set, SCRAM-SHA-256-PLUS is offered on TLS connections.
  std::string tls_server_end_point;
  // The peer, for pg_stat_activity (empty: unknown).
  std::string client_addr;
  int32_t client_port = -1;
  // Fixed SCRAM server nonce (tests only); empty = random.
  std::string scram_nonce_for_testing;
};

// Called with output bytes that must be written before the statement goes
// on. Throws (anything) when the client is gone.
using FlushFunction = std::function<void(std::string_view bytes)>;

class Connection {
 public:
  // engine, users and cancels must outlive the connection.
  Connection(sql::Engine* engine, const UserStore* users, CancelRegistry* cancels,
             ConnectionOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Processes bytes from the client; replies accumulate in output(). Never
  // throws for anything the client sends.
  void Receive(std::string_view bytes);

  MessageWriter& output() { return out_; }
  void set_flush(FlushFunction flush) { flush_ = std::move(flush); }

  // The transport must send output() and then close the connection
  // (Terminate, a FATAL error, a served CancelRequest, a lost client).
  bool closed() const { return state_ == State::kClosed; }
  // 'S' was just answered: do the TLS handshake, then call TlsStarted().
  bool awaiting_tls() const { return state_ == State::kAwaitingTls; }
  void TlsStarted();
  bool tls_active() const { return tls_active_; }
  // Startup and authentication are complete (the session exists).
  bool ready() const { return session_ != nullptr && !closed(); }

  // Sends FATAL with e (57P01 at shutdown, authentication timeout ...) and
  // closes.
  void Terminate(const PgError& e);

  // Why the connection closed without answering (empty otherwise).
  const std::string& close_reason() const { return close_reason_; }
  const std::string& user() const { return user_; }
  const std::string& database() const { return database_; }
  BackendKey backend_key() const { return key_; }

 private:
  enum class State {
    kStartup,       // expecting a startup-family packet
    kAwaitingTls,   // answered 'S', the transport is doing the handshake
    kAuthSaslInit,  // sent AuthenticationSASL
    kAuthSaslFirst, // got an initial response without data
    kAuthSaslFinal, // sent SASLContinue
    kAuthPassword,  // sent CleartextPassword or MD5Password
    kReady,         // query protocols
    kClosed,
  };

  class WireSink;
  friend class WireSink;

  // connection.cc
  void HandleFrame(const Frame& frame);
  void HandleMessage(char type, std::string_view body);
  void SendFatal(const PgError& e);
  // Closes with no reply (InvalidLengthError), keeping e for close_reason().
  void CloseSilently(const PgError& e);
  void SendError(const PgError& e);
  // Runs f; a PgError or any other exception becomes an ErrorResponse and
  // returns false. Sets ignore_till_sync_ when extended is true.
  template <typename F>
  bool Guarded(bool extended, F&& f);
  void SendReadyForQuery();
  void FlushIfLarge();
  void DoSimpleQuery(std::string_view sql);
  void HandleCopyInMessage(char type, std::string_view body);

  // connection_startup.cc
  void HandleStartupPacket(std::string_view packet);
  void HandleStartupMessage(const StartupPacket& p);
  void HandleAuthResponse(std::string_view body);
  // SCRAM-SHA-256-PLUS is offered: TLS is on and the end point is known.
  bool PlusOffered() const;
  void FailAuthentication();
  void CompleteAuthentication();

  // connection_extended.cc
  void DoParse(const ParseMessage& m);
  void DoBind(const BindMessage& m);
  void DoDescribe(const DescribeMessage& m);
  void DoExecute(const ExecuteMessage& m);
  void DoClose(const CloseMessage& m);
  void DoSync();

  sql::Engine* const engine_;
  const UserStore* const users_;
  CancelRegistry* const cancels_;
  const ConnectionOptions options_;

  State state_ = State::kStartup;
  FrameSplitter splitter_;
  MessageWriter out_;
  FlushFunction flush_;
  bool broken_ = false;  // the flush callback failed: the client is gone

  bool ssl_done_ = false;  // SSLRequest answered once
  bool gss_done_ = false;  // GSSENCRequest answered once
  bool tls_active_ = false;

  std::string user_;
  std::string close_reason_;
  std::string database_;
  sql::SessionOptions session_options_;
  std::optional<UserAuth> auth_;
  std::unique_ptr<ScramServerExchange> scram_;
  std::array<uint8_t, 4> md5_salt_{};
  bool md5_challenge_ = false;  // kAuthPassword answers an MD5 challenge

  std::unique_ptr<sql::Session> session_;
  BackendKey key_;
  bool registered_ = false;
  bool ignore_till_sync_ = false;
  bool copy_in_ = false;  // between CopyInResponse and CopyDone/CopyFail
};

}  // namespace immu::pgwire
