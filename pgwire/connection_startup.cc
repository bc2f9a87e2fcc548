// Startup packets and authentication (PostgreSQL's ProcessStartupPacket and
// ClientAuthentication). Every error here is FATAL: the caller
// (Connection::HandleFrame) turns a throw into a FATAL ErrorResponse.

#include <algorithm>
#include <cctype>
#include <string>

#include "pgwire/connection_internal.h"
#include "pgwire/password.h"

namespace immu::pgwire {

namespace {

bool IsFalseValue(std::string_view v) {
  std::string lower(v);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "false" || lower == "off" || lower == "no" || lower == "0";
}

bool IsScramSecret(const std::optional<UserAuth>& auth) {
  return auth && ScramVerifier::Parse(auth->secret).has_value();
}

}  // namespace

void Connection::HandleStartupPacket(std::string_view packet) {
  const StartupPacket p = ParseStartupPacket(packet);
  switch (p.kind) {
    case StartupKind::kSslRequest:
      // A second request falls through to the version check in PostgreSQL
      // and is refused as an unsupported protocol.
      if (ssl_done_) throw UnsupportedProtocolError(p.code);
      ssl_done_ = true;
      if (options_.tls_available && !tls_active_) {
        out_.AppendByte('S');
        state_ = State::kAwaitingTls;  // Receive() checks nothing else arrived
      } else {
        out_.AppendByte('N');
      }
      return;
    case StartupKind::kGssEncRequest:
      if (gss_done_) throw UnsupportedProtocolError(p.code);
      gss_done_ = true;
      out_.AppendByte('N');
      return;
    case StartupKind::kCancelRequest:
      // No reply either way: the client learns nothing about the key.
      cancels_->Cancel(p.process_id, p.secret_key);
      state_ = State::kClosed;
      return;
    case StartupKind::kUnsupportedVersion:
      if (ProtocolMajor(p.code) < 3) {
        // PostgreSQL answers a 1.x/2.x client in the old format it can read:
        // 'E', then the text with a NUL, no length word.
        out_.AppendByte('E');
        out_.AppendCString("FATAL:  " + UnsupportedProtocolError(p.code).message() + "\n");
        state_ = State::kClosed;
        return;
      }
      throw UnsupportedProtocolError(p.code);
    case StartupKind::kStartup:
      HandleStartupMessage(p);
      return;
  }
}

void Connection::HandleStartupMessage(const StartupPacket& p) {
  splitter_.set_phase(FramePhase::kNormal);
  user_ = std::string(p.user());
  database_ = std::string(p.database());
  if (user_.empty()) {
    throw PgError(sqlstate::kInvalidAuthorizationSpecification,
                  "no PostgreSQL user name specified in startup packet");
  }
  if (p.Has(kParamReplication) && !IsFalseValue(p.Get(kParamReplication))) {
    throw PgError(sqlstate::kFeatureNotSupported, "replication connections are not supported");
  }
  if (options_.too_many_connections) {
    throw PgError(sqlstate::kTooManyConnections, "sorry, too many clients already");
  }
  if (NeedsProtocolNegotiation(p)) {
    AppendNegotiateProtocolVersion(&out_, static_cast<int32_t>(kProtocolVersion3), p.protocol_options);
  }

  session_options_.user = user_;
  session_options_.database = database_;
  session_options_.client_addr = options_.client_addr;
  session_options_.client_port = options_.client_port;
  session_options_.application_name = std::string(p.Get(kParamApplicationName));
  for (const auto& [name, value] : p.parameters) {
    if (name == kParamUser || name == kParamDatabase || name == kParamApplicationName ||
        name == kParamReplication) {
      continue;
    }
    // The last occurrence wins, as for GUCs.
    session_options_.startup_params[std::string(name)] = std::string(value);
  }

  auth_ = users_->Lookup(user_);
  const AuthMethod method = auth_ ? auth_->method : AuthMethod::kScramSha256;
  switch (method) {
    case AuthMethod::kTrust:
      CompleteAuthentication();
      return;
    case AuthMethod::kPassword:
      AppendAuthenticationCleartextPassword(&out_);
      state_ = State::kAuthPassword;
      return;
    case AuthMethod::kMd5:
      // A SCRAM secret cannot answer an MD5 challenge: PostgreSQL then
      // asks for SCRAM instead.
      if (!IsScramSecret(auth_)) {
        md5_salt_ = RandomMd5Salt();
        md5_challenge_ = true;
        AppendAuthenticationMd5Password(&out_, md5_salt_);
        state_ = State::kAuthPassword;
        return;
      }
      break;
    case AuthMethod::kScramSha256:
      break;
  }
  // PostgreSQL's order: PLUS first, when the session is on TLS.
  if (PlusOffered()) {
    const std::string_view mechanisms[] = {kScramSha256Plus, kScramSha256};
    AppendAuthenticationSasl(&out_, mechanisms);
  } else {
    const std::string_view mechanisms[] = {kScramSha256};
    AppendAuthenticationSasl(&out_, mechanisms);
  }
  state_ = State::kAuthSaslInit;
}

bool Connection::PlusOffered() const { return tls_active_ && !options_.tls_server_end_point.empty(); }

void Connection::HandleAuthResponse(std::string_view body) {
  switch (state_) {
    case State::kAuthSaslInit: {
      const SaslInitialResponse r = ParseSaslInitialResponse(body);
      CheckScramMechanism(r.mechanism, PlusOffered());
      std::optional<ScramVerifier> v;
      if (auth_) v = ScramVerifier::Parse(auth_->secret);
      if (v) {
        scram_ = std::make_unique<ScramServerExchange>(std::move(*v),
                                                       options_.scram_nonce_for_testing);
      } else {
        // Unknown user, or one whose secret is not a SCRAM verifier: an
        // exchange that looks real and always fails.
        scram_ = std::make_unique<ScramServerExchange>(
            ScramServerExchange::ForUnknownUser(user_, options_.server_secret));
      }
      scram_->SetChannelBinding(PlusOffered(), r.mechanism == kScramSha256Plus,
                                options_.tls_server_end_point);
      if (!r.data) {
        AppendAuthenticationSaslContinue(&out_, {});
        state_ = State::kAuthSaslFirst;
        return;
      }
      AppendAuthenticationSaslContinue(&out_, scram_->HandleClientFirst(*r.data));
      state_ = State::kAuthSaslFinal;
      return;
    }
    case State::kAuthSaslFirst:
      AppendAuthenticationSaslContinue(&out_, scram_->HandleClientFirst(body));
      state_ = State::kAuthSaslFinal;
      return;
    case State::kAuthSaslFinal: {
      std::optional<std::string> final_message = scram_->HandleClientFinal(body);
      if (!final_message) FailAuthentication();
      AppendAuthenticationSaslFinal(&out_, *final_message);
      CompleteAuthentication();
      return;
    }
    case State::kAuthPassword: {
      const std::string_view password = ParsePasswordMessage(body);
      bool ok = false;
      if (auth_ && !password.empty()) {
        ok = md5_challenge_ ? VerifyMd5Response(auth_->secret, md5_salt_, password)
                            : VerifyPassword(*auth_, user_, password);
      }
      if (!ok) FailAuthentication();
      CompleteAuthentication();
      return;
    }
    default:
      ThrowProtocolViolation("unexpected authentication message");
  }
}

void Connection::FailAuthentication() {
  // The same words whether the user exists or not.
  throw PgError(sqlstate::kInvalidPassword,
                "password authentication failed for user \"" + user_ + "\"");
}

void Connection::CompleteAuthentication() {
  scram_.reset();
  AppendAuthenticationOk(&out_);
  key_ = cancels_->Register();
  registered_ = true;
  session_options_.backend_pid = key_.process_id;
  // After AuthenticationOk, as PostgreSQL checks the database in
  // InitPostgres: a missing one is a FATAL 3D000 from here.
  session_ = engine_->NewSession(session_options_);
  cancels_->Attach(key_.process_id, session_.get());
  // Everything is reported below; earlier "changes" are not news.
  session_->TakeParameterChanges();
  for (const auto& [name, value] : session_->ReportedParameters()) {
    AppendParameterStatus(&out_, name, value);
  }
  AppendBackendKeyData(&out_, key_.process_id, key_.secret_key);
  state_ = State::kReady;
  SendReadyForQuery();
}

}  // namespace immu::pgwire
