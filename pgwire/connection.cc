#include "pgwire/connection.h"

#include <exception>
#include <utility>
#include <vector>

#include "pgwire/connection_internal.h"

namespace immu::pgwire {

namespace {

// Input beyond which the splitter's buffer is rebuilt once drained, so one
// large message does not pin its capacity for the connection's lifetime.
constexpr size_t kLargeInput = 64 * 1024;

}  // namespace

PgError InternalError(const char* what) {
  return PgError(sqlstate::kInternalError, what != nullptr && *what != 0 ? what : "internal error");
}

Connection::Connection(sql::Engine* engine, const UserStore* users, CancelRegistry* cancels,
                       ConnectionOptions options)
    : engine_(engine),
      users_(users),
      cancels_(cancels),
      options_(std::move(options)),
      splitter_(options_.limits) {}

Connection::~Connection() {
  // Unregister first: after this no CancelRequest can reach the session.
  if (registered_) cancels_->Unregister(key_.process_id);
}

void Connection::TlsStarted() {
  if (state_ != State::kAwaitingTls) return;
  tls_active_ = true;
  state_ = State::kStartup;
}

void Connection::Terminate(const PgError& e) {
  if (!closed()) SendFatal(e);
}

void Connection::Receive(std::string_view bytes) {
  if (closed()) return;
  if (state_ == State::kAwaitingTls) {
    SendFatal(PgError(sqlstate::kProtocolViolation,
                      "received unencrypted data after SSL request",
                      "This could be either a client-software bug or evidence of an attempted "
                      "man-in-the-middle attack."));
    return;
  }
  const bool large = bytes.size() + splitter_.buffered() > kLargeInput;
  try {
    splitter_.Append(bytes);
    while (state_ != State::kClosed && state_ != State::kAwaitingTls) {
      std::optional<Frame> frame;
      try {
        frame = splitter_.Next();
      } catch (const InvalidLengthError& e) {
        CloseSilently(e);
        break;
      } catch (const PgError& e) {
        // Framing is lost: nothing after this point can be interpreted.
        SendFatal(e);
        break;
      }
      if (!frame) break;
      HandleFrame(*frame);
      if (broken_) {
        out_.Clear();
        state_ = State::kClosed;
      }
    }
    if (state_ == State::kAwaitingTls && splitter_.buffered() > 0) {
      // Bytes pipelined after the SSLRequest were not protected by TLS.
      out_.Clear();
      SendFatal(PgError(sqlstate::kProtocolViolation,
                        "received unencrypted data after SSL request",
                        "This could be either a client-software bug or evidence of an attempted "
                        "man-in-the-middle attack."));
    }
  } catch (const PgError& e) {
    if (!out_.in_message()) SendFatal(e);
    state_ = State::kClosed;
  } catch (const std::exception& e) {
    if (!out_.in_message()) SendFatal(InternalError(e.what()));
    state_ = State::kClosed;
  } catch (...) {
    state_ = State::kClosed;
  }
  if (large && splitter_.buffered() == 0 && state_ != State::kClosed) {
    const FramePhase phase = splitter_.phase();
    splitter_ = FrameSplitter(options_.limits);
    splitter_.set_phase(phase);
  }
}

void Connection::HandleFrame(const Frame& frame) {
  switch (state_) {
    case State::kStartup:
      try {
        HandleStartupPacket(frame.body);
      } catch (const InvalidLengthError& e) {
        CloseSilently(e);
      } catch (const PgError& e) {
        SendFatal(e);
      } catch (const std::exception& e) {
        SendFatal(InternalError(e.what()));
      }
      return;
    case State::kAuthSaslInit:
    case State::kAuthSaslFirst:
    case State::kAuthSaslFinal:
    case State::kAuthPassword:
      try {
        if (frame.type != frontend::kAuthResponse) {
          const bool sasl = state_ != State::kAuthPassword;
          ThrowProtocolViolation(std::string(sasl ? "expected SASL response, got message type "
                                                  : "expected password response, got message "
                                                    "type ") +
                                 std::to_string(static_cast<uint8_t>(frame.type)));
        }
        HandleAuthResponse(frame.body);
      } catch (const PgError& e) {
        SendFatal(e);
      } catch (const std::exception& e) {
        SendFatal(InternalError(e.what()));
      }
      return;
    case State::kReady:
      HandleMessage(frame.type, frame.body);
      return;
    case State::kAwaitingTls:
    case State::kClosed:
      return;
  }
}

void Connection::SendFatal(const PgError& e) {
  AppendErrorResponse(&out_, e, Severity::kFatal);
  state_ = State::kClosed;
}

void Connection::CloseSilently(const PgError& e) {
  close_reason_ = e.message();
  out_.Clear();
  state_ = State::kClosed;
}

void Connection::SendError(const PgError& e) { AppendErrorResponse(&out_, e, Severity::kError); }

void Connection::SendReadyForQuery() {
  char status = 'I';
  Guarded(false, [&] {
    for (const auto& [name, value] : session_->TakeParameterChanges()) {
      AppendParameterStatus(&out_, name, value);
    }
    status = session_->TransactionStatus();
  });
  if (status != 'I' && status != 'T' && status != 'E') status = 'I';
  AppendReadyForQuery(&out_, static_cast<TransactionStatus>(status));
}

void Connection::FlushIfLarge() {
  if (!flush_ || out_.size() < options_.flush_threshold || out_.in_message()) return;
  try {
    flush_(out_.buffer());
  } catch (...) {
    broken_ = true;
    throw PgError(sqlstate::kConnectionException, "connection to client lost");
  }
  out_.Clear();
}

void Connection::HandleMessage(char type, std::string_view body) {
  // Sync and Terminate are looked at even while skipping (SocketBackend).
  if (type == frontend::kTerminate) {
    state_ = State::kClosed;
    return;
  }
  if (copy_in_) {
    HandleCopyInMessage(type, body);
    return;
  }
  if (ignore_till_sync_ && type != frontend::kSync) return;

  const bool extended = type == frontend::kParse || type == frontend::kBind ||
                        type == frontend::kDescribe || type == frontend::kExecute ||
                        type == frontend::kClose || type == frontend::kFlush;
  if (type == frontend::kAuthResponse) {
    // Not a valid message once authenticated; PostgreSQL treats it as an
    // unknown type (FATAL).
    SendFatal(PgError(sqlstate::kProtocolViolation,
                      "invalid frontend message type " +
                          std::to_string(static_cast<uint8_t>(type))));
    return;
  }
  std::optional<FrontendMessage> msg;
  if (!Guarded(extended, [&] { msg = ParseFrontendMessage(type, body); })) {
    if (!extended) SendReadyForQuery();
    return;
  }

  if (auto* q = std::get_if<QueryMessage>(&*msg)) {
    DoSimpleQuery(q->query);
  } else if (auto* p = std::get_if<ParseMessage>(&*msg)) {
    DoParse(*p);
  } else if (auto* b = std::get_if<BindMessage>(&*msg)) {
    DoBind(*b);
  } else if (auto* d = std::get_if<DescribeMessage>(&*msg)) {
    DoDescribe(*d);
  } else if (auto* e = std::get_if<ExecuteMessage>(&*msg)) {
    DoExecute(*e);
  } else if (auto* c = std::get_if<CloseMessage>(&*msg)) {
    DoClose(*c);
  } else if (std::holds_alternative<SyncMessage>(*msg)) {
    DoSync();
  } else if (std::holds_alternative<FlushMessage>(*msg)) {
    // Replies are written after every batch of input anyway.
  } else if (std::holds_alternative<FunctionCallMessage>(*msg)) {
    SendError(PgError(sqlstate::kFeatureNotSupported, "fast-path function calls are not supported"));
    SendReadyForQuery();
  }
  // CopyData / CopyDone / CopyFail outside COPY: ignored, as PostgreSQL
  // does (the client is finishing a COPY that already failed).
}

void Connection::DoSimpleQuery(std::string_view sql) {
  std::vector<sql::ExecResult> results;
  WireSink sink(this, &results);
  Guarded(false, [&] {
    try {
      session_->SimpleQuery(sql, sink, &results);
    } catch (...) {
      // Results of the statements that did complete precede the error.
      if (!broken_) sink.EmitCompletions();
      throw;
    }
    sink.EmitCompletions();
  });
  // In copy-in mode ReadyForQuery waits for the end of the COPY data.
  if (!broken_ && !copy_in_) SendReadyForQuery();
}

void Connection::HandleCopyInMessage(char type, std::string_view body) {
  // PostgreSQL's CopyGetData: Flush and Sync are ignored during copy-in;
  // any other message is a protocol violation that ends the COPY.
  if (type == frontend::kFlush || type == frontend::kSync) return;
  bool finished = false;
  const bool ok = Guarded(false, [&] {
    switch (type) {
      case frontend::kCopyData:
        session_->CopyInData(body);
        return;
      case frontend::kCopyDone: {
        finished = true;
        const sql::ExecResult r = session_->CopyInDone();
        AppendCommandComplete(&out_, r.command_tag);
        return;
      }
      case frontend::kCopyFail: {
        finished = true;
        std::string message(body);
        if (!message.empty() && message.back() == '\0') message.pop_back();
        session_->CopyInFail(message);
        return;
      }
      default:
        finished = true;
        session_->CopyInFail("unexpected message during COPY");
        throw PgError(sqlstate::kProtocolViolation,
                      "unexpected message type 0x" + std::to_string(static_cast<uint8_t>(type)) +
                          " during COPY from stdin");
    }
  });
  if (!ok || finished) {
    copy_in_ = false;
    if (!broken_) SendReadyForQuery();
  }
}

}  // namespace immu::pgwire
