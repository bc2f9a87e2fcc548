#pragma once
// SCRAM-SHA-256 (RFC 5802 / RFC 7677), server side, as PostgreSQL implements
// it (src/backend/libpq/auth-scram.c):
//
//   client                                   server
//   SASLInitialResponse "SCRAM-SHA-256",
//     n,,n=<ignored>,r=<cnonce>      ->  HandleClientFirst()
//                                    <-  SASLContinue r=<cnonce><snonce>,s=<salt>,i=<iter>
//   SASLResponse c=biws,r=...,p=<proof> -> HandleClientFinal()
//                                    <-  SASLFinal v=<server signature>, then AuthenticationOk
//
// Channel binding (SCRAM-SHA-256-PLUS, RFC 5929 tls-server-end-point) is
// offered over TLS, as PostgreSQL does: the client proves that its TLS
// session ends at the server holding our certificate (the hash of which the
// transport supplies). Without PLUS selected, a client-first message with
// "p=" is rejected (08P01); "y" (the client could bind but thinks we cannot)
// is accepted when PLUS was not offered and refused (28000, a downgrade)
// when it was. The user name inside the
// SCRAM message is ignored (the StartupMessage's one counts), authzid and
// mandatory extensions are refused (0A000), as PostgreSQL does.
//
// Malformed messages throw PgError with PostgreSQL's wording; a wrong
// password is not an exception but HandleClientFinal() returning nullopt,
// after which the server sends FATAL 28P01 "password authentication failed
// for user ...".
//
// Passwords are used as given: PostgreSQL first applies SASLprep, which is
// the identity for ASCII passwords; non-ASCII passwords whose NFKC form
// differs from their bytes would hash differently here (not implemented).
//
// Thread-safety: plain functions; an exchange belongs to one connection.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace immu::pgwire {

inline constexpr std::string_view kScramSha256 = "SCRAM-SHA-256";
inline constexpr std::string_view kScramSha256Plus = "SCRAM-SHA-256-PLUS";
inline constexpr int kScramDefaultIterations = 4096;
inline constexpr size_t kScramDefaultSaltLength = 16;  // PostgreSQL's SCRAM_DEFAULT_SALT_LEN
inline constexpr size_t kScramRawNonceLength = 18;     // PostgreSQL's SCRAM_RAW_NONCE_LEN

using ScramKey = std::array<uint8_t, 32>;

// ---- Primitives (also what a client computes) --------------------------------

ScramKey HmacSha256(std::string_view key, std::string_view data);
ScramKey HmacSha256(const ScramKey& key, std::string_view data);
ScramKey Sha256Key(const ScramKey& data);
// PBKDF2-HMAC-SHA-256 (RFC 5802's Hi()).
ScramKey ScramSaltedPassword(std::string_view password, std::string_view salt, int iterations);
ScramKey ScramClientKey(const ScramKey& salted_password);  // HMAC(.., "Client Key")
ScramKey ScramServerKey(const ScramKey& salted_password);  // HMAC(.., "Server Key")
std::string_view KeyView(const ScramKey& k);

// ---- Stored verifier ---------------------------------------------------------

// What the server stores instead of the password. Its text form is
// PostgreSQL's pg_authid.rolpassword format:
//   SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>
struct ScramVerifier {
  int iterations = kScramDefaultIterations;
  std::string salt;  // raw bytes
  ScramKey stored_key{};
  ScramKey server_key{};

  // With a fresh random salt of kScramDefaultSaltLength bytes.
  static ScramVerifier FromPassword(std::string_view password,
                                    int iterations = kScramDefaultIterations);
  static ScramVerifier FromPassword(std::string_view password, std::string_view salt,
                                    int iterations);
  // nullopt for anything that is not a well-formed verifier.
  static std::optional<ScramVerifier> Parse(std::string_view text);
  std::string ToString() const;

  bool operator==(const ScramVerifier&) const = default;
};

// ---- Server exchange ---------------------------------------------------------

// Throws PgError 08P01 unless mechanism is one we offer: SCRAM-SHA-256, and
// SCRAM-SHA-256-PLUS when plus_offered.
void CheckScramMechanism(std::string_view mechanism, bool plus_offered = false);

// The tls-server-end-point channel-binding data of a DER certificate: its
// hash with the certificate's signature digest (SHA-256 for MD5 and SHA-1),
// RFC 5929 section 4.1. Empty when it cannot be computed.
std::string TlsServerEndPoint(std::string_view der_certificate);

class ScramServerExchange {
 public:
  // server_nonce: printable characters other than ',' (tests inject RFC 7677's);
  // empty means base64 of kScramRawNonceLength random bytes, as PostgreSQL.
  explicit ScramServerExchange(ScramVerifier verifier, std::string server_nonce = {});

  // For a user that does not exist or has no SCRAM verifier: the exchange
  // looks like a real one (salt derived from server_secret and the user
  // name, so it is stable across attempts) but always fails, so a client
  // cannot probe which users exist.
  static ScramServerExchange ForUnknownUser(std::string_view username,
                                            std::string_view server_secret);

  // client-first-message (the data of SASLInitialResponse) -> the
  // server-first-message to send in AuthenticationSASLContinue. A client that
  // sent no initial data gets an empty SASLContinue from the session and its
  // next SASLResponse is passed here instead.
  std::string HandleClientFirst(std::string_view message);

  // client-final-message (the SASLResponse data) -> the server-final-message
  // for AuthenticationSASLFinal when the proof is right, nullopt when not
  // (wrong password, or an unknown user).
  std::optional<std::string> HandleClientFinal(std::string_view message);

  // Before HandleClientFirst: plus_offered = SCRAM-SHA-256-PLUS was in the
  // mechanism list; plus_selected = the client chose it; end_point = the
  // tls-server-end-point data its proof must bind.
  void SetChannelBinding(bool plus_offered, bool plus_selected, std::string end_point);

  bool authenticated() const { return state_ == State::kAuthenticated; }

 private:
  enum class State { kExpectFirst, kExpectFinal, kAuthenticated, kFailed };

  ScramVerifier verifier_;
  std::string server_nonce_;
  bool doomed_ = false;
  State state_ = State::kExpectFirst;
  char cbind_flag_ = 'n';
  bool plus_offered_ = false;
  bool plus_selected_ = false;
  std::string end_point_;   // channel-binding data when plus_selected_
  std::string gs2_header_;  // as the client sent it, e.g. "p=tls-server-end-point,,"
  std::string client_nonce_;
  std::string client_first_bare_;
  std::string server_first_;
};

}  // namespace immu::pgwire
